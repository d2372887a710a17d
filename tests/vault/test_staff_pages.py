"""The staff pages: case list, record, reveal dialog, audit browser and verifier."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client

from steward.audit import Outcome
from steward.vault.models import AuditEntryRow, Record
from steward.vault.runtime import Vault
from tests.vault.test_staff_support import DISTINCT, add_case, body, leaked, signed_in


@pytest.fixture
def caseworker(city_vault: Vault) -> tuple[Client, Record]:
    client, user = signed_in(city_vault, "ana.lima", "caseworker")
    return client, add_case(city_vault, assigned_to=user, team="north")


def _reveal(client: Client, record: Record, field: str, purpose: str, reason: str):
    return client.post(
        f"/staff/records/{record.id}/reveal/{field}/", {"purpose": purpose, "reason": reason}
    )


def test_the_case_list_shows_masked_values_only(
    city_vault: Vault, caseworker: tuple[Client, Record]
) -> None:
    client, record = caseworker
    add_case(city_vault)  # not assigned to her: out of scope
    response = client.get("/staff/")
    text = body(response)
    assert response.status_code == 200
    assert f"/staff/records/{record.id}/" in text
    assert text.count("/staff/records/") == 1
    assert "Z\u2022\u2022\u2022 Q\u2022\u2022\u2022" in text
    assert "North" in text  # a clear counting field
    assert leaked(text) == set()
    assert "record.list" in [e.action for e in city_vault.audit.entries()]


def test_the_case_list_pages(city_vault: Vault) -> None:
    client, _ = signed_in(city_vault, "dana.ortiz", "privacy_officer")
    for _ in range(27):
        add_case(city_vault)
    first = body(client.get("/staff/?dataset=service_request"))
    assert first.count('<th scope="row" data-label="Case">') == 25
    assert "page=2" in first
    second = body(client.get("/staff/?dataset=service_request&page=2"))
    assert second.count('<th scope="row" data-label="Case">') == 2
    assert "page=1" in second
    assert "page=3" not in second
    assert client.get("/staff/?page=0").status_code == 400
    assert client.get("/staff/?page=x").status_code == 400
    assert client.get("/staff/?dataset=nope").status_code == 404


def test_the_record_view_masks_and_offers_reveal_links(
    caseworker: tuple[Client, Record],
) -> None:
    client, record = caseworker
    response = client.get(f"/staff/records/{record.id}/")
    text = body(response)
    assert response.status_code == 200
    assert leaked(text) == set()
    for field in ("full_name", "email", "phone", "street_address"):
        assert f"/reveal/{field}/" in text
    assert "/reveal/details/" not in text  # free text: not a caseworker's reveal
    assert "no-store" in response["Cache-Control"]


def test_records_out_of_scope_or_unknown_are_404(
    city_vault: Vault, caseworker: tuple[Client, Record]
) -> None:
    client, _ = caseworker
    other = add_case(city_vault)
    assert client.get(f"/staff/records/{other.id}/").status_code == 404
    assert client.get("/staff/records/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/staff/records/not-a-uuid/").status_code == 404


def test_reveal_with_a_reason_shows_the_value_once_and_is_audited(
    city_vault: Vault, caseworker: tuple[Client, Record]
) -> None:
    client, record = caseworker
    form = client.get(f"/staff/records/{record.id}/reveal/phone/")
    text = body(form)
    assert form.status_code == 200
    assert 'value="follow_up"' in text
    assert "Contacting the resident" in text
    assert leaked(text) == set()
    response = _reveal(client, record, "phone", "follow_up", "calling back about the lamp")
    assert response.status_code == 200
    assert DISTINCT["phone"] in body(response)
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"
    entry = list(city_vault.audit.entries())[-1]
    assert (entry.action, entry.fields, entry.outcome) == (
        "field.reveal",
        ("phone",),
        Outcome.ALLOWED,
    )
    assert entry.purpose == "follow_up: calling back about the lamp"
    assert entry.object_ref == city_vault.audit.hasher.object(f"record/{record.id}")  # type: ignore[union-attr]
    again = client.get(f"/staff/records/{record.id}/")
    assert DISTINCT["phone"] not in body(again)  # shown once: the record stays masked


@pytest.mark.parametrize(
    ("purpose", "reason"),
    [
        ("follow_up", ""),
        ("follow_up", "  ok  "),
        ("service_updates", "calling back today"),
        ("", "x"),
    ],
)
def test_reveal_without_a_reason_or_a_purpose_of_the_field_is_refused(
    city_vault: Vault, caseworker: tuple[Client, Record], purpose: str, reason: str
) -> None:
    client, record = caseworker
    response = _reveal(client, record, "phone", purpose, reason)
    assert response.status_code == 403
    text = body(response)
    assert "Not revealed" in text
    assert "<form" in text
    assert leaked(text) == set()
    entry = list(city_vault.audit.entries())[-1]
    assert (entry.action, entry.outcome) == ("field.reveal", Outcome.DENIED)


def test_reveal_of_a_field_the_role_may_not_reveal_is_403(
    city_vault: Vault, caseworker: tuple[Client, Record]
) -> None:
    client, record = caseworker
    assert client.get(f"/staff/records/{record.id}/reveal/details/").status_code == 403
    response = _reveal(client, record, "details", "service_delivery", "need to read it all")
    assert response.status_code == 403
    assert leaked(body(response)) == set()
    assert client.get(f"/staff/records/{record.id}/reveal/nofield/").status_code == 404
    assert _reveal(client, record, "nofield", "follow_up", "for a good reason").status_code == 404


def test_reveal_refused_when_it_cannot_be_audited(
    city_vault: Vault, caseworker: tuple[Client, Record]
) -> None:
    client, record = caseworker
    with mock.patch.object(AuditEntryRow.objects, "create", side_effect=DatabaseError("full")):
        response = _reveal(client, record, "phone", "follow_up", "calling back about the lamp")
    assert response.status_code == 503
    text = body(response)
    assert "could not be audited" in text
    assert DISTINCT["phone"] not in text


def test_the_audit_browser_is_for_roles_that_read_the_audit(
    city_vault: Vault, caseworker: tuple[Client, Record]
) -> None:
    client, _ = caseworker
    assert client.get("/staff/audit/").status_code == 403
    assert client.post("/staff/audit/verify/").status_code == 403
    refused = [e for e in city_vault.audit.entries() if e.outcome is Outcome.DENIED]
    assert {e.action for e in refused} >= {"audit.read", "audit.verify"}
    assert "/staff/audit/" not in body(client.get("/staff/"))  # no link either


def test_the_audit_browser_lists_entries_and_is_itself_audited(
    city_vault: Vault, caseworker: tuple[Client, Record]
) -> None:
    worker, record = caseworker
    _reveal(worker, record, "phone", "follow_up", "calling back about the lamp")
    officer, _ = signed_in(city_vault, "dana.ortiz", "privacy_officer")
    response = officer.get("/staff/audit/")
    text = body(response)
    assert response.status_code == 200
    assert "field.reveal" in text
    assert "follow_up: calling back about the lamp" in text
    assert "ana.lima" not in text
    assert str(record.id) not in text
    last = list(city_vault.audit.entries())[-1]
    assert last.action == "audit.read"
    assert f"<td>{last.seq}</td>" in text  # newest first, including this very look
    assert officer.get("/staff/audit/?page=0").status_code == 400
    assert officer.get("/staff/audit/?page=99").status_code == 200
    assert leaked(text) == set()


def test_the_verifier_reports_an_intact_log_and_finds_a_change(city_vault: Vault) -> None:
    officer, _ = signed_in(city_vault, "dana.ortiz", "privacy_officer")
    assert officer.get("/staff/audit/verify/").status_code == 405
    intact = officer.post("/staff/audit/verify/")
    assert intact.status_code == 200
    assert "The log is intact" in body(intact)
    row = AuditEntryRow.objects.order_by("seq")[1]
    row.record = bytes(row.record).replace(b'"session.', b'"sessxon.', 1)
    row.save()
    damaged = officer.post("/staff/audit/verify/")
    assert "The log is damaged" in body(damaged)
    assert "audit.verify" in [e.action for e in city_vault.audit.entries()][-2:]


def test_staff_pages_need_a_csrf_token_for_posts(
    city_vault: Vault, caseworker: tuple[Client, Record]
) -> None:
    _, record = caseworker
    strict = Client(enforce_csrf_checks=True)
    signed = signed_in(city_vault, "ben.ode", "privacy_officer")[0]
    strict.cookies = signed.cookies
    response = strict.post(
        f"/staff/records/{record.id}/reveal/phone/",
        {"purpose": "follow_up", "reason": "calling back about the lamp"},
    )
    assert response.status_code == 403
    assert DISTINCT["phone"] not in body(response)
    assert strict.post("/staff/audit/verify/").status_code == 403
    assert strict.post("/staff/logout/").status_code == 403
