"""``steward jobs``: run the scheduled jobs that are due, and show how each stands.

``steward serve`` runs due jobs itself in the background; ``jobs run-due`` is for a
cron job or a systemd timer instead (see docs/backups.md). Only one process runs jobs
at a time, whichever starts them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from steward.cli.backup import job_context
from steward.cli.django_setup import (
    DEFAULT_BACKUP_DIR,
    BackupDir,
    DatabaseUrl,
    DataDir,
    PlanOption,
    setup_django,
)
from steward.cli.errors import EXIT_FINDINGS, plain_console, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir

if TYPE_CHECKING:
    from steward.vault.services import JobRunnerThread

app = typer.Typer(
    help="Run due scheduled jobs (backups, drills) and show how they stand.", no_args_is_help=True
)
stdout = plain_console()

BACKUP_DIR_VARIABLE = "STEWARD_BACKUP_DIR"
TIME = "%Y-%m-%d %H:%M UTC"
JOBS_ACTOR = "cli/jobs"


@app.command("run-due")
def run_due(
    plan: PlanOption,
    database_url: DatabaseUrl = None,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
    backup_dir: BackupDir = DEFAULT_BACKUP_DIR,
) -> None:
    """Run every job that is due now, once, then exit (for cron or a systemd timer).

    Exit 0 when every job that ran succeeded (or another runner holds the lock), 1 when
    one failed.
    """
    with user_errors():
        context = job_context(plan, keys_dir, database_url, data_dir, backup_dir, JOBS_ACTOR)
        from steward.vault.services import run_due as run
        from steward.vault.services import runner_name, standard_jobs

        report = run(standard_jobs(), context, runner_name("jobs run-due"))
    if report.locked_out:
        stdout.print("another runner is running the jobs now; nothing was started")
        return
    if not report.ran:
        stdout.print("no job is due")
    for result in report.ran:
        stdout.print(f"{result.job}: {result.outcome}: {result.message}")
    if report.failed:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def status(
    plan: PlanOption,
    database_url: DatabaseUrl = None,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
) -> None:
    """Show each job's schedule, last success and state; exit 1 if one needs attention
    (overdue, failing or never run), so monitoring can call it."""
    with user_errors():
        setup_django(plan, keys_dir, database_url, data_dir)
        from steward.vault import get_vault
        from steward.vault.services import job_statuses, standard_jobs

        statuses = job_statuses(standard_jobs(), get_vault().plan)
    for item in statuses:
        flag = "  <- needs attention" if item.needs_attention else ""
        stdout.print(
            Text.assemble((item.name, "bold"), f" ({item.title}): {item.health.value}{flag}")
        )
        stdout.print(f"  schedule: {item.schedule.source}")
        if item.schedule.note:
            stdout.print(f"  note: {item.schedule.note}")
        success = item.last_success.strftime(TIME) if item.last_success else "never"
        due = item.assessment.due_at
        stdout.print(
            f"  last success: {success}" + (f"; next due: {due.strftime(TIME)}" if due else "")
        )
        last = item.last_run
        if last is not None:
            stdout.print(
                f"  last run: {last.outcome} (started {last.started.strftime(TIME)}): "
                f"{last.message}"
            )
        stdout.print(f"  state: {item.assessment.reason}")
    if any(item.needs_attention for item in statuses):
        raise typer.Exit(EXIT_FINDINGS)


def use_backup_dir(folder: Path) -> None:
    """Tell the vault (settings read before Django starts) where backups go."""
    os.environ[BACKUP_DIR_VARIABLE] = str(folder)


def start_scheduled_jobs() -> JobRunnerThread:
    """Start the background runner of ``steward serve``, once the vault is set up."""
    from steward.vault.services import JobRunnerThread, standard_jobs

    thread = JobRunnerThread(standard_jobs())
    thread.start()
    return thread
