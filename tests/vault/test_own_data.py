"""A person's own data through the services: seeing, correcting, asking, who accessed."""

from __future__ import annotations

import csv
import io
import json
from uuid import uuid4

import pytest

from steward.vault.models import Record, RightsRequest
from steward.vault.rules.own_rights import Correction
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, AccessService, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.own_copy import CSV_COLUMNS, copy
from steward.vault.services.own_data import (
    CorrectionRefused,
    OwnDataRefused,
    UnknownField,
    ask_for_hidden,
    correct,
    overview,
)
from tests.vault.conftest import actor_for
from tests.vault.own_data_support import (
    OTHER,
    audit_text,
    entries_of,
    person,
    with_rights,
)
from tests.vault.test_staff_support import DISTINCT, leaked, make_staff


def _fields(vault: Vault, actor: Actor) -> dict[str, str]:
    (record,) = overview(vault, actor).records
    return {f.name: f.value for f in record.fields}


def test_a_person_sees_their_values_in_clear_and_never_staff_only_fields(
    city_vault: Vault,
) -> None:
    receipt, me = person(city_vault)
    seen = overview(city_vault, me)
    (record,) = seen.records
    assert record.reference == receipt.reference
    assert record.dataset_label == "Service request"
    values = {f.name: f.value for f in record.fields}
    assert values == {k: v for k, v in DISTINCT.items() if k != "age_band"}
    assert "age_band" not in values
    assert record.hidden == ("Your age group",)
    assert seen.has_hidden
    email = next(f for f in record.fields if f.name == "email")
    assert email.purposes == (
        "Contacting the resident about their request",
        "City service updates by email",
    )
    assert email.legal_bases == ("a public task", "your consent")
    assert email.retention[0].startswith("Contacting the resident about their request: 6 months")
    assert email.due is None  # the case is open, the consent not withdrawn
    assert email.correction is Correction.DIRECT
    assert [(c.purpose, c.granted, c.withdrawn) for c in seen.consents] == [
        ("service_updates", True, None)
    ]
    assert entries_of(city_vault, me.ref)[-1][0] == "own.read"
    assert not leaked(audit_text())


def test_a_closed_case_shows_when_each_value_is_due_to_go(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    record = Record.objects.get(pk=receipt.reference)
    record.status = Record.Status.CLOSED
    record.closed = record.created
    record.save()
    (seen,) = overview(city_vault, me).records
    due = {f.name: f.due for f in seen.fields}
    assert due["phone"] is not None
    assert due["full_name"] is not None
    assert due["full_name"] > due["phone"]


def test_read_own_is_for_people_only(city_vault: Vault) -> None:
    person(city_vault)
    with pytest.raises(AccessDenied):
        AccessService(city_vault).read_own(actor_for(city_vault, "privacy_officer"))


def test_access_off_refuses_the_page(city_vault: Vault) -> None:
    _, me = person(city_vault)
    vault = with_rights(city_vault, access=False)
    with pytest.raises(OwnDataRefused):
        overview(vault, me)
    assert ("own.read", "denied", ()) in entries_of(vault, me.ref)


def test_a_direct_correction_is_stored_registered_and_audited(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    done = correct(city_vault, me, receipt.reference, "email", "new.address@example.org")
    assert done.direct
    assert _fields(city_vault, me)["email"] == "new.address@example.org"
    request = RightsRequest.objects.get(pk=done.request)
    assert (request.kind, request.status, request.field) == ("correction", "done", "email")
    actions = entries_of(city_vault, me.ref)
    assert ("field.write", "allowed", ("email",)) in actions
    assert ("own.correct", "allowed", ("email",)) in actions
    assert "new.address" not in audit_text()


def test_a_correction_of_a_field_staff_check_becomes_an_encrypted_request(
    city_vault: Vault,
) -> None:
    receipt, me = person(city_vault)
    done = correct(city_vault, me, receipt.reference, "district", "East")
    assert not done.direct
    assert done.due is not None
    assert _fields(city_vault, me)["district"] == "North"
    request = RightsRequest.objects.get(pk=done.request)
    assert (request.kind, request.status, request.field) == ("correction", "open", "district")
    assert request.proposed is not None
    proposed = city_vault.keyring.decrypt(
        bytes(request.proposed),
        dataset="rights-request",
        record=str(request.id),
        field="district",
    )
    assert proposed == b"East"
    assert ("own.correct", "allowed", ("district",)) in entries_of(city_vault, me.ref)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("age_band", "18-29", CorrectionRefused),  # staff-only
        ("immigration_status", "Zanzibarian", CorrectionRefused),  # never recorded
        ("no_such_field", "Zanzibarian", UnknownField),
        ("email", "Zanzibarian at nowhere", InvalidValue),
        ("district", "Zanzibar", InvalidValue),
        ("full_name", "   ", InvalidValue),  # required
    ],
)
def test_refused_corrections_say_why_without_the_value(
    city_vault: Vault, field: str, value: str, error: type[Exception]
) -> None:
    receipt, me = person(city_vault)
    with pytest.raises(error) as raised:
        correct(city_vault, me, receipt.reference, field, value)
    assert "Zanzibar" not in str(raised.value)
    assert "Zanzibar" not in audit_text()
    assert entries_of(city_vault, me.ref)[-1][0] == "own.correct"
    assert _fields(city_vault, me) == {k: v for k, v in DISTINCT.items() if k != "age_band"}
    assert not RightsRequest.objects.filter(kind="correction").exists()


def test_corrections_off_refuses_every_field(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    vault = with_rights(city_vault, correction=False)
    for field in ("email", "district"):
        with pytest.raises(CorrectionRefused):
            correct(vault, me, receipt.reference, field, "East")


@pytest.mark.parametrize("which", ["other person", "no such record", "not a uuid"])
def test_a_code_never_reaches_another_persons_record(city_vault: Vault, which: str) -> None:
    _, me = person(city_vault)
    other, _ = person(city_vault, OTHER)
    target = {
        "other person": other.reference,
        "no such record": str(uuid4()),
        "not a uuid": "../../etc",
    }[which]
    with pytest.raises(NotFound) as raised:
        correct(city_vault, me, target, "email", "x@example.org")
    assert str(raised.value) == "no such record"
    assert "Barnaby" not in "".join(f for f in _fields(city_vault, me).values())
    other_record = Record.objects.get(pk=other.reference)
    assert not other_record.rights_requests.exists()


def test_the_page_shows_only_the_persons_own_records(city_vault: Vault) -> None:
    _, me = person(city_vault)
    person(city_vault, OTHER)
    text = repr(overview(city_vault, me))
    assert "Barnaby" not in text
    assert "Crumplehorn" not in text


def test_asking_for_hidden_fields_registers_an_open_access_request(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    made = ask_for_hidden(city_vault, me)
    assert (made.kind, made.status) == ("access", "open")
    assert made.due is not None
    assert (
        RightsRequest.objects.get(pk=made.id).record_id
        == Record.objects.get(pk=receipt.reference).id
    )
    assert ("own.read", "allowed", ("age_band",)) in entries_of(city_vault, me.ref)
    assert [r.kind for r in overview(city_vault, me).requests] == ["access"]


@pytest.mark.parametrize("show_names", [False, True])
def test_who_accessed_shows_roles_and_names_only_where_the_plan_says(
    city_vault: Vault, show_names: bool
) -> None:
    receipt, me = person(city_vault)
    user, _ = make_staff(city_vault, "odalys.officer", "privacy_officer")
    officer = actor_for(city_vault, "privacy_officer", user_id=user.id)
    officer = Actor(ref=f"staff/{user.id}", role=officer.role, mfa_verified=True)
    AccessService(city_vault).get_record(officer, receipt.reference)
    AccessService(city_vault).reveal(
        officer, receipt.reference, "phone", "follow_up", "calling back about the lamp"
    )
    vault = with_rights(city_vault, show_staff_names=show_names)
    seen = overview(vault, me)
    assert seen.accesses is not None
    who = {(a.who, a.action) for a in seen.accesses}
    label = "Privacy officer (odalys.officer)" if show_names else "Privacy officer"
    assert (label, "read") in who
    assert (label, "revealed") in who
    assert ("The form you filled in", "received") in who
    assert ("odalys" in repr(seen.accesses)) is show_names
    assert all("person" not in a.who for a in seen.accesses)


def test_a_json_copy_holds_records_consents_and_requests(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    made = copy(city_vault, me, "json")
    assert made.content_type == "application/json"
    assert made.filename.endswith(".json")
    data = json.loads(made.body)
    assert data["format"] == "steward-own-copy/1"
    (record,) = data["records"]
    assert record["reference"] == receipt.reference
    values = {f["field"]: f["value"] for f in record["fields"]}
    assert values == {k: v for k, v in DISTINCT.items() if k != "age_band"}
    assert record["staff_only_fields"] == ["Your age group"]
    email = next(f for f in record["fields"] if f["field"] == "email")
    assert email["label"] == "Email address"
    assert "City service updates by email" in email["purposes"]
    assert [(c["purpose"], c["answer"]) for c in data["consents"]] == [("service_updates", "yes")]
    assert [(r["kind"], r["status"]) for r in data["requests"]] == [("export", "done")]
    assert ("own.export", "allowed") in [(a, o) for a, o, _ in entries_of(city_vault, me.ref)]
    assert not leaked(audit_text())


def test_a_csv_copy_has_one_row_per_value_then_one_per_consent(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    made = copy(city_vault, me, "csv")
    assert made.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(made.body.decode("utf-8"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    values = {r["field"]: r["value"] for r in rows if r["section"] == "field"}
    assert values == {k: v for k, v in DISTINCT.items() if k != "age_band"}
    assert {r["record"] for r in rows} == {receipt.reference}
    (consent,) = [r for r in rows if r["section"] == "consent"]
    assert (consent["field"], consent["value"], consent["by_guardian"]) == (
        "service_updates",
        "yes",
        "no",
    )
    assert consent["given"]


def test_a_copy_defuses_spreadsheet_formulas_but_keeps_phone_numbers(city_vault: Vault) -> None:
    answers = {**DISTINCT, "phone": "+1 555 013 7742", "details": "=HYPERLINK(1)"}
    _, me = person(city_vault, answers)
    rows = list(csv.DictReader(io.StringIO(copy(city_vault, me, "csv").body.decode("utf-8"))))
    values = {r["field"]: r["value"] for r in rows if r["section"] == "field"}
    assert values["phone"] == "+1 555 013 7742"
    assert values["details"] == "'=HYPERLINK(1)"


def test_export_off_refuses_a_copy(city_vault: Vault) -> None:
    _, me = person(city_vault)
    vault = with_rights(city_vault, export=False)
    with pytest.raises(OwnDataRefused):
        copy(vault, me, "json")
    assert not RightsRequest.objects.filter(kind="export").exists()
    assert ("own.export", "denied", ()) in entries_of(vault, me.ref)


def test_the_audit_log_indexes_each_entrys_object_and_the_migration_fills_old_rows(
    city_vault: Vault,
) -> None:
    """A person's page finds the entries about them through the object index; entries
    stored before the index existed get it from the migration, read from their JSON."""
    import importlib

    from django.apps import apps

    from steward.vault.models import AuditEntryRow

    receipt, _ = person(city_vault)
    hasher = city_vault.audit.hasher
    assert hasher is not None
    wanted = hasher.object(f"record/{receipt.reference}")
    assert AuditEntryRow.objects.filter(object_ref=wanted).exists()
    stored = dict(AuditEntryRow.objects.values_list("seq", "object_ref"))
    AuditEntryRow.objects.update(object_ref="")  # as before the migration
    migration = importlib.import_module("steward.vault.migrations.0005_people_rights")
    migration.fill_object_refs(apps, None)
    assert dict(AuditEntryRow.objects.values_list("seq", "object_ref")) == stored
