"""Running scheduled jobs: decide what is due, run it under the runner lock, record it.

``steward serve`` starts :class:`JobRunnerThread`, which calls :func:`run_due` every
minute; ``steward jobs run-due`` calls it once (for cron or a systemd timer). Either
way only one process runs jobs at a time (:mod:`~steward.vault.services.jobs_lock`),
and every run, started by a runner or by hand (:func:`run_job`), is a
:class:`~steward.vault.models.JobRun` row. Every time decision reads
:mod:`steward.clock`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Generic, TypeVar

from django.db import close_old_connections, connection

from steward.clock import now
from steward.errors import StewardError
from steward.vault.models import JobRun
from steward.vault.rules.schedule import History, is_due
from steward.vault.services.jobs import SYSTEM_ACTOR, Job, JobContext, JobRegistry
from steward.vault.services.jobs_lock import Heartbeat, runner_lock

logger = logging.getLogger("steward.jobs")
T = TypeVar("T")

POLL_SECONDS: Final = 60.0
MESSAGE_LIMIT: Final = 2000


@dataclass(frozen=True)
class RunResult:
    """How one run ended."""

    job: str
    outcome: str
    message: str
    started: datetime
    finished: datetime

    @property
    def succeeded(self) -> bool:
        """Whether the job did its work."""
        return self.outcome == JobRun.Outcome.SUCCEEDED


@dataclass(frozen=True)
class Recorded(Generic[T]):
    """A recorded run and what its work returned (``None`` when it raised)."""

    result: RunResult
    value: T | None


@dataclass(frozen=True)
class DueReport:
    """What one pass of the runner did: the runs, or that another runner holds the lock."""

    ran: tuple[RunResult, ...]
    locked_out: bool = False

    @property
    def failed(self) -> tuple[RunResult, ...]:
        """The runs that failed."""
        return tuple(result for result in self.ran if not result.succeeded)


def runner_name(kind: str) -> str:
    """A label for this process as a runner, e.g. ``serve pid 4242 on web1``."""
    return f"{kind} pid {os.getpid()} on {socket.gethostname()}"[:100]


def current_context(actor: str = SYSTEM_ACTOR) -> JobContext:
    """The job context of this process: its vault, keys folder and backup folder."""
    from django.conf import settings

    from steward.vault.runtime import get_vault

    config = settings.CONFIG
    return JobContext(get_vault(), config.keys_dir, config.backup_dir, actor)


def history(job: str) -> History:
    """What :func:`~steward.vault.rules.schedule.assess` needs from ``job``'s runs."""
    runs = JobRun.objects.filter(job=job)
    done = JobRun.Outcome.SUCCEEDED, JobRun.Outcome.FAILED
    success = runs.filter(outcome=JobRun.Outcome.SUCCEEDED).values_list("started", flat=True)
    finished = runs.filter(outcome__in=done).values_list("started", "outcome").first()
    running = runs.filter(outcome=JobRun.Outcome.RUNNING)
    if finished is not None:
        running = running.filter(started__gt=finished[0])
    return History(
        last_success=success.first(),
        last_attempt=finished[0] if finished else None,
        last_failed=bool(finished and finished[1] == JobRun.Outcome.FAILED),
        running_since=running.values_list("started", flat=True).first(),
    )


def record_run(
    job: str,
    runner: str,
    work: Callable[[], T],
    describe: Callable[[T], str],
    succeeded: Callable[[T], bool] = lambda _: True,
    *,
    scheduled: bool = False,
) -> Recorded[T]:
    """Do ``work`` now as a run of ``job`` and record it; return the result and its value.

    The run failed when ``work`` raised or ``succeeded`` says so; ``describe`` gives the
    sentence kept for a value; ``scheduled`` marks a run started under the runner lock.
    A :class:`~steward.errors.StewardError` is recorded with
    its message; any other error by its type only (its message could quote data), and
    its stack is logged. Never raises for the work's own failure.

    Raises:
        DatabaseError: the run could not be recorded.
    """
    started = now()
    row = JobRun.objects.create(job=job, started=started, runner=runner, scheduled=scheduled)
    value: T | None = None
    try:
        value = work()
        ok, message = succeeded(value), describe(value)
    except StewardError as error:
        ok, message = False, str(error)
    except Exception as error:
        ok = False
        message = f"failed unexpectedly ({type(error).__name__}); the server's log has where"
        logger.error(
            "job %s failed with %s at\n%s",
            job,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
    outcome = JobRun.Outcome.SUCCEEDED if ok else JobRun.Outcome.FAILED
    finished = now()
    message = message[:MESSAGE_LIMIT]
    JobRun.objects.filter(pk=row.pk).update(finished=finished, outcome=outcome, message=message)
    return Recorded(RunResult(job, outcome, message, started, finished), value)


def run_job(job: Job, context: JobContext, runner: str, *, scheduled: bool = False) -> RunResult:
    """Run ``job`` now, whatever its schedule, and record the run (see :func:`record_run`).

    Raises:
        DatabaseError: the run could not be recorded.
    """
    work = lambda: job.run(context)  # noqa: E731
    return record_run(job.name, runner, work, str, scheduled=scheduled).result


def close_abandoned_runs() -> int:
    """Mark as failed the scheduled runs still shown as running; returns how many.

    Call only while holding the runner lock: then no other runner is running, so such
    a run's process ended before it could record the outcome.
    """
    return JobRun.objects.filter(outcome=JobRun.Outcome.RUNNING, scheduled=True).update(
        outcome=JobRun.Outcome.FAILED,
        finished=now(),
        message="did not finish: the process running it stopped",
    )


def run_due(registry: JobRegistry, context: JobContext, runner: str) -> DueReport:
    """Run, in order, every job of ``registry`` that is due now, under the runner lock.

    Returns at once with ``locked_out`` when another process holds the lock.

    Raises:
        DatabaseError: the database cannot be used to lock or to record runs.
    """
    lock = runner_lock(runner)
    if not lock.acquire():
        return DueReport((), locked_out=True)
    try:
        close_abandoned_runs()
        ran = []
        for job in registry:
            schedule = job.schedule(context.plan)
            if not is_due(schedule.interval, history(job.name), now()):
                continue
            with Heartbeat(lock):
                ran.append(run_job(job, context, runner, scheduled=True))
            lock.renew()
        return DueReport(tuple(ran))
    finally:
        lock.release()


class JobRunnerThread(threading.Thread):
    """Runs due jobs every ``poll_seconds`` in the background of ``steward serve``.

    The first pass starts at once. A pass that fails (the database cannot be reached)
    is logged, by error type and place only, and tried again at the next poll.
    """

    def __init__(
        self,
        registry: JobRegistry,
        make_context: Callable[[], JobContext] = current_context,
        *,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__(name="steward-jobs", daemon=True)
        self.registry = registry
        self.make_context = make_context
        self.poll_seconds = poll_seconds
        self.runner = runner_name("serve")
        self._stopped = threading.Event()

    def run(self) -> None:
        """Loop until :meth:`stop`: one pass, then wait."""
        while not self._stopped.is_set():
            try:
                close_old_connections()
                report = run_due(self.registry, self.make_context(), self.runner)
                for result in report.failed:
                    logger.warning("scheduled job %s failed: %s", result.job, result.message)
            except Exception as error:  # the runner must outlive any one failure
                logger.error(
                    "scheduled jobs could not run (%s) at\n%s",
                    type(error).__name__,
                    "".join(traceback.format_tb(error.__traceback__)),
                )
            finally:
                connection.close()
            self._stopped.wait(self.poll_seconds)

    def stop(self) -> None:
        """Ask the loop to end after the current pass."""
        self._stopped.set()
