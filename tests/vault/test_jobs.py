"""Scheduled jobs on the vault's database: the registry, the runner, the lock, the status.

Time is moved with a ManualClock; nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from steward.clock import ManualClock, use_clock
from steward.errors import StewardError
from steward.policy import Plan
from steward.vault.models import JobLease, JobRun
from steward.vault.rules.schedule import Health
from steward.vault.runtime import Vault
from steward.vault.services.jobs import Job, JobContext, JobFailed, JobRegistry, Schedule
from steward.vault.services.jobs_catalogue import (
    BACKUP_JOB_NAME,
    backup_schedule,
    drill_schedule,
    standard_jobs,
)
from steward.vault.services.jobs_lock import AdvisoryLock, LeaseLock, runner_lock
from steward.vault.services.jobs_runner import history, run_due, run_job
from steward.vault.services.jobs_status import job_statuses
from tests.vault.test_staff_support import body, signed_in

T0 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(T0)
    with use_clock(manual):
        yield manual


class Counter:
    """A job body that counts its runs and fails when told to."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail: Exception | None = None

    def __call__(self, context: JobContext) -> str:
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        return f"ran {self.calls} times"


def _daily(plan: Plan) -> Schedule:
    return Schedule(DAY, "every day (test)")


def _context(vault: Vault, tmp_path: Path) -> JobContext:
    return JobContext(vault, tmp_path / "keys", tmp_path / "backups")


def test_the_registry_refuses_duplicates_and_bad_names() -> None:
    job = Job("sweep", "Sweep", _daily, Counter())
    registry = JobRegistry([job])
    assert registry.names() == ["sweep"]
    assert "sweep" in registry
    assert len(registry) == 1
    assert registry.get("sweep") is job
    with pytest.raises(ValueError, match="already registered"):
        registry.register(Job("sweep", "Again", _daily, Counter()))
    with pytest.raises(ValueError, match="lower case"):
        Job("Bad Name", "x", _daily, Counter())
    assert standard_jobs().names() == [
        "backup",
        "restore-drill",
        "audit-checkpoint",
        "retention-sweep",
        "web-log-pruning",
        "code-attempt-pruning",
        "delivery-expiry",
        "disclosure-notices",
        "extract-expiry",
        "oversight-review",
    ]


def test_a_daily_job_runs_once_a_day(city_vault: Vault, tmp_path: Path, clock: ManualClock) -> None:
    work = Counter()
    registry = JobRegistry([Job("sweep", "Sweep", _daily, work)])
    context = _context(city_vault, tmp_path)
    first = run_due(registry, context, "test runner")
    assert [(r.job, r.outcome, r.message) for r in first.ran] == [
        ("sweep", "succeeded", "ran 1 times")
    ]
    clock.advance(hours=23)
    assert run_due(registry, context, "test runner").ran == ()
    clock.advance(hours=1)
    assert len(run_due(registry, context, "test runner").ran) == 1
    runs = list(JobRun.objects.filter(job="sweep").order_by("started"))
    assert [r.started for r in runs] == [T0, T0 + DAY]
    assert all(r.finished is not None and r.runner == "test runner" for r in runs)
    assert work.calls == 2


def test_a_failed_run_is_recorded_and_retried_after_an_hour(
    city_vault: Vault, tmp_path: Path, clock: ManualClock
) -> None:
    work = Counter()
    work.fail = JobFailed("the disk is full")
    registry = JobRegistry([Job("sweep", "Sweep", _daily, work)])
    context = _context(city_vault, tmp_path)
    report = run_due(registry, context, "r")
    assert [r.message for r in report.failed] == ["the disk is full"]
    row = JobRun.objects.get()
    assert (row.outcome, row.message) == ("failed", "the disk is full")
    clock.advance(minutes=59)
    assert run_due(registry, context, "r").ran == ()
    clock.advance(minutes=1)
    work.fail = None
    assert run_due(registry, context, "r").ran[0].succeeded


def test_an_unexpected_error_is_recorded_by_its_type_only(
    city_vault: Vault, tmp_path: Path, clock: ManualClock
) -> None:
    work = Counter()
    work.fail = RuntimeError("resident Ana Lima at 12 Elm Street")
    result = run_job(Job("sweep", "Sweep", _daily, work), _context(city_vault, tmp_path), "r")
    assert not result.succeeded
    assert "RuntimeError" in result.message
    assert "Ana" not in JobRun.objects.get().message


def test_statuses_show_missed_and_failed_runs(
    city_vault: Vault, tmp_path: Path, clock: ManualClock
) -> None:
    work = Counter()
    registry = JobRegistry([Job("sweep", "Sweep", _daily, work)])
    (status,) = job_statuses(registry, city_vault.plan)
    assert status.health is Health.NEVER_RUN
    assert status.needs_attention
    run_due(registry, _context(city_vault, tmp_path), "r")
    (status,) = job_statuses(registry, city_vault.plan)
    assert status.health is Health.OK
    assert not status.needs_attention
    assert status.last_success == T0
    assert status.assessment.due_at == T0 + DAY
    # the runner stops (nobody runs it): after a day and the grace, it is overdue
    clock.advance(hours=30)
    assert job_statuses(registry, city_vault.plan)[0].health is Health.OK
    clock.advance(seconds=1)
    (status,) = job_statuses(registry, city_vault.plan)
    assert status.health is Health.OVERDUE
    assert status.needs_attention
    # it runs again, but fails: the last success is recent enough to say "failing"
    work.fail = StewardError("cannot reach the database")
    clock.set(T0 + 2 * DAY)
    run_due(registry, _context(city_vault, tmp_path), "r")
    work.fail = None
    run_due(registry, _context(city_vault, tmp_path), "r")  # too soon to retry
    assert job_statuses(registry, city_vault.plan)[0].health is Health.OVERDUE
    clock.advance(hours=1)
    run_due(registry, _context(city_vault, tmp_path), "r")
    assert job_statuses(registry, city_vault.plan)[0].health is Health.OK


def test_schedules_come_from_the_plan(city_vault: Vault) -> None:
    plan = city_vault.plan
    assert backup_schedule(plan).interval == DAY
    assert drill_schedule(plan).interval == timedelta(days=3 * 30.44)
    backups = plan.operations.backups
    assert backups is not None

    def with_backups(**changes: object) -> Plan:
        operations = plan.operations.model_copy(
            update={"backups": backups.model_copy(update=changes)}
        )
        return plan.model_copy(update={"operations": operations})

    assert backup_schedule(with_backups(frequency="every 6 hours")).interval == timedelta(hours=6)
    off = backup_schedule(with_backups(enabled=False))
    assert off.interval is None
    assert "off" in off.source
    odd = backup_schedule(with_backups(frequency="whenever we remember"))
    assert odd.interval == DAY
    assert "not a frequency" in odd.note
    assert backup_schedule(with_backups(frequency=None)).interval == DAY
    assert drill_schedule(with_backups(restore_tested_every=None)).interval is None
    none = plan.model_copy(
        update={"operations": plan.operations.model_copy(update={"backups": None})}
    )
    assert backup_schedule(none).interval is None


def test_an_unscheduled_job_never_runs_and_says_why(
    city_vault: Vault, tmp_path: Path, clock: ManualClock
) -> None:
    work = Counter()
    never = Job("never", "Never", lambda plan: Schedule(None, "the plan asks for none"), work)
    registry = JobRegistry([never])
    assert run_due(registry, _context(city_vault, tmp_path), "r").ran == ()
    (status,) = job_statuses(registry, city_vault.plan)
    assert status.health is Health.NOT_SCHEDULED
    assert status.assessment.reason == "the plan asks for none"
    assert not status.needs_attention


def test_a_lease_lets_one_runner_in_until_it_expires(db: None, clock: ManualClock) -> None:
    first, second = LeaseLock("runner A"), LeaseLock("runner B")
    assert first.acquire()
    assert not second.acquire()
    assert first.acquire()  # the holder may claim it again
    clock.advance(minutes=9)
    first.renew()
    clock.advance(minutes=9)
    assert not second.acquire()  # renewed: still A's
    clock.advance(minutes=2)
    assert second.acquire()  # expired: a runner that died is replaced
    assert JobLease.objects.get().holder == "runner B"
    second.release()
    assert first.acquire()


@pytest.mark.django_db(transaction=True)
def test_the_runner_lock_fits_the_database() -> None:
    lock = runner_lock("me")
    if connection.vendor != "postgresql":
        assert isinstance(lock, LeaseLock)
        return
    assert isinstance(lock, AdvisoryLock)
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
        port=settings["PORT"] or 5432, autocommit=True,
    )  # fmt: skip
    try:
        assert lock.acquire()
        taken = other.execute("SELECT pg_try_advisory_lock(%s)", [lock.key]).fetchone()
        assert taken == (False,)
        lock.release()
        taken = other.execute("SELECT pg_try_advisory_lock(%s)", [lock.key]).fetchone()
        assert taken == (True,)
        assert not lock.acquire()  # now the other session holds it
    finally:
        other.close()


def test_a_runner_that_cannot_take_the_lock_runs_nothing(
    city_vault: Vault, tmp_path: Path, clock: ManualClock
) -> None:
    if connection.vendor == "postgresql":
        pytest.skip("covered by test_the_runner_lock_fits_the_database")
    work = Counter()
    registry = JobRegistry([Job("sweep", "Sweep", _daily, work)])
    assert LeaseLock("someone else").acquire()
    report = run_due(registry, _context(city_vault, tmp_path), "me")
    assert report.locked_out
    assert report.ran == ()
    assert work.calls == 0
    assert history("sweep").last_attempt is None


# -- the staff page ------------------------------------------------------------------


def test_the_privacy_officer_sees_a_missed_backup(city_vault: Vault) -> None:
    from steward.clock import now

    client, _ = signed_in(city_vault, "dana.ortiz", "privacy_officer")
    long_ago = now() - timedelta(days=3)
    JobRun.objects.create(
        job=BACKUP_JOB_NAME, started=long_ago, finished=long_ago, outcome="succeeded",
        message="backup steward-x: 1,000 bytes",
    )  # fmt: skip
    JobRun.objects.create(
        job=BACKUP_JOB_NAME, started=now() - timedelta(hours=2), finished=now(),
        outcome="failed", message="cannot write the backup: No space left on device",
    )  # fmt: skip
    staff_home = body(client.get("/staff/"))
    assert 'href="/staff/jobs/"' in staff_home
    response = client.get("/staff/jobs/")
    text = body(response)
    assert response.status_code == 200
    assert "Needs attention" in text
    assert "nothing succeeded for 3 days" in text
    assert "No space left on device" in text
    assert "no-store" in response["Cache-Control"]


def test_other_roles_may_not_see_scheduled_work(city_vault: Vault) -> None:
    client, _ = signed_in(city_vault, "ana.lima", "caseworker")
    assert 'href="/staff/jobs/"' not in body(client.get("/staff/"))
    assert client.get("/staff/jobs/").status_code == 403
    assert "session.refused" not in [e.action for e in city_vault.audit.entries()]
    assert any(e.action == "jobs.read" for e in city_vault.audit.entries())


def test_a_scheduled_run_whose_process_died_is_closed_by_the_next_runner(
    city_vault: Vault, tmp_path: Path, clock: ManualClock
) -> None:
    dead = JobRun.objects.create(
        job="sweep", started=T0 - DAY, runner="serve pid 1", scheduled=True
    )
    by_hand = JobRun.objects.create(job="other", started=T0, runner="backup create pid 2")
    work = Counter()
    registry = JobRegistry([Job("sweep", "Sweep", _daily, work)])
    report = run_due(registry, _context(city_vault, tmp_path), "serve pid 3")
    assert [r.job for r in report.ran] == ["sweep"]
    dead.refresh_from_db()
    by_hand.refresh_from_db()
    assert (dead.outcome, dead.message) == (
        "failed",
        "did not finish: the process running it stopped",
    )
    assert by_hand.outcome == "running"  # a run by hand is not the runner's to close
    assert JobRun.objects.filter(job="sweep", scheduled=True, outcome="succeeded").count() == 1


def test_the_lease_relies_on_immediate_transactions_in_sqlite(tmp_path: Path) -> None:
    from steward.server.config import database_settings

    options = database_settings(f"sqlite:///{tmp_path / 'x.sqlite3'}")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
