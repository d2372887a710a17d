"""Disclosures through the service: opened by one officer, approved by another, nothing
out before approval, refusals kept in the register, the document never in clear."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock
from uuid import UUID

import pytest
from django.db import DatabaseError

from steward import clock
from steward.vault.models import AuditEntryRow, Record
from steward.vault.models_egress import DisclosureItem, DisclosureNotice, DisclosureRequest
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.disclosure_delivery import disclosure_payload
from steward.vault.services.disclosure_register import (
    get_disclosure,
    list_disclosures,
    steps_for,
)
from steward.vault.services.disclosures import (
    DisclosureRefused,
    decide_disclosure,
    document_place,
    open_disclosure,
    read_document,
)
from tests.vault.conftest import actor_for
from tests.vault.disclosure_support import COURT, officer, payload_rows
from tests.vault.own_choices_support import audit_entries, audit_text
from tests.vault.test_staff_support import DISTINCT, add_case, leaked

ORDER = b"%PDF-1.7 ORDER OF THE COURT: produce the records of case 4471 (sealed)"
OTHER = {**DISTINCT, "full_name": "Bartholomew Ng", "email": "bart.ng@example.org"}


@pytest.fixture
def cases(city_vault: Vault) -> tuple[Record, Record]:
    return add_case(city_vault, team="north"), add_case(city_vault, OTHER, team="south")


def _open(vault: Vault, records: list[Record], fields: list[str], **asked: object) -> str:
    dataset = str(asked.pop("dataset", "service_request"))
    made = open_disclosure(
        vault,
        officer(vault, "asker"),
        dataset=dataset,
        records=[str(r.id) for r in records],
        fields=fields,
        **{**COURT, "document": ORDER, "document_name": "order.pdf", **asked},
    )
    return str(made.id)


def test_a_court_order_is_approved_by_another_officer_and_nothing_leaves_before(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    vault = city_vault
    asker, approver = officer(vault, "asker"), officer(vault, "approver")
    made = _open(vault, list(cases), ["full_name", "email", "district"])
    stored = DisclosureRequest.objects.get(pk=made)
    assert stored.state == "requested"
    with pytest.raises(AccessDenied, match="only an approved disclosure"):
        disclosure_payload(vault, stored, actor=approver)

    with pytest.raises(AccessDenied, match="nobody approves their own request"):
        decide_disclosure(vault, asker, made, "approve", reason="it is in order")
    assert DisclosureRequest.objects.get(pk=made).state == "requested"
    denied = audit_entries("disclosure.decide")[-1]
    assert denied["outcome"] == "denied"

    view = decide_disclosure(vault, approver, made, "approve", reason="the order is valid")
    assert (view.state, view.compliance, view.decided_by) == ("approved", "full", "approver")
    assert view.fields_released == ("full_name", "email", "district")
    assert all(r.released for r in view.records)
    payload = payload_rows(vault, DisclosureRequest.objects.get(pk=made), approver)
    assert (payload["ground"], payload["legal_reference"]) == ("court_order", "CV-1")
    assert payload["request"] == made
    rows = {r["id"]: r for r in payload["rows"]}
    assert rows[str(cases[1].id)]["full_name"] == "Bartholomew Ng"
    assert set(rows[str(cases[0].id)]) == {"id", "full_name", "email", "district"}
    actions = [e["action"] for e in audit_entries() if e["action"].startswith(("disc", "data"))]
    assert actions == [
        "disclosure.request",
        "dataset.export",  # the refused payload before approval
        "disclosure.decide",
        "disclosure.notice",
        "disclosure.decide",
        "dataset.export",
    ]
    notices = DisclosureNotice.objects.filter(disclosure_id=UUID(made))
    assert len(notices) == 2
    assert all(n.sent is not None for n in notices)  # each person is told at approval
    assert view.deliver_after is not None
    assert view.decided_at is not None
    assert view.deliver_after - view.decided_at == timedelta(days=14)  # time to object
    assert leaked(audit_text()) == set()


def test_an_approver_narrows_a_request_to_a_partial_compliance(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    vault = city_vault
    approver = officer(vault, "approver")
    made = _open(vault, list(cases), ["full_name", "email"])
    with pytest.raises(InvalidValue, match="'phone' was not asked for"):
        decide_disclosure(vault, approver, made, "approve", reason="x", fields=["phone"])
    view = decide_disclosure(
        vault,
        approver,
        made,
        "approve",
        reason="the order names only the name of one resident",
        fields=["full_name"],
        records=[str(cases[0].id)],
    )
    assert (view.state, view.compliance, view.fields_released) == (
        "approved",
        "partial",
        ("full_name",),
    )
    assert [r.released for r in view.records] == [True, False]
    (row,) = payload_rows(vault, DisclosureRequest.objects.get(pk=made), approver)["rows"]
    assert set(row) == {"id", "full_name"}
    assert row["id"] == str(cases[0].id)


def test_a_refused_request_is_kept_with_its_reason(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    with pytest.raises(DisclosureRefused, match="'immigration_status' is never recorded") as no:
        _open(city_vault, [cases[0]], ["full_name", "immigration_status"])
    kept = DisclosureRequest.objects.get(pk=no.value.disclosure_id)
    assert (kept.state, kept.compliance) == ("refused", "none")
    assert "never recorded" in kept.decision
    assert DisclosureItem.objects.filter(disclosure=kept).count() == 1
    entry = audit_entries("disclosure.request")[-1]
    assert entry["outcome"] == "denied"
    with pytest.raises(DisclosureRefused, match="does not allow 'subpoena'"):
        _open(city_vault, [cases[0]], ["full_name"], ground="subpoena")
    with pytest.raises(DisclosureRefused, match="receives only counts"):
        _open(city_vault, [cases[0]], ["district"], ground="consent", recipient="city_council")
    assert DisclosureRequest.objects.filter(state="refused").count() == 3


def test_bad_input_is_refused_and_nothing_is_stored(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    with pytest.raises(InvalidValue, match="at least one record"):
        _open(city_vault, [], ["full_name"])
    with pytest.raises(InvalidValue, match="needs its reference"):
        _open(city_vault, [cases[0]], ["full_name"], legal_reference=" ")
    with pytest.raises(NotFound):
        open_disclosure(
            city_vault,
            officer(city_vault, "asker"),
            dataset="service_request",
            records=["not-a-case"],
            fields=["full_name"],
            **COURT,
        )
    with pytest.raises(NotFound, match="no dataset"):
        _open(city_vault, [cases[0]], ["full_name"], dataset="pets")
    token = actor_for(city_vault, "privacy_officer")
    with pytest.raises(AccessDenied, match="staff account"):
        open_disclosure(
            city_vault,
            token,
            dataset="service_request",
            records=[str(cases[0].id)],
            fields=["full_name"],
            **COURT,
        )
    made = _open(city_vault, [cases[0]], ["full_name"])
    with pytest.raises(InvalidValue, match="say why"):
        decide_disclosure(city_vault, officer(city_vault, "approver"), made, "refuse")
    with pytest.raises(InvalidValue, match="approve, refuse or withdraw"):
        decide_disclosure(city_vault, officer(city_vault, "approver"), made, "deliver")
    with pytest.raises(InvalidValue, match="both its reason and the date"):
        decide_disclosure(
            city_vault,
            officer(city_vault, "approver"),
            made,
            "approve",
            reason="ok",
            prohibited_until=clock.now() + timedelta(days=30),
        )
    stored = DisclosureRequest.objects.get(pk=made)
    assert stored.state == "requested"  # the approval rolled back
    assert not stored.items.filter(released=True).exists()
    assert DisclosureRequest.objects.count() == 1


def test_the_document_is_never_stored_in_clear_and_only_the_two_officers_read_it(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    vault = city_vault
    made = _open(vault, [cases[0]], ["full_name"])
    row = DisclosureRequest.objects.get(pk=made)
    assert row.document is not None
    assert b"ORDER OF THE COURT" not in bytes(row.document)
    for value in DisclosureRequest.objects.filter(pk=made).values().get().values():
        assert "ORDER OF THE COURT" not in str(value)
    subject, _ = document_place(row.id)
    assert vault.keyring.has_key(subject)
    assert read_document(vault, officer(vault, "asker"), made) == ("order.pdf", ORDER)
    assert read_document(vault, officer(vault, "approver"), made)[1] == ORDER
    with pytest.raises(AccessDenied, match="only the requester and the approvers"):
        read_document(vault, officer(vault, "sup", "supervisor", "north"), made)
    reads = [(e["object"], e["outcome"]) for e in audit_entries("disclosure.read")]
    assert [o for _, o in reads] == ["allowed", "allowed", "denied"]


def test_the_requester_withdraws_and_an_approver_refuses(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    vault = city_vault
    first = _open(vault, [cases[0]], ["full_name"])
    with pytest.raises(AccessDenied, match="only the person who asked"):
        decide_disclosure(vault, officer(vault, "approver"), first, "withdraw")
    assert decide_disclosure(vault, officer(vault, "asker"), first, "withdraw").state == (
        "withdrawn"
    )
    second = _open(vault, [cases[1]], ["email"])
    refused = decide_disclosure(
        vault, officer(vault, "approver"), second, "refuse", reason="the order is expired"
    )
    assert (refused.state, refused.decision) == ("refused", "the order is expired")
    with pytest.raises(AccessDenied, match="is refused"):
        decide_disclosure(vault, officer(vault, "approver"), second, "approve", reason="after all")


def test_the_register_lists_waiting_requests_first_for_those_who_handle_them(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    vault = city_vault
    done = _open(vault, [cases[0]], ["full_name"])
    decide_disclosure(vault, officer(vault, "approver"), done, "refuse", reason="no")
    waiting = _open(vault, [cases[1]], ["full_name"])
    listed = list_disclosures(vault, officer(vault, "approver"))
    assert [str(v.id) for v in listed] == [waiting, done]
    view = get_disclosure(vault, officer(vault, "approver"), waiting)
    assert [s.value for s in steps_for(vault, officer(vault, "approver"), view, clock.now())] == [
        "approve",
        "refuse",
        "read_document",
    ]
    assert [s.value for s in steps_for(vault, officer(vault, "asker"), view, clock.now())] == [
        "withdraw",
        "read_document",
    ]
    with pytest.raises(AccessDenied, match="'caseworker' handle disclosures"):
        list_disclosures(vault, officer(vault, "cw", "caseworker", "north"))
    with pytest.raises(NotFound):
        get_disclosure(vault, officer(vault, "approver"), "nope")


def test_opening_fails_closed_when_the_audit_log_cannot_be_written(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    officer(city_vault, "asker")
    with (
        mock.patch.object(AuditEntryRow.objects, "create", side_effect=DatabaseError("full")),
        pytest.raises(AuditUnavailable),
    ):
        _open(city_vault, [cases[0]], ["full_name"])
    assert not DisclosureRequest.objects.exists()


def test_the_payload_is_plain_json(city_vault: Vault, cases: tuple[Record, Record]) -> None:
    approver = officer(city_vault, "approver")
    made = _open(city_vault, [cases[0]], ["full_name"])
    decide_disclosure(city_vault, approver, made, "approve", reason="in order")
    raw = disclosure_payload(city_vault, DisclosureRequest.objects.get(pk=made), actor=approver)
    document = json.loads(raw)
    assert document["format"] == "steward-disclosure/1"
    assert document["fields"] == ["full_name"]
    assert document["party"] == "Riverton Superior Court"


def test_a_prohibition_of_notice_holds_the_notice_until_it_ends(
    city_vault: Vault, cases: tuple[Record, Record]
) -> None:
    made = _open(city_vault, [cases[0]], ["full_name"])
    until = clock.now() + timedelta(days=90)
    view = decide_disclosure(
        city_vault,
        officer(city_vault, "approver"),
        made,
        "approve",
        reason="the warrant is in order",
        prohibited_until=until,
        prohibition_reason="the warrant forbids telling the person for 90 days",
    )
    notice = DisclosureNotice.objects.get(disclosure_id=UUID(made))
    assert (notice.sent, notice.prohibited_until) == (None, until)
    assert view.state == "approved"
