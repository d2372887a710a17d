"""``steward extracts``: De-identified extracts of vault records for analysts."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="De-identified extracts of vault records for analysts.", no_args_is_help=True
)
