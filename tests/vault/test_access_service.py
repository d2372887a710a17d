"""The access service: decisions, scope, masking, reveal with a reason, and failing closed."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError

from steward.audit import Outcome
from steward.clock import ManualClock, use_clock
from steward.vault.models import AuditEntryRow, FieldValue, Record
from steward.vault.models_egress import DisclosureRequest
from steward.vault.rules.intake import Submission
from steward.vault.rules.masking import HIDDEN
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, AccessService, NotFound
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.collect import submit
from steward.vault.services.disclosed_records import disclosed_records
from steward.vault.services.disclosures import DisclosureRefused
from tests.vault.conftest import actor_for
from tests.vault.disclosure_support import approved, officer
from tests.vault.test_collect import GOOD


@pytest.fixture
def case(city_vault: Vault) -> Record:
    receipt = submit(city_vault, Submission("service_request", {**GOOD, "phone": "555 010 0199"}))
    return Record.objects.get(pk=receipt.reference)


@pytest.fixture
def worker(case: Record) -> User:
    user = User.objects.create(username="cw1")
    case.assigned_to = user
    case.team = "north"
    case.save()
    return user


def _fields(view) -> dict[str, str]:
    return {f.name: f.shown for f in view.fields}


def test_a_caseworker_sees_an_assigned_case_masked(
    city_vault: Vault, case: Record, worker: User
) -> None:
    actor = actor_for(city_vault, "caseworker", user_id=worker.id)
    (view,) = AccessService(city_vault).list_records(actor, "service_request")
    shown = _fields(view)
    assert shown["full_name"] == "A\u2022\u2022\u2022 L\u2022\u2022\u2022"
    assert shown["email"].startswith("a\u2022\u2022\u2022@")
    assert shown["phone"].endswith("99")
    assert "555" not in shown["phone"]
    assert shown["details"] == HIDDEN
    assert shown["district"] == "North"
    assert "age_band" not in shown  # planning statistics: not the caseworker's purpose
    assert "Ana" not in repr(view)


def test_scope_hides_cases_assigned_to_someone_else(
    city_vault: Vault, case: Record, worker: User
) -> None:
    other = User.objects.create(username="cw2")
    actor = actor_for(city_vault, "caseworker", user_id=other.id)
    service = AccessService(city_vault)
    assert service.list_records(actor, "service_request") == []
    with pytest.raises(NotFound):
        service.get_record(actor, case.id)
    with pytest.raises(NotFound):
        service.reveal(actor, case.id, "full_name", "follow_up", "calling back about the pothole")


def test_team_scope(city_vault: Vault, case: Record, worker: User) -> None:
    service = AccessService(city_vault)
    assert (
        len(
            service.list_records(
                actor_for(city_vault, "supervisor", team="north"), "service_request"
            )
        )
        == 1
    )
    assert (
        service.list_records(actor_for(city_vault, "supervisor", team="south"), "service_request")
        == []
    )
    assert service.list_records(actor_for(city_vault, "supervisor"), "service_request") == []


def test_reveal_needs_a_purpose_of_the_field_and_a_reason(
    city_vault: Vault, case: Record, worker: User
) -> None:
    actor = actor_for(city_vault, "caseworker", user_id=worker.id)
    service = AccessService(city_vault)
    with pytest.raises(AccessDenied, match="purpose"):
        service.reveal(actor, case.id, "full_name", "planning_statistics", "calling back today")
    with pytest.raises(AccessDenied, match="reason"):
        service.reveal(actor, case.id, "full_name", "follow_up", "   ")
    value = service.reveal(
        actor, case.id, "full_name", "follow_up", "calling back about the pothole"
    )
    assert value == "Ana Lima"
    last = list(city_vault.audit.entries())[-1]
    assert (last.action, last.fields, last.outcome) == (
        "field.reveal",
        ("full_name",),
        Outcome.ALLOWED,
    )
    assert last.purpose == "follow_up: calling back about the pothole"
    denied = [e for e in city_vault.audit.entries() if e.outcome is Outcome.DENIED]
    assert len(denied) == 2


def test_a_role_without_reveal_grant_is_refused_and_audited(
    city_vault: Vault, case: Record, worker: User
) -> None:
    actor = actor_for(city_vault, "caseworker", user_id=worker.id)
    with pytest.raises(AccessDenied):
        AccessService(city_vault).reveal(
            actor, case.id, "details", "service_delivery", "needs the detail"
        )
    assert list(city_vault.audit.entries())[-1].outcome is Outcome.DENIED


def test_mfa_roles_are_refused_without_a_second_factor(
    city_vault: Vault, case: Record, worker: User
) -> None:
    actor = actor_for(city_vault, "caseworker", user_id=worker.id, mfa_verified=False)
    with pytest.raises(AccessDenied, match="second factor"):
        AccessService(city_vault).list_records(actor, "service_request")


def test_records_leave_only_through_an_approved_disclosure(
    city_vault: Vault, case: Record, worker: User
) -> None:
    supervisor = officer(city_vault, "sup1", "supervisor", "north")
    with pytest.raises(DisclosureRefused, match="export grant"):
        approved(city_vault, [case], ["full_name"], asker=supervisor)
    with pytest.raises(DisclosureRefused, match="no export grant over 'age_band'"):
        approved(city_vault, [case], ["full_name", "age_band"])
    disclosure, approver = approved(city_vault, [case], ["full_name", "district"])
    rows = disclosed_records(city_vault, approver, disclosure).rows
    assert rows[0]["full_name"] == "Ana Lima"
    assert set(rows[0]) == {"id", "full_name", "district"}
    last = list(city_vault.audit.entries())[-1]
    assert (last.action, set(last.fields)) == ("dataset.export", {"full_name", "district"})
    disclosure.state = DisclosureRequest.State.REQUESTED
    with pytest.raises(AccessDenied, match="only an approved disclosure"):
        disclosed_records(city_vault, approver, disclosure)


def test_reads_fail_closed_when_the_audit_log_cannot_be_written(
    city_vault: Vault, case: Record, worker: User
) -> None:
    actor = actor_for(city_vault, "caseworker", user_id=worker.id)
    service = AccessService(city_vault)
    before = AuditEntryRow.objects.count()
    with mock.patch.object(AuditEntryRow.objects, "create", side_effect=DatabaseError("disk full")):
        with pytest.raises(AuditUnavailable):
            service.list_records(actor, "service_request")
        with pytest.raises(AuditUnavailable):
            service.reveal(actor, case.id, "full_name", "follow_up", "calling back about it")
        with pytest.raises(AuditUnavailable):
            service.update(actor, case.id, "phone", "555 010 0000")
    assert AuditEntryRow.objects.count() == before
    assert (
        service.reveal(actor, case.id, "phone", "follow_up", "checking it did not change")
        == "555 010 0199"
    )


def test_writes_are_reencrypted_and_audited(city_vault: Vault, case: Record, worker: User) -> None:
    actor = actor_for(city_vault, "caseworker", user_id=worker.id)
    service = AccessService(city_vault)
    moment = datetime(2027, 2, 3, 10, 0, tzinfo=UTC)
    with use_clock(ManualClock(moment)):
        service.update(actor, case.id, "phone", "555 010 0123")
    case.refresh_from_db()
    assert case.last_contact == moment  # what the person told staff: a contact
    assert (
        service.reveal(actor, case.id, "phone", "follow_up", "confirming the new number")
        == "555 010 0123"
    )
    with pytest.raises(AccessDenied):
        service.update(actor, case.id, "age_band", "30-44")


def test_unknown_records_and_fields(city_vault: Vault, case: Record) -> None:
    actor = actor_for(city_vault, "privacy_officer")
    service = AccessService(city_vault)
    with pytest.raises(NotFound):
        service.get_record(actor, "not-a-uuid")
    with pytest.raises(NotFound):
        service.reveal(actor, case.id, "shoe_size", "follow_up", "no such field here")
    with pytest.raises(NotFound):
        service.list_records(actor, "no_such_dataset")


def test_search_by_blind_index_respects_scope_and_is_audited(
    city_vault: Vault, case: Record, worker: User
) -> None:
    service = AccessService(city_vault)
    officer = actor_for(city_vault, "privacy_officer")
    (found,) = service.find_records(
        officer, "service_request", "email", " ANA.LIMA@example.org"
    ).items
    assert found.id == case.id
    assert service.find_records(officer, "service_request", "email", "someone@else.org").items == []
    (by_phone,) = service.find_records(officer, "service_request", "phone", "(555) 010-0199").items
    assert by_phone.id == case.id
    outsider = actor_for(city_vault, "caseworker", user_id=worker.id + 1000)
    assert (
        service.find_records(outsider, "service_request", "email", "ana.lima@example.org").items
        == []
    )
    with pytest.raises(AccessDenied, match="not searchable"):
        service.find_records(officer, "service_request", "details", "pothole")
    assert list(city_vault.audit.entries())[-1].outcome is Outcome.DENIED
    searches = [e for e in city_vault.audit.entries() if e.action == "record.search"]
    assert len(searches) == 5


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("district", "Atlantis", "choose one"),
        ("email", "ana-at-example", "not an email"),
        ("full_name", "  ", "required"),
    ],
)
def test_writes_are_checked_against_the_plan(
    city_vault: Vault, case: Record, worker: User, field: str, value: str, fragment: str
) -> None:
    from steward.vault.services.access import InvalidValue

    actor = actor_for(city_vault, "caseworker", user_id=worker.id)
    with pytest.raises(InvalidValue, match=fragment) as raised:
        AccessService(city_vault).update(actor, case.id, field, value)
    assert value.strip() == "" or value not in str(raised.value)


def test_a_never_field_cannot_be_written(city_vault: Vault, case: Record, worker: User) -> None:
    actor = actor_for(city_vault, "caseworker", user_id=worker.id)
    with pytest.raises(AccessDenied, match="never recorded"):
        AccessService(city_vault).update(actor, case.id, "immigration_status", "citizen")
    assert not FieldValue.objects.filter(field="immigration_status").exists()
