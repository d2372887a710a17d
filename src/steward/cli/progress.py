"""Progress displays for long commands, on standard error (so output stays clean)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.status import Status
from rich.text import Text

from steward.cli.errors import stderr


def _bar() -> Progress:
    """A transient bar on standard error: spinner, description, bar, n of m, elapsed."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    )


@contextmanager
def stages(total: int) -> Iterator[Callable[[str], None]]:
    """A display of ``total`` named stages; call the yielded function as each one starts."""
    with _bar() as progress:
        task = progress.add_task("starting", total=total)
        started = 0

        def start(stage: str) -> None:
            nonlocal started
            progress.update(task, description=stage, completed=started)
            started += 1

        yield start
        progress.update(task, completed=total)


@contextmanager
def counter(description: str) -> Iterator[Callable[[int, int], None]]:
    """A bar for work counted in units; call the yielded function with (done, total)."""
    with _bar() as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@contextmanager
def spinner() -> Iterator[Callable[[str], None]]:
    """A spinner showing the current stage; call the yielded function as each starts.

    Nothing shows before the first stage. The stage is printed as it is (no markup).
    """
    with ExitStack() as stack:
        status: Status | None = None

        def start(stage: str) -> None:
            nonlocal status
            if status is None:
                status = stack.enter_context(stderr.status(Text(stage)))
            else:
                status.update(Text(stage))

        yield start


@contextmanager
def activity() -> Iterator[tuple[Callable[[str], None], Callable[[int, int], None]]]:
    """A bar for named stages, some counted in units; yields (start a stage, count).

    Nothing shows before the first stage, which starts uncounted; ``count(done, total)``
    then fills the bar.
    """
    with ExitStack() as stack:
        shown: tuple[Progress, TaskID] | None = None

        def start(stage: str) -> None:
            nonlocal shown
            if shown is None:
                progress = stack.enter_context(_bar())
                shown = progress, progress.add_task(stage, total=None)
            else:
                shown[0].update(shown[1], description=stage, completed=0, total=None)

        def count(done: int, total: int) -> None:
            if shown is not None:
                shown[0].update(shown[1], completed=done, total=total)

        yield start, count
