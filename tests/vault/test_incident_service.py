"""The incident services end to end with a moving clock: an incident opened, its 72-hour
clock running, due soon, overdue, its notice recorded late (missed) and the other on
time (kept); the checklist ticked and closed; what the oversight body sees; drafts;
bad input and an audit log that cannot be written leave nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import DatabaseError

from steward.clock import ManualClock
from steward.policy.model import Scope
from steward.vault.models import AuditEntryRow
from steward.vault.models_response import Incident, IncidentNote, IncidentStep
from steward.vault.rules.incident import ClockState
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.incident_register import get_incident, list_incidents, notice_drafts
from steward.vault.services.incidents import (
    add_note,
    change_state,
    open_incident,
    record_notice,
    tick_step,
    update_incident,
)
from tests.vault.disclosure_support import clock, officer
from tests.vault.incident_support import (
    SECRET,
    handler,
    help_desk_oversight,
    overseer_role,
    oversight_vault,
)
from tests.vault.own_choices_support import audit_entries, audit_text
from tests.vault.test_staff_support import DISTINCT, add_case

__all__ = ["clock", "help_desk_oversight", "oversight_vault"]
H = timedelta(hours=1)
D = timedelta(days=1)


def _open(vault: Vault, actor: Actor, clock: ManualClock, **extra: object) -> str:
    made = open_incident(
        vault,
        actor,
        kind=str(extra.pop("kind", "loss")),
        title=str(extra.pop("title", "Laptop left on a bus")),
        detected_at=clock.now() - 2 * H,
        description=f"The laptop of the north team; {SECRET}'s case was open on it.",
        datasets=extra.pop("datasets", ["service_request"]),  # type: ignore[arg-type]
        records_affected=12,
        people_affected=9,
        **extra,  # type: ignore[arg-type]
    )
    return str(made.id)


def test_the_clocks_of_an_incident(oversight_vault: Vault, clock: ManualClock) -> None:
    vault, officer_ = oversight_vault, handler(oversight_vault)
    detected = clock.now() - 2 * H
    made = _open(vault, officer_, clock)
    stored = Incident.objects.get(pk=made)
    assert stored.authority_due == detected + 72 * H
    assert stored.people_due == detected + 30 * D
    assert SECRET.encode() not in bytes(stored.description or b"")
    view = get_incident(vault, officer_, made, clock.now())
    assert SECRET in (view.description or "")
    assert view.authority.state is ClockState.RUNNING
    assert [s.text for s in view.steps][:2] == ["Contain", "Assess"]
    assert len(view.steps) == 7

    clock.advance(hours=50)  # 20 hours left
    assert get_incident(vault, officer_, made, clock.now()).authority.state is ClockState.DUE_SOON
    clock.advance(hours=22)  # 2 hours past the deadline
    late = get_incident(vault, officer_, made, clock.now())
    assert late.authority.state is ClockState.OVERDUE
    assert late.authority.describe() == "overdue by 2 hours"

    fresh = _open(vault, officer_, clock, title="Mail sent to the wrong street")
    listed = list_incidents(vault, officer_, clock.now())
    assert [str(v.id) for v in listed] == [made, fresh]  # the overdue one first

    missed = record_notice(vault, officer_, made, "authority")
    assert missed.authority.state is ClockState.MISSED
    assert any(s.text.startswith("Notify the authority") and s.done_at for s in missed.steps)
    clock.advance(days=5)
    kept = record_notice(vault, officer_, made, "people", clock.now() - D)
    assert kept.people.state is ClockState.KEPT
    with pytest.raises(InvalidValue, match="already recorded"):
        record_notice(vault, officer_, made, "people")
    with pytest.raises(InvalidValue, match="in the future"):
        record_notice(vault, officer_, fresh, "people", clock.now() + H)
    with pytest.raises(InvalidValue, match="authority or people"):
        record_notice(vault, officer_, fresh, "press")
    actions = [e["action"] for e in audit_entries() if e["action"].startswith("incident.")]
    assert actions.count("incident.open") == 2
    assert "incident.update" in actions
    assert SECRET not in audit_text()


def test_the_checklist_notes_and_closing(oversight_vault: Vault, clock: ManualClock) -> None:
    vault, officer_ = oversight_vault, handler(oversight_vault)
    made = _open(vault, officer_, clock)
    ticked = tick_step(vault, officer_, made, 1)
    assert ticked.steps[0].done_at == clock.now()
    assert ticked.steps[0].done_by == "handler"
    with pytest.raises(NotFound, match="no such step"):
        tick_step(vault, officer_, made, 99)
    noted = add_note(vault, officer_, made, f"Called {SECRET}'s caseworker; laptop found.")
    assert noted.notes is not None
    assert SECRET in noted.notes[0].text
    assert SECRET.encode() not in bytes(IncidentNote.objects.get().text)
    with pytest.raises(InvalidValue, match="empty"):
        add_note(vault, officer_, made, "   ")
    contained = change_state(vault, officer_, made, "contained")
    assert contained.state == "contained"
    with pytest.raises(InvalidValue, match="6 step"):
        change_state(vault, officer_, made, "closed")
    closed = change_state(
        vault, officer_, made, "closed", "the laptop was found locked, nothing was read"
    )
    assert (closed.state, closed.closed_by) == ("closed", "handler")
    assert closed.notes is not None
    assert closed.notes[-1].text.startswith("closed: the laptop was found")
    steps: list[Callable[[], object]] = [
        lambda: tick_step(vault, officer_, made, 2),
        lambda: add_note(vault, officer_, made, "more"),
        lambda: update_incident(vault, officer_, made, people_affected=1),
        lambda: change_state(vault, officer_, made, "contained"),
    ]
    for step in steps:
        with pytest.raises(InvalidValue, match="closed"):
            step()
    assert len(audit_entries("incident.step")) == 1


def test_counts_and_records_in_scope(oversight_vault: Vault, clock: ManualClock) -> None:
    vault, officer_ = oversight_vault, handler(oversight_vault)
    north = add_case(vault, team="north")
    south = add_case(vault, team="south")
    made = _open(vault, officer_, clock)
    changed = update_incident(
        vault,
        officer_,
        made,
        people_affected=40,
        records=[str(north.id), str(south.id)],
        datasets=["service_request"],
    )
    assert (changed.people_affected, changed.records_linked) == (40, 2)
    assert set(changed.records or ()) == {north.id, south.id}
    # a handler whose own scope is a team sees only that team's linked records
    team_role = officer_.role.model_copy(update={"scope": Scope.TEAM})
    narrow = Actor(officer_.ref, team_role, officer_.user_id, "north", mfa_verified=True)
    seen = get_incident(vault, narrow, made, clock.now())
    assert (seen.records, seen.records_linked) == ((north.id,), 2)
    with pytest.raises(NotFound):
        update_incident(vault, narrow, made, records=[str(south.id)], people_affected=1)
    with pytest.raises(NotFound):
        update_incident(vault, officer_, made, records=["not-a-case"])
    with pytest.raises(InvalidValue, match="negative"):
        update_incident(vault, officer_, made, records_affected=-1)
    with pytest.raises(InvalidValue, match="no dataset 'payroll'"):
        update_incident(vault, officer_, made, datasets=["payroll"])
    stored = Incident.objects.get(pk=made)
    assert (stored.people_affected, stored.records.count()) == (40, 2)


def test_what_the_oversight_body_and_others_see(oversight_vault: Vault, clock: ManualClock) -> None:
    vault, officer_ = oversight_vault, handler(oversight_vault)
    case = add_case(vault, team="north")
    made = _open(vault, officer_, clock)
    update_incident(vault, officer_, made, records=[str(case.id)])
    add_note(vault, officer_, made, f"{SECRET} was told by phone")
    member = officer(vault, "member", overseer_role(vault))
    seen = get_incident(vault, member, made, clock.now())
    assert (seen.description, seen.notes, seen.records) == (None, None, None)
    assert (seen.records_linked, seen.people_affected) == (1, 9)
    assert seen.authority.state is ClockState.RUNNING
    assert SECRET not in repr(list_incidents(vault, member, clock.now()))
    steps: list[Callable[[], object]] = [
        lambda: update_incident(vault, member, made, people_affected=1),
        lambda: tick_step(vault, member, made, 1),
        lambda: add_note(vault, member, made, "a note"),
        lambda: record_notice(vault, member, made, "authority"),
        lambda: change_state(vault, member, made, "contained"),
        lambda: notice_drafts(vault, member, made),
    ]
    for step in steps:
        with pytest.raises(AccessDenied, match="handle incidents"):
            step()
    with pytest.raises(AccessDenied, match="handle incidents"):
        open_incident(vault, member, kind="loss", title="x" * 5, detected_at=clock.now())
    denied = [e for e in audit_entries() if e["outcome"] == "denied"]
    assert len(denied) == 7
    caseworker = officer(vault, "cw", "caseworker", "north")
    with pytest.raises(AccessDenied, match="read the incident register"):
        list_incidents(vault, caseworker, clock.now())
    with pytest.raises(NotFound):
        get_incident(vault, officer_, "nope", clock.now())
    assert Incident.objects.get(pk=made).people_affected == 9


def test_notice_drafts_hold_no_personal_value(oversight_vault: Vault, clock: ManualClock) -> None:
    vault, officer_ = oversight_vault, handler(oversight_vault)
    made = _open(vault, officer_, clock, title=f"Laptop of {SECRET}")
    tick_step(vault, officer_, made, 1)
    authority, people = notice_drafts(vault, officer_, made)
    assert authority.body.startswith("To: California Privacy Protection Agency")
    assert vault.plan.organization.name in authority.body
    assert "Dana Ortiz" in authority.body
    assert "security@riverton.example.gov" in people.body
    assert "12 records, 9 people" in authority.body
    assert "- Contain" in people.body
    assert "Who to contact:" in authority.body
    assert authority.translated
    assert people.translated
    for draft in (authority, people):
        assert SECRET not in draft.body + draft.subject
        assert not {v for v in DISTINCT.values() if len(v) > 6 and v in draft.body}


def test_bad_input_stores_nothing(oversight_vault: Vault, clock: ManualClock) -> None:
    vault, officer_ = oversight_vault, handler(oversight_vault)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": "leak"}, "the kind is one of"),
        ({"title": "x"}, "short title"),
        ({"detected_at": clock.now() + H}, "in the future"),
        ({"records_affected": -3}, "negative"),
        ({"datasets": ["payroll"]}, "no dataset"),
        ({"description": "x" * 20_001}, "longer than"),
    ]
    for change, why in cases:
        facts: dict[str, Any] = {"kind": "loss", "title": "Laptop lost", "detected_at": clock.now()}
        with pytest.raises(InvalidValue, match=why):
            open_incident(vault, officer_, **(facts | change))
    assert not Incident.objects.exists()
    assert not IncidentStep.objects.exists()


def test_audit_fails_closed(oversight_vault: Vault, clock: ManualClock) -> None:
    vault, officer_ = oversight_vault, handler(oversight_vault)
    made = _open(vault, officer_, clock)
    broken = mock.patch.object(AuditEntryRow.objects, "create", side_effect=DatabaseError("full"))
    with broken, pytest.raises(AuditUnavailable):
        _open(vault, officer_, clock, title="A second one")
    with broken, pytest.raises(AuditUnavailable):
        tick_step(vault, officer_, made, 1)
    with broken, pytest.raises(AuditUnavailable):
        record_notice(vault, officer_, made, "authority")
    with broken, pytest.raises(AuditUnavailable):
        get_incident(vault, officer_, made, clock.now())
    assert Incident.objects.count() == 1
    stored = Incident.objects.get()
    assert stored.authority_notified_at is None
    assert not stored.steps.filter(done_at__isnull=False).exists()


def test_the_help_desk_incident_and_its_clocks(
    help_desk_oversight: tuple[Vault, object], clock: ManualClock
) -> None:
    vault, _ = help_desk_oversight
    lead = handler(vault, "lead")
    made = _open(
        vault, lead, clock, kind="key_exposure", title="Intake key file copied", datasets=[]
    )
    view = get_incident(vault, lead, made, clock.now())
    assert view.steps[1].text == "Rotate the intake key if it may be exposed"
    assert view.people.due == view.detected_at + 7 * D
    clock.advance(days=6, hours=23)
    assert get_incident(vault, lead, made, clock.now()).people.state is ClockState.OVERDUE
    assert list_incidents(vault, lead, clock.now())[0].authority.state is ClockState.OVERDUE
