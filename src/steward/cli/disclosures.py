"""``steward disclosures``:
Disclosures of identified records on a legal ground, with a second approver.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Disclosures of identified records on a legal ground, with a second approver.",
    no_args_is_help=True,
)
