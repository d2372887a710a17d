"""Scheduled jobs: what a job is, what it is given, and the registry that lists them.

A job has a name, a title, a ``schedule`` (how often, read from the plan) and a
``run`` function that does the work and returns one sentence for the record. Jobs
are idempotent: running one twice does no harm. To add one (audit checkpoints,
retention sweeps), write the two functions and add one line to
:func:`steward.vault.services.jobs_catalogue.standard_jobs`::

    CHECKPOINT = Job(
        name="audit-checkpoint",
        title="Audit log checkpoint",
        schedule=lambda plan: Schedule(timedelta(hours=1), "every hour"),
        run=lambda context: f"checkpoint at {sign_and_store(context.vault)} entries",
    )

The runner (:mod:`~steward.vault.services.jobs_runner`) decides when a job is due,
records every run in :class:`~steward.vault.models.JobRun`, and lets only one process
run jobs at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Final

from steward.errors import StewardError
from steward.policy import Plan
from steward.vault.rules.schedule import default_grace
from steward.vault.runtime import Vault

SYSTEM_ACTOR: Final = "system/jobs"
_NAME: Final = re.compile(r"^[a-z][a-z0-9-]{0,62}$")


class JobFailed(StewardError):
    """A job could not do its work; the message is recorded and shown (no personal data)."""


@dataclass(frozen=True)
class Schedule:
    """How often a job runs, as the plan says.

    Attributes:
        interval: the time between runs; ``None`` when the plan does not ask for the job.
        source: where that comes from, in words (``operations.backups.frequency: daily``).
        grace: how late a run may be before it counts as missed; by default
            :func:`~steward.vault.rules.schedule.default_grace` of the interval.
        note: anything the privacy officer should know about the schedule itself.
    """

    interval: timedelta | None
    source: str
    grace: timedelta | None = None
    note: str = ""

    @property
    def allowed_lateness(self) -> timedelta:
        """The grace period in force (zero for an unscheduled job)."""
        if self.grace is not None:
            return self.grace
        return default_grace(self.interval) if self.interval is not None else timedelta(0)


@dataclass(frozen=True)
class JobContext:
    """What a running job may use: the vault (plan, keys, audit) and where things go.

    Attributes:
        vault: the process's vault.
        keys_dir: the folder of the keys (never copied into a backup).
        backup_dir: where backups are written (owner-only).
        actor: who runs the job, for the audit log (``system/jobs`` or a command).
    """

    vault: Vault
    keys_dir: Path
    backup_dir: Path
    actor: str = SYSTEM_ACTOR

    @property
    def plan(self) -> Plan:
        """The plan the vault runs under."""
        return self.vault.plan


@dataclass(frozen=True)
class Job:
    """One kind of scheduled work.

    Attributes:
        name: a short identifier (lower case, digits and hyphens), stored with each run.
        title: what it is, for people.
        schedule: how often it runs under a plan.
        run: does the work; returns one sentence for the record, raises
            :class:`JobFailed` (or any error) when it could not.
    """

    name: str
    title: str
    schedule: Callable[[Plan], Schedule]
    run: Callable[[JobContext], str]

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(
                f"a job name is lower case letters, digits and hyphens, not {self.name!r}"
            )


class JobRegistry:
    """The jobs a runner knows, in the order they run. Built explicitly, never by import."""

    def __init__(self, jobs: Iterable[Job] = ()) -> None:
        """Register ``jobs`` in order.

        Raises:
            ValueError: two jobs share a name.
        """
        self._jobs: dict[str, Job] = {}
        for job in jobs:
            self.register(job)

    def register(self, job: Job) -> Job:
        """Add ``job`` after the others and return it.

        Raises:
            ValueError: a job with that name is already registered.
        """
        if job.name in self._jobs:
            raise ValueError(f"a job named '{job.name}' is already registered")
        self._jobs[job.name] = job
        return job

    def get(self, name: str) -> Job:
        """The job called ``name``.

        Raises:
            KeyError: no such job.
        """
        return self._jobs[name]

    def names(self) -> list[str]:
        """The registered names, in run order."""
        return list(self._jobs)

    def __iter__(self) -> Iterator[Job]:
        return iter(list(self._jobs.values()))

    def __len__(self) -> int:
        return len(self._jobs)

    def __contains__(self, name: object) -> bool:
        return name in self._jobs
