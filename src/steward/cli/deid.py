"""``steward deid``: scan data for personal information, measure risk, de-identify.

Each command lives in its own module (``deid_scan``, ``deid_risk``, ``deid_apply``,
``deid_anonymize``) and is registered here.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Find personal data, measure re-identification risk, and de-identify datasets.",
    no_args_is_help=True,
)
