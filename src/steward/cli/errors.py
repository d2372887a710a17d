"""Turning user errors into a message and an exit status, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import typer
from rich.console import Console
from rich.markup import escape

from steward.errors import StewardError
from steward.policy.loader import PlanLoadError, PlanUnreadableError

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
"""The plan has errors: check findings, schema problems or broken references."""
EXIT_UNUSABLE: Final = 2
"""The file cannot be read, or the command was misused."""

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Report any :class:`StewardError` raised inside as a plain message and exit.

    Unreadable files exit 2; invalid plans exit 1 with every problem listed.
    """
    try:
        yield
    except PlanUnreadableError as error:
        stderr.print(f"[bold red]error:[/] {error}", markup=True)
        raise typer.Exit(EXIT_UNUSABLE) from None
    except PlanLoadError as error:
        stderr.print(f"[bold red]error:[/] {error}", markup=True)
        raise typer.Exit(EXIT_FINDINGS) from None
    except StewardError as error:
        stderr.print(f"[bold red]error:[/] {error}", markup=True)
        raise typer.Exit(EXIT_UNUSABLE) from None


def warn(message: str) -> None:
    """Print ``message`` as a warning on standard error (the command goes on)."""
    stderr.print(f"[yellow]warning:[/] {escape(message)}", markup=True)
