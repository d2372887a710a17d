"""``steward intake``: open sealed intake submissions into normal encrypted records."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from steward.cli.django_setup import DEFAULT_PLAN, DatabaseUrl, DataDir, PlanOption, open_vault
from steward.cli.errors import EXIT_FINDINGS, stderr, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, INTAKE_KEY_FILE, KeysDir, passphrase_for_use
from steward.crypto import load_private_key

app = typer.Typer(help="Sealed intake: open submissions with the intake key.", no_args_is_help=True)
stdout = Console(highlight=False, soft_wrap=True, markup=False)


@app.command()
def unseal(
    plan: PlanOption = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
    actor: Annotated[
        str, typer.Option("--as", help="Who is opening them, for the audit log (e.g. a user name).")
    ] = "cli/intake",
) -> None:
    """Open every sealed submission and vulnerability report still waiting, with the
    intake private key.

    The passphrase is asked for (or read from STEWARD_INTAKE_PASSPHRASE). Each opened
    submission becomes a normal record encrypted under its person's own key; each
    vulnerability report is kept encrypted under the key ring, readable on its staff
    page. Each opening is audited; each failure is reported by id and the rest are
    still opened.
    """
    with user_errors():
        vault = open_vault(plan, keys_dir, database_url, data_dir)
        private_key = load_private_key(keys_dir / INTAKE_KEY_FILE, passphrase_for_use())
        from steward.vault.services import open_sealed, open_sealed_reports

        outcome = open_sealed(vault, private_key, actor=actor)
        reports = open_sealed_reports(vault, private_key, actor=actor)
    for submission, reason in outcome.failed:
        stderr.print(f"submission {submission}: {reason}")
    for report, reason in reports.failed:
        stderr.print(f"vulnerability report {report}: {reason}")
    stdout.print(f"opened {len(outcome.opened)}, failed {len(outcome.failed)}")
    if reports.opened or reports.failed:
        stdout.print(
            f"vulnerability reports: opened {len(reports.opened)}, failed {len(reports.failed)}"
        )
    if outcome.failed or reports.failed:
        raise typer.Exit(EXIT_FINDINGS)
