"""``steward delivery``: Open an encrypted package a recipient was sent."""

from __future__ import annotations

import typer

app = typer.Typer(help="Open an encrypted package a recipient was sent.", no_args_is_help=True)
