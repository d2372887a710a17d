"""Deleting the days of the web log past the plan's ``operations.web_logs.retention``.

The server appends one file a day to ``STEWARD_WEB_LOG_DIR``
(:mod:`steward.server.web_log`). The ``web-log-pruning`` job, run every hour by the
same runner as the backups, deletes each day's file once the first moment of that day
is the retention old (:func:`steward.vault.rules.web_log_files_to_prune`), so no line
is kept longer than the plan says, give or take the hour between runs. Without a
retention the job is not scheduled, and check RET004 warns about the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Final

from django.conf import settings

from steward.clock import now
from steward.policy import Plan
from steward.vault.rules import web_log_file_day, web_log_files_to_prune
from steward.vault.rules.schedule import duration_interval
from steward.vault.services.jobs import Job, JobContext, Schedule

WEB_LOG_JOB_NAME: Final = "web-log-pruning"
PRUNE_EVERY: Final = timedelta(hours=1)


@dataclass(frozen=True)
class WebLogPruning:
    """What a pruning did: the day files deleted (oldest first) and the days still kept."""

    deleted: tuple[str, ...]
    kept: int


def web_log_retention(plan: Plan) -> timedelta | None:
    """How long the plan keeps web log lines; ``None`` when it does not say."""
    retention = plan.operations.web_logs.retention
    return duration_interval(retention) if retention is not None else None


def prune_web_log(folder: Path, retention: timedelta | None) -> WebLogPruning:
    """Delete the day files in ``folder`` past ``retention`` at the clock's current time.

    Files that are not day files are left alone. A missing folder holds nothing.

    Raises:
        OSError: a file could not be deleted (the folder is not writable).
    """
    names = [p.name for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    due = web_log_files_to_prune(names, retention, now())
    for name in due:
        (folder / name).unlink(missing_ok=True)
    days = sum(1 for name in names if web_log_file_day(name) is not None)
    return WebLogPruning(due, days - len(due))


def web_log_schedule(plan: Plan) -> Schedule:
    """Every hour while the plan sets a retention; not scheduled without one."""
    retention = plan.operations.web_logs.retention
    if retention is None:
        return Schedule(
            None, "the plan sets no operations.web_logs.retention: the web log is not pruned"
        )
    return Schedule(
        PRUNE_EVERY, f"hourly, to operations.web_logs.retention: {retention.describe()}"
    )


def run_web_log_pruning(context: JobContext) -> str:
    """Prune the web log folder by the plan's retention; one sentence for the record."""
    retention = context.plan.operations.web_logs.retention
    pruned = prune_web_log(Path(settings.STEWARD_WEB_LOG_DIR), web_log_retention(context.plan))
    period = retention.describe() if retention is not None else "no retention"
    if not pruned.deleted:
        return f"no day of the web log is past {period}; {pruned.kept} kept"
    count = len(pruned.deleted)
    return (
        f"deleted {count} day{'' if count == 1 else 's'} of the web log past {period} "
        f"(oldest {pruned.deleted[0].removesuffix('.jsonl')}); {pruned.kept} kept"
    )


WEB_LOG_PRUNING: Final = Job(
    WEB_LOG_JOB_NAME, "Web log pruning", web_log_schedule, run_web_log_pruning
)
