"""The oversight body's reads and review report, end to end on real rows with a moving
clock: plan versions and their differences, disclosures, incidents and their deadlines,
rights requests and response times, job runs, unusual access; the job that generates a
review when it is due; the outcome members record; and nothing personal in the report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from steward.audit import Outcome as AuditOutcome
from steward.clock import ManualClock, use_clock
from steward.vault.audit_actions import AuditAction
from steward.vault.models import JobRun, PlanVersion, RightsRequest, Subject
from steward.vault.models_response import Incident, OversightReview
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.accounts import create_account
from steward.vault.services.auditing import audit
from steward.vault.services.jobs import JobContext
from steward.vault.services.jobs_runner import run_job
from steward.vault.services.oversight import (
    access_statistics,
    checkpoints_and_verification,
    plan_changes,
)
from steward.vault.services.oversight_review import (
    OVERSIGHT_REVIEW,
    generate_review,
    list_reviews,
    read_review,
    record_outcome,
    review_due,
)
from tests.vault.conftest import actor_for
from tests.vault.egress_register_support import SEALED_REFERENCE, build_register
from tests.vault.test_staff_support import DISTINCT

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
Q1 = (date(2026, 1, 1), date(2026, 3, 31))
DAY = timedelta(days=1)


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(START)
    with use_clock(manual):
        yield manual


def _user(vault: Vault, name: str, role: str) -> User:
    create_account(vault, name, role)
    return User.objects.get(username=name)


def _reveals(vault: Vault, user: User, count: int, at: datetime) -> None:
    with use_clock(ManualClock(at)), transaction.atomic():
        for _ in range(count):
            audit(
                vault,
                actor=f"staff/{user.pk}",
                action=AuditAction.FIELD_REVEAL,
                obj="record/x",
                fields=["phone"],
            )


def _denial(vault: Vault, user: User, at: datetime) -> None:
    with use_clock(ManualClock(at)), transaction.atomic():
        audit(
            vault,
            actor=f"staff/{user.pk}",
            action=AuditAction.RECORD_READ,
            obj="record/y",
            outcome=AuditOutcome.DENIED,
        )


def _incident(officer: User, detected: datetime, **facts: object) -> Incident:
    return Incident.objects.create(
        kind="breach",
        title="Lost laptop",
        detected_at=detected,
        opened_at=detected,
        opened_by=officer,
        **facts,
    )


def _rights(received: datetime, **facts: object) -> RightsRequest:
    return RightsRequest.objects.create(
        subject=Subject.objects.create(), kind="access", received=received, **facts
    )


def _job(name: str, started: datetime, outcome: str) -> None:
    JobRun.objects.create(job=name, started=started, finished=started, outcome=outcome)


@pytest.fixture
def quarter(city_vault: Vault, clock: ManualClock) -> Vault:
    """Q1 2026 in the city: the register, staff and their reveals, incidents, rights
    requests and job runs, with a second plan version loaded in February."""
    vault = city_vault
    vault.plan_version_id()
    PlanVersion.objects.update(first_loaded=START - 30 * DAY)
    built = build_register(vault)
    workers = [_user(vault, f"worker{n}", "caseworker") for n in range(4)]
    for n, worker in enumerate(workers):
        _reveals(vault, worker, 60 if n == 0 else 5 + n, START + 10 * DAY)
    _reveals(vault, workers[1], 500, START + 100 * DAY)  # after the quarter
    _denial(vault, workers[2], START + 12 * DAY)
    officer = built.officer
    _incident(officer, START + 20 * DAY, authority_due=START + 23 * DAY,
              authority_notified_at=START + 22 * DAY, people_due=START + 30 * DAY)  # fmt: skip
    _incident(officer, START + 40 * DAY, authority_due=START + 43 * DAY,
              authority_notified_at=START + 50 * DAY, state="closed")  # fmt: skip
    _incident(officer, START + 120 * DAY)  # Q2
    _rights(START + 5 * DAY, status="done", decided_at=START + 8 * DAY, due=START + 35 * DAY)
    _rights(START + 6 * DAY, status="done", decided_at=START + 46 * DAY, due=START + 36 * DAY)
    _rights(START + 60 * DAY, status="open", due=START + 80 * DAY)
    _rights(START + 70 * DAY, status="open", due=START + 100 * DAY)
    for n in range(3):
        _job("retention-sweep", START + n * DAY, "succeeded")
    _job("retention-sweep", START + 4 * DAY, "failed")
    _job("backup", START + 2 * DAY, "succeeded")
    _job("restore-drill", START + 50 * DAY, "succeeded")
    changed = vault.plan.model_copy(update={"version": "2099.1"})
    PlanVersion.objects.create(
        version="2099.1",
        digest="f" * 64,
        snapshot=changed.model_dump(mode="json", by_alias=True),
    )
    PlanVersion.objects.filter(digest="f" * 64).update(first_loaded=START + 40 * DAY)
    return vault


def test_the_review_report_of_a_quarter(quarter: Vault, clock: ManualClock) -> None:
    clock.advance(days=100)
    review, created = generate_review(quarter, *Q1)
    assert created
    report = review.report
    versions = report["plan"]["versions"]
    assert [v["version"] for v in versions] == ["2099.1"]
    assert versions[0]["changes"][0]["text"].endswith("to 2099.1")
    requests = report["disclosures"]["requests"]["all"]
    assert (requests["total"], requests["refused"], requests["pending"]) == (6, 1, 1)
    incidents = report["incidents"]
    assert (incidents["count"], incidents["open"]) == (2, 1)
    assert [i["authority_notice"] for i in incidents["list"]] == ["kept", "missed"]
    assert [i["people_notice"] for i in incidents["list"]] == ["missed", "not_required"]
    assert (incidents["deadlines_kept"], incidents["deadlines_missed"]) == (1, 2)
    rights = report["rights"]
    assert (rights["received"], rights["open"], rights["overdue"]) == (4, 2, 2)
    assert rights["response_days"] == {"answered": 2, "median_days": 21.5, "max_days": 40}
    operations = report["operations"]
    assert operations["retention-sweep"] == {"runs": 4, "failed": 1, "succeeded": 3}
    assert operations["backup"]["runs"] == 1
    assert operations["last_restore_drill"]["outcome"] == "succeeded"
    access = report["access"]
    assert access["reveals_by_staff"] == {"worker0": 60, "worker1": 6, "worker2": 7, "worker3": 8}
    assert access["reveals_by_role"] == {"caseworker": 81}
    assert access["denials_by_staff"] == {"worker2": 1}
    assert [f["staff"] for f in access["unusual"]] == ["worker0"]


def test_nothing_personal_and_no_legal_reference_in_the_report(
    quarter: Vault, clock: ManualClock
) -> None:
    clock.advance(days=100)
    review, _ = generate_review(quarter, *Q1)
    text = json.dumps(review.report)
    for value in (*DISTINCT.values(), "Person Number", SEALED_REFERENCE, "Lost laptop"):
        if len(value) > 6:
            assert value not in text, value


def test_one_review_per_period_and_the_job_generates_it_when_due(
    quarter: Vault, clock: ManualClock, tmp_path: Path
) -> None:
    context = JobContext(quarter, tmp_path / "keys", tmp_path / "backups")
    assert review_due(quarter, clock.now().date()) is None
    first = run_job(OVERSIGHT_REVIEW, context, "test")
    assert first.outcome == "succeeded"
    assert OversightReview.objects.count() == 0
    clock.advance(days=340)
    run_job(OVERSIGHT_REVIEW, context, "test")
    [review] = OversightReview.objects.all()
    assert (review.period_start, review.period_end) == (date(2025, 12, 2), date(2026, 12, 1))
    run_job(OVERSIGHT_REVIEW, context, "test")
    assert OversightReview.objects.count() == 1
    again, created = generate_review(quarter, review.period_start, review.period_end)
    assert (again.pk, created) == (review.pk, False)


def test_members_read_and_record_the_outcome_once(quarter: Vault, clock: ManualClock) -> None:
    clock.advance(days=100)
    review, _ = generate_review(quarter, *Q1)
    board = _user(quarter, "board.member", "oversight_board")
    member = actor_for(quarter, "oversight_board", user_id=board.pk)
    assert [r.pk for r in list_reviews(quarter, member)] == [review.pk]
    assert read_review(quarter, member, str(review.pk)).pk == review.pk
    with pytest.raises(InvalidValue, match="may not be empty"):
        record_outcome(quarter, member, str(review.pk), "   ")
    with pytest.raises(NotFound):
        record_outcome(quarter, member, "not-a-review", "Fine.")
    done = record_outcome(quarter, member, str(review.pk), "Ask why worker0 revealed so much.")
    assert (done.outcome_at, done.outcome) == (clock.now(), "Ask why worker0 revealed so much.")
    with pytest.raises(AccessDenied, match="already recorded"):
        record_outcome(quarter, member, str(review.pk), "Changed my mind.")
    actions = [e.action for e in quarter.audit.entries()]
    assert actions.count(AuditAction.OVERSIGHT_REVIEW) == 3  # generated, recorded, refused
    assert actions.count(AuditAction.OVERSIGHT_READ) >= 2


@pytest.mark.parametrize(
    "role", ["caseworker", "supervisor", "privacy_officer", "analyst", "council_viewer"]
)
def test_other_roles_read_no_oversight_and_write_no_outcome(
    quarter: Vault, clock: ManualClock, role: str
) -> None:
    clock.advance(days=100)
    review, _ = generate_review(quarter, *Q1)
    actor = actor_for(quarter, role, user_id=1)
    for read in (
        lambda: list_reviews(quarter, actor),
        lambda: read_review(quarter, actor, str(review.pk)),
        lambda: plan_changes(quarter, actor),
        lambda: checkpoints_and_verification(quarter, actor),
        lambda: access_statistics(quarter, actor, START, START + 90 * DAY),
        lambda: record_outcome(quarter, actor, str(review.pk), "Fine."),
    ):
        with pytest.raises(AccessDenied):
            read()
    review.refresh_from_db()
    assert review.outcome == ""


def test_a_member_without_a_second_factor_is_refused(quarter: Vault) -> None:
    member = actor_for(quarter, "oversight_board", user_id=1, mfa_verified=False)
    with pytest.raises(AccessDenied, match="second factor"):
        plan_changes(quarter, member)


def test_the_oversight_reads(quarter: Vault, clock: ManualClock) -> None:
    member = actor_for(quarter, "oversight_board", user_id=1)
    history = plan_changes(quarter, member)
    assert [v["first"] for v in history] == [True, False]
    assert history[0]["changes"] == []
    checked = checkpoints_and_verification(quarter, member)
    assert checked["verification"]["ok"] is True
    stats = access_statistics(quarter, member, START, START + 90 * DAY)
    assert stats.reveals_by_role == {"caseworker": 81}
    with pytest.raises(InvalidValue, match="ends before it starts"):
        access_statistics(quarter, member, START, START - DAY)
    reads = [e for e in quarter.audit.entries() if e.action == AuditAction.OVERSIGHT_READ]
    assert len(reads) == 3
