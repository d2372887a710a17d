"""``steward aggregates``: Counts with small cells suppressed, for donors and the public."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Counts with small cells suppressed, for donors and the public.", no_args_is_help=True
)
