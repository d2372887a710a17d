"""The rights queue service: who may list and decide, the order of the queue as time
passes, and what each decision does to the data and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from steward.audit import Outcome
from steward.clock import ManualClock, use_clock
from steward.vault.models import FieldValue, RightsRequest, Subject
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, AccessService, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.deletion import ERASED_DECISION
from steward.vault.services.record_views import ValueUnreadable
from steward.vault.services.rights_requests import RequestClosed, RightsQueue
from tests.vault.conftest import actor_for
from tests.vault.erasure_support import staff_actor
from tests.vault.rights_queue_support import NEW_PHONE, REASON, correction, open_request
from tests.vault.test_erased_values import OTHER
from tests.vault.test_staff_support import DISTINCT, add_case, leaked

Kind = RightsRequest.Kind
START = datetime(2026, 5, 4, 9, tzinfo=UTC)


@pytest.fixture
def officer(city_vault: Vault) -> Actor:
    return staff_actor(city_vault, "ana.lima", "privacy_officer")


def _entries(vault: Vault, action: str) -> list[tuple[Outcome, str, tuple[str, ...]]]:
    return [(e.outcome, e.purpose, e.fields) for e in vault.audit.entries() if e.action == action]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("privacy_officer", True), ("caseworker", False), ("supervisor", False), ("analyst", False)],
)
def test_role_table_for_list_and_decide(city_vault: Vault, role: str, allowed: bool) -> None:
    record = add_case(city_vault, team="north")
    made = open_request(city_vault, record, Kind.ACCESS)
    who = staff_actor(city_vault, f"user.{role}", role, team="north")
    queue = RightsQueue(city_vault)
    if allowed:
        assert [v.id for v in queue.list(who)] == [made.id]
        assert queue.decide(who, made.id, "answered", REASON).status == "done"
        return
    with pytest.raises(AccessDenied, match=role):
        queue.list(who)
    with pytest.raises(AccessDenied, match=role):
        queue.decide(who, made.id, "answered", REASON)
    with pytest.raises(AccessDenied):
        queue.counts(who)
    assert RightsRequest.objects.get(pk=made.id).status == "open"
    assert [o for o, _, _ in _entries(city_vault, "rights.read")] == [Outcome.DENIED] * 2
    assert [o for o, _, _ in _entries(city_vault, "rights.decide")] == [Outcome.DENIED]


def test_service_tokens_and_unverified_sessions_are_refused(city_vault: Vault) -> None:
    queue = RightsQueue(city_vault)
    with pytest.raises(AccessDenied, match="staff account"):
        queue.list(actor_for(city_vault, "privacy_officer"))  # no user: a token
    with pytest.raises(AccessDenied, match="second factor"):
        queue.list(actor_for(city_vault, "privacy_officer", user_id=3, mfa_verified=False))


def test_queue_puts_overdue_first_as_the_clock_passes_deadlines(
    city_vault: Vault, officer: Actor
) -> None:
    clock = ManualClock(START)
    with use_clock(clock):
        first = add_case(city_vault, team="north")
        second = add_case(city_vault, OTHER, team="south")
        older = open_request(city_vault, first, Kind.ERASURE)  # due START + 30d
        clock.advance(days=10)
        newer = open_request(city_vault, second, Kind.ACCESS)  # due START + 40d
        clock.advance(days=5)
        answered = open_request(city_vault, second, Kind.EXPORT)  # due START + 45d
        queue = RightsQueue(city_vault)
        queue.decide(officer, answered.id, "answered", REASON)
        undated = open_request(city_vault, first, Kind.CORRECTION, field="phone")
        RightsRequest.objects.filter(pk=undated.id).update(due=None)

        views = queue.list(officer)
        assert [v.id for v in views] == [older.id, newer.id, answered.id, undated.id]
        assert not any(v.overdue for v in views)
        assert queue.counts(officer).overdue == 0

        clock.advance(days=16)  # START + 31d: the erasure is overdue
        views = queue.list(officer, status="open")
        assert [(v.id, v.overdue) for v in views] == [
            (older.id, True),
            (newer.id, False),
            (undated.id, False),
        ]
        clock.advance(days=10)  # START + 41d: both overdue, the older deadline first
        views = queue.list(officer, status="open")
        assert [(v.id, v.overdue) for v in views] == [
            (older.id, True),
            (newer.id, True),
            (undated.id, False),
        ]
        counts = queue.counts(officer)
        assert (counts.open, counts.overdue) == (3, 2)
        assert [v.id for v in queue.list(officer, kind="access")] == [newer.id]
        assert [v.id for v in queue.list(officer, limit=1, offset=1)] == [newer.id]
        assert [v.id for v in queue.list(officer, status="done")] == [answered.id]
        with pytest.raises(InvalidValue):
            queue.list(officer, status="lost")


def test_views_hold_no_personal_values(city_vault: Vault, officer: Actor) -> None:
    record = add_case(city_vault, team="north")
    made = correction(city_vault, record, "phone", NEW_PHONE)
    queue = RightsQueue(city_vault)
    views = queue.list(officer)
    one = queue.get(officer, made.id)
    assert one.proposed
    assert one.field == "phone"
    assert one.record == record.id
    assert one.decisions == ("apply", "refuse")
    text = repr(views) + repr(one)
    assert leaked(text) == set()
    assert NEW_PHONE not in text
    assert [o for o, _, _ in _entries(city_vault, "rights.read")] == [Outcome.ALLOWED] * 2
    with pytest.raises(NotFound):
        queue.get(officer, 999_999)
    with pytest.raises(NotFound):
        queue.get(officer, "x")


def test_applied_correction_changes_what_staff_read_and_the_proposal_is_gone(
    city_vault: Vault, officer: Actor
) -> None:
    record = add_case(city_vault, team="north")
    made = correction(city_vault, record, "phone", NEW_PHONE)
    access = AccessService(city_vault)
    before = access.reveal(officer, record.id, "phone", "follow_up", REASON)
    assert before == DISTINCT["phone"]

    done = RightsQueue(city_vault).decide(officer, made.id, "apply", REASON)

    assert (done.status, done.decided_by, done.decision, done.proposed) == (
        "done",
        "ana.lima",
        REASON,
        False,
    )
    assert RightsRequest.objects.get(pk=made.id).proposed is None
    assert access.reveal(officer, record.id, "phone", "follow_up", REASON) == NEW_PHONE
    shown = {f.name: f.shown for f in access.get_record(officer, record.id).fields}
    assert shown["phone"] != DISTINCT["phone"]  # masked, but no longer the old value
    outcome, purpose, fields = _entries(city_vault, "rights.decide")[-1]
    assert (outcome, fields) == (Outcome.ALLOWED, ("phone",))
    assert REASON in purpose
    assert NEW_PHONE not in purpose
    with pytest.raises(RequestClosed):
        RightsQueue(city_vault).decide(officer, made.id, "refuse", REASON)


def test_a_correction_that_no_longer_fits_the_field_is_not_applied(
    city_vault: Vault, officer: Actor
) -> None:
    record = add_case(city_vault, team="north")
    made = correction(city_vault, record, "email", "Quibblewort at home")
    with pytest.raises(InvalidValue, match=r"service_request\.email") as error:
        RightsQueue(city_vault).decide(officer, made.id, "apply", REASON)
    assert "Quibblewort" not in str(error.value)
    assert RightsRequest.objects.get(pk=made.id).status == "open"
    assert _entries(city_vault, "rights.decide") == []


def test_refusal_keeps_the_data_and_needs_a_reason(city_vault: Vault, officer: Actor) -> None:
    record = add_case(city_vault, team="north")
    made = correction(city_vault, record, "phone", NEW_PHONE)
    queue = RightsQueue(city_vault)
    with pytest.raises(InvalidValue, match="reason"):
        queue.decide(officer, made.id, "refuse", "no")
    with pytest.raises(InvalidValue, match="apply, refuse"):
        queue.decide(officer, made.id, "carry_out", REASON)
    refused = queue.decide(officer, made.id, "refuse", REASON)
    assert refused.status == "refused"
    access = AccessService(city_vault)
    assert access.reveal(officer, record.id, "phone", "follow_up", REASON) == DISTINCT["phone"]


def test_erasure_carried_out_shreds_the_key_when_nothing_is_kept(
    city_vault: Vault, officer: Actor
) -> None:
    record = add_case(city_vault, team="north")
    other = add_case(city_vault, OTHER, team="north")
    made = open_request(city_vault, record, Kind.ERASURE)
    assert city_vault.keyring.has_key(str(record.subject_id))

    done = RightsQueue(city_vault).decide(officer, made.id, "carry_out", REASON)

    assert done.status == "done"
    assert done.person_erased
    assert Subject.objects.get(pk=record.subject_id).erased is not None
    assert not city_vault.keyring.has_key(str(record.subject_id))
    assert not FieldValue.objects.filter(record__subject_id=record.subject_id).exists()
    assert city_vault.keyring.has_key(str(other.subject_id))
    actions = [e.action for e in city_vault.audit.entries()]
    assert actions[-2:] == ["subject.erase", "rights.decide"]
    with pytest.raises(ValueUnreadable):
        AccessService(city_vault).reveal(officer, record.id, "phone", "follow_up", REASON)


def test_erasing_a_person_closes_their_other_requests(city_vault: Vault, officer: Actor) -> None:
    record = add_case(city_vault, team="north")
    fix = correction(city_vault, record, "phone", NEW_PHONE)
    erase = open_request(city_vault, record, Kind.ERASURE)
    again = open_request(city_vault, record, Kind.ERASURE)
    queue = RightsQueue(city_vault)
    assert queue.decide(officer, erase.id, "carry_out", REASON).decision == REASON
    for other in (fix, again):
        other.refresh_from_db()
        assert other.status == RightsRequest.Status.DONE
        assert other.decision == ERASED_DECISION
        assert other.proposed is None
        with pytest.raises(RequestClosed):
            queue.decide(officer, other.id, "refuse", REASON)


def test_deciding_for_a_person_erased_outside_the_queue(city_vault: Vault, officer: Actor) -> None:
    record = add_case(city_vault, team="north")
    fix = correction(city_vault, record, "phone", NEW_PHONE)
    Subject.objects.filter(pk=record.subject_id).update(erased=START)
    queue = RightsQueue(city_vault)
    with pytest.raises(ValueUnreadable, match="erased"):
        queue.decide(officer, fix.id, "apply", REASON)
    assert queue.decide(officer, fix.id, "refuse", REASON).status == "refused"


def test_every_decision_is_audited_without_values(city_vault: Vault, officer: Actor) -> None:
    record = add_case(city_vault, team="north")
    queue = RightsQueue(city_vault)
    queue.decide(officer, correction(city_vault, record, "phone", NEW_PHONE).id, "apply", REASON)
    queue.decide(officer, open_request(city_vault, record, Kind.ACCESS).id, "answered", REASON)
    queue.decide(officer, open_request(city_vault, record, Kind.EXPORT).id, "refuse", REASON)
    queue.decide(officer, open_request(city_vault, record, Kind.ERASURE).id, "carry_out", REASON)
    decided = _entries(city_vault, "rights.decide")
    assert len(decided) == 4
    assert all(o is Outcome.ALLOWED for o, _, _ in decided)
    text = repr(list(city_vault.audit.entries()))
    assert leaked(text) == set()
    assert NEW_PHONE not in text
