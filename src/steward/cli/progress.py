"""Progress displays for long commands, on standard error (so output stays clean)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

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
