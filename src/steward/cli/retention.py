"""``steward retention``: sweep what the plan's retention says must go, and show where
retention stands. Counts only: no command here prints a personal value.

The sweep also runs daily by itself (``steward serve`` or ``steward jobs run-due``);
see docs/retention.md.
"""

from __future__ import annotations

from typing import Annotated

import typer

from steward.cli.django_setup import DatabaseUrl, DataDir, PlanOption, setup_django
from steward.cli.errors import EXIT_FINDINGS, plain_console, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir

app = typer.Typer(
    help="Sweep expired data by the plan's retention, and show what is due.",
    no_args_is_help=True,
)
stdout = plain_console()

RETENTION_ACTOR = "cli/retention"
TIME = "%Y-%m-%d %H:%M UTC"


@app.command()
def sweep(
    plan: PlanOption,
    database_url: DatabaseUrl = None,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Only count what would go; delete nothing."),
    ] = False,
) -> None:
    """Purge now every value whose retention has ended (recorded as a run of the
    daily sweep). With --dry-run, list what would go, as counts by dataset, purpose
    and action. Exit 1 when the sweep failed."""
    with user_errors():
        setup_django(plan, keys_dir, database_url, data_dir)
        from steward import clock
        from steward.vault import get_vault
        from steward.vault.services import RETENTION_JOB_NAME, record_run, sweep_retention

        vault = get_vault()
        if dry_run:
            report = sweep_retention(vault, now=clock.now(), dry_run=True)
            stdout.print(report.summary())
            for line in report.lines():
                stdout.print(f"  {line}")
            return
        recorded = record_run(
            RETENTION_JOB_NAME,
            RETENTION_ACTOR,
            lambda: sweep_retention(vault, now=clock.now()),
            lambda report: report.summary(),
        )
    stdout.print(f"{recorded.result.outcome}: {recorded.result.message}")
    if recorded.value is not None:
        for line in recorded.value.lines():
            stdout.print(f"  {line}")
    if recorded.result.outcome != "succeeded":
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def status(
    plan: PlanOption,
    database_url: DatabaseUrl = None,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
) -> None:
    """Show what falls due in the next 30 days (counts by dataset), what the last
    sweep deleted, and whether it ran when due; exit 1 when the sweep needs attention
    (overdue, failing or never run), so monitoring can call it."""
    with user_errors():
        setup_django(plan, keys_dir, database_url, data_dir)
        from steward import clock
        from steward.vault import get_vault
        from steward.vault.services import read_retention_status

        state = read_retention_status(get_vault(), now=clock.now())
    stdout.print(f"due within {state.horizon_days} days (records, by dataset):")
    if not state.due:
        stdout.print("  nothing")
    for dataset, count in sorted(state.due.items()):
        stdout.print(f"  {dataset}: {count}")
    stdout.print(f"sweep: {state.job.health.value} ({state.job.schedule.source})")
    last = state.last_success
    if last is not None:
        stdout.print(f"last successful sweep ({last.started.strftime(TIME)}): {last.message}")
    else:
        stdout.print("the sweep has never succeeded")
    if state.warning:
        stdout.print(f"warning: {state.warning}")
        raise typer.Exit(EXIT_FINDINGS)
