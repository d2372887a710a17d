"""``steward deid``: scan data for personal information, measure risk, de-identify.

Each command lives in its own module (``deid_scan``, ``deid_risk``, ``deid_apply``,
``deid_anonymize``, ``deid_redact``) and is registered here.
"""

from __future__ import annotations

import typer

from steward.cli.deid_anonymize import anonymize_command
from steward.cli.deid_apply import apply
from steward.cli.deid_redact import redact
from steward.cli.deid_risk import risk
from steward.cli.deid_scan import scan

app = typer.Typer(
    help="Find personal data, measure re-identification risk, de-identify datasets, redact text.",
    no_args_is_help=True,
)
app.command("anonymize")(anonymize_command)
app.command("apply")(apply)
app.command("redact")(redact)
app.command("risk")(risk)
app.command("scan")(scan)
