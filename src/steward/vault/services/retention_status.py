"""Where retention stands, for the privacy officer: what falls due soon, what the last
sweep deleted, and whether the sweep ran when it should have. Counts only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from steward.vault.models import JobRun
from steward.vault.runtime import Vault
from steward.vault.services.jobs import JobRegistry
from steward.vault.services.jobs_status import JobStatus, job_statuses
from steward.vault.services.retention_sweep import HORIZON, RETENTION_SWEEP, due_soon

__all__ = ["RetentionStatus", "read_retention_status"]


@dataclass(frozen=True)
class RetentionStatus:
    """Retention at one moment.

    Attributes:
        now: the moment.
        due: records with something falling due within 30 days (or past due), by dataset.
        job: the sweep's schedule and health (overdue, failing, never run, ok).
        last_run: the newest sweep run, if any (its message holds counts only).
        last_success: the newest successful sweep run, if any.
    """

    now: datetime
    due: Counter[str]
    job: JobStatus
    last_run: JobRun | None
    last_success: JobRun | None

    @property
    def horizon_days(self) -> int:
        """How far ahead ``due`` looks, in days."""
        return HORIZON.days

    @property
    def warning(self) -> str:
        """A sentence when the sweep did not run when due (or failed); empty otherwise."""
        if not self.job.needs_attention:
            return ""
        return f"The retention sweep needs attention: {self.job.assessment.reason}."


def read_retention_status(vault: Vault, *, now: datetime) -> RetentionStatus:
    """Retention at ``now``: due counts, the sweep's health and its last runs."""
    (job,) = job_statuses(JobRegistry([RETENTION_SWEEP]), vault.plan, now)
    runs = JobRun.objects.filter(job=RETENTION_SWEEP.name)
    return RetentionStatus(
        now=now,
        due=due_soon(vault, now=now),
        job=job,
        last_run=runs.first(),
        last_success=runs.filter(outcome=JobRun.Outcome.SUCCEEDED).first(),
    )
