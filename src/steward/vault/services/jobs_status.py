"""How each scheduled job stands: what ``steward jobs status`` and the staff page show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from steward.clock import now
from steward.policy import Plan
from steward.vault.models import JobRun
from steward.vault.rules.schedule import Assessment, Health, assess
from steward.vault.services.jobs import JobRegistry, Schedule
from steward.vault.services.jobs_runner import history


@dataclass(frozen=True)
class JobStatus:
    """One job: its schedule, its newest run and its assessment at one moment."""

    name: str
    title: str
    schedule: Schedule
    assessment: Assessment
    last_run: JobRun | None
    last_success: datetime | None

    @property
    def needs_attention(self) -> bool:
        """Whether the privacy officer must act (missed, failing, never done, or a
        schedule the plan words in a way Steward cannot follow)."""
        return self.assessment.needs_attention or bool(self.schedule.note)

    @property
    def health(self) -> Health:
        """The job's state."""
        return self.assessment.health


def job_statuses(
    registry: JobRegistry, plan: Plan, moment: datetime | None = None
) -> list[JobStatus]:
    """The state of every job in ``registry`` at ``moment`` (default: now)."""
    moment = moment or now()
    statuses = []
    for job in registry:
        schedule = job.schedule(plan)
        past = history(job.name)
        assessment = assess(schedule.interval, schedule.allowed_lateness, past, moment)
        if schedule.interval is None:
            assessment = Assessment(Health.NOT_SCHEDULED, None, schedule.source)
        statuses.append(
            JobStatus(
                name=job.name,
                title=job.title,
                schedule=schedule,
                assessment=assessment,
                last_run=JobRun.objects.filter(job=job.name).first(),
                last_success=past.last_success,
            )
        )
    return statuses


def recent_runs(limit: int = 20) -> list[JobRun]:
    """The newest runs of every job, newest first."""
    return list(JobRun.objects.all()[:limit])
