"""Turning user errors into a message and an exit status, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import typer
from rich.console import Console
from rich.text import Text

from steward.errors import StewardError
from steward.policy import PlanLoadError, PlanSyntaxError, PlanUnreadableError

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
"""The plan has errors: check findings, schema problems or broken references."""
EXIT_UNUSABLE: Final = 2
"""The file cannot be read or is not YAML, or the command was misused."""


def plain_console(*, stderr: bool = False) -> Console:
    """A console that prints text as it is: Rich markup is off unless a call asks for it.

    Commands print file names, plan values and error messages that users chose; with
    markup off, a ``[/b]`` in them is printed, never read as a (broken) style tag.
    Styled output is built from :class:`rich.text.Text` parts, never from markup.
    """
    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False)


stderr = plain_console(stderr=True)


def print_error(message: object) -> None:
    """Print ``error: message`` on standard error; the message is shown as it is.

    Messages carry text the user chose (file names, plan values), so they never pass
    through Rich's markup parser: square brackets and backslashes print as they are.
    """
    stderr.print(Text.assemble(("error:", "bold red"), " ", str(message)))


@contextmanager
def user_errors() -> Iterator[None]:
    """Report any :class:`StewardError` raised inside as a plain message and exit.

    Unreadable files and files that are not YAML exit 2; plans with schema, reference
    or other problems exit 1 with every problem listed; any other user error exits 2.
    """
    try:
        yield
    except (PlanUnreadableError, PlanSyntaxError) as error:
        print_error(error)
        raise typer.Exit(EXIT_UNUSABLE) from None
    except PlanLoadError as error:
        print_error(error)
        raise typer.Exit(EXIT_FINDINGS) from None
    except StewardError as error:
        print_error(error)
        raise typer.Exit(EXIT_UNUSABLE) from None


def warn(message: str) -> None:
    """Print ``message`` as a warning on standard error (the command goes on)."""
    stderr.print(Text.assemble(("warning:", "yellow"), " ", message))
