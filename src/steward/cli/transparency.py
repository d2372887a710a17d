"""``steward transparency``:
The transparency report and the sharing inventory, from the register.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The transparency report and the sharing inventory, from the register.",
    no_args_is_help=True,
)
