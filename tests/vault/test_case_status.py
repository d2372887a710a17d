"""Closing and reopening cases through the service: written, audited, refused and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from steward.audit import AuditEntry, Outcome
from steward.vault.models import FieldValue, Record
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, NotFound
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.case_status import (
    CaseConflict,
    close_case,
    details_purged,
    may_change_status,
    reopen_case,
)
from tests.vault.conftest import actor_for
from tests.vault.test_staff_support import add_case

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
REASON = "Resident confirmed   the repair"


def _new_entries(vault: Vault, before: int) -> list[AuditEntry]:
    return list(vault.audit.entries())[before:]


def test_close_then_reopen_writes_the_status_and_audits_the_reason(city_vault: Vault) -> None:
    record = add_case(city_vault, team="north")
    actor = actor_for(city_vault, "supervisor", team="north", user_id=1)
    before = len(list(city_vault.audit.entries()))

    done = close_case(city_vault, actor, record.id, reason=REASON, now=NOW)

    record.refresh_from_db()
    assert (record.status, record.closed) == (Record.Status.CLOSED, NOW)
    assert (done.status, done.closed, done.reopen_until) == ("closed", NOW, NOW + timedelta(30))
    (entry,) = _new_entries(city_vault, before)
    assert (entry.action, entry.outcome) == ("record.close", Outcome.ALLOWED)
    hasher = city_vault.audit.hasher
    assert hasher is not None
    assert entry.object_ref == hasher.object(f"record/{record.id}")
    assert entry.purpose == "Resident confirmed the repair"

    later = NOW + timedelta(days=2)
    done = reopen_case(
        city_vault, actor, str(record.id), reason="they called back today", now=later
    )

    record.refresh_from_db()
    assert (record.status, record.closed) == (Record.Status.OPEN, None)
    assert record.last_contact == later  # the person came back
    assert (done.status, done.closed, done.reopen_until) == ("open", None, None)
    entry = _new_entries(city_vault, before)[-1]
    assert (entry.action, entry.outcome) == ("record.reopen", Outcome.ALLOWED)


@pytest.mark.parametrize(
    ("role", "team", "error"),
    [
        ("privacy_officer", "", AccessDenied),  # sees it, may not change it
        ("analyst", "", AccessDenied),
        ("supervisor", "south", NotFound),  # out of scope: like a missing record
        ("caseworker", "north", NotFound),  # not assigned to them
    ],
)
def test_refusals_change_nothing_and_are_audited(
    city_vault: Vault, role: str, team: str, error: type[Exception]
) -> None:
    record = add_case(city_vault, team="north")
    actor = actor_for(city_vault, role, team=team, user_id=99)
    before = len(list(city_vault.audit.entries()))

    with pytest.raises(error):
        close_case(city_vault, actor, record.id, reason=REASON, now=NOW)

    record.refresh_from_db()
    assert (record.status, record.closed) == (Record.Status.OPEN, None)
    new = _new_entries(city_vault, before)
    if error is AccessDenied:
        (entry,) = new
        assert (entry.action, entry.outcome) == ("record.close", Outcome.DENIED)
        assert entry.purpose == ""  # a refused reason is not kept
    else:
        assert new == []


def test_the_assigned_caseworker_closes_their_case(city_vault: Vault) -> None:
    from django.contrib.auth.models import User

    user = User.objects.create(username="sam")
    record = add_case(city_vault, team="north", assigned_to=user)
    actor = actor_for(city_vault, "caseworker", team="north", user_id=user.id)
    assert close_case(city_vault, actor, record.id, reason=REASON, now=NOW).status == "closed"


def test_conflicts_and_bad_reasons(city_vault: Vault) -> None:
    record = add_case(city_vault, team="north")
    actor = actor_for(city_vault, "supervisor", team="north")
    with pytest.raises(CaseConflict, match="open"):
        reopen_case(city_vault, actor, record.id, reason=REASON, now=NOW)
    with pytest.raises(AccessDenied, match="reason"):
        close_case(city_vault, actor, record.id, reason="  ", now=NOW)
    close_case(city_vault, actor, record.id, reason=REASON, now=NOW)
    with pytest.raises(CaseConflict, match="already closed"):
        close_case(city_vault, actor, record.id, reason=REASON, now=NOW)
    outcomes = [(e.action, e.outcome) for e in city_vault.audit.entries()][-4:]
    assert outcomes == [
        ("record.reopen", Outcome.DENIED),
        ("record.close", Outcome.DENIED),
        ("record.close", Outcome.ALLOWED),
        ("record.close", Outcome.DENIED),
    ]


def test_the_window_uses_the_injected_time(city_vault: Vault) -> None:
    record = add_case(city_vault, team="north")
    actor = actor_for(city_vault, "supervisor", team="north")
    close_case(city_vault, actor, record.id, reason=REASON, now=NOW)
    with pytest.raises(AccessDenied, match="within 30 days"):
        reopen_case(city_vault, actor, record.id, reason=REASON, now=NOW + timedelta(days=31))
    done = reopen_case(city_vault, actor, record.id, reason=REASON, now=NOW + timedelta(days=30))
    assert done.status == "open"


def test_a_case_whose_details_were_deleted_is_not_reopened(city_vault: Vault) -> None:
    record = add_case(city_vault, team="north")
    actor = actor_for(city_vault, "supervisor", team="north")
    close_case(city_vault, actor, record.id, reason=REASON, now=NOW)
    assert not details_purged(Record.objects.get(pk=record.pk))
    FieldValue.objects.filter(record=record).delete()
    assert details_purged(Record.objects.get(pk=record.pk))
    with pytest.raises(AccessDenied, match="deleted"):
        reopen_case(city_vault, actor, record.id, reason=REASON, now=NOW)


def test_nothing_changes_when_the_audit_log_is_down(
    city_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = add_case(city_vault, team="north")
    actor = actor_for(city_vault, "supervisor", team="north")

    def broken(*args: object, **kwargs: object) -> None:
        raise AuditUnavailable("down")

    monkeypatch.setattr("steward.vault.services.case_status.audit", broken)
    with pytest.raises(AuditUnavailable):
        close_case(city_vault, actor, record.id, reason=REASON, now=NOW)
    record.refresh_from_db()
    assert (record.status, record.closed) == (Record.Status.OPEN, None)


def test_unknown_and_malformed_ids_are_not_found(city_vault: Vault) -> None:
    actor = actor_for(city_vault, "supervisor", team="north")
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            close_case(city_vault, actor, bad, reason=REASON, now=NOW)


def test_who_is_offered_the_buttons(city_vault: Vault) -> None:
    offered = {
        role: may_change_status(city_vault, actor_for(city_vault, role), "service_request")
        for role in ("caseworker", "supervisor", "privacy_officer", "analyst")
    }
    assert offered == {
        "caseworker": True,
        "supervisor": True,
        "privacy_officer": False,
        "analyst": False,
    }
