"""The disclosure pages and API: a court order opened and decided through them, bad input
answered 4xx, and the authorization matrix of every new page and endpoint over every
staff role of the city plan. No response holds a value of the case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from steward.clock import ManualClock
from steward.vault.models import Record
from steward.vault.models_egress import DisclosureRequest
from steward.vault.runtime import Vault
from tests.vault.disclosure_support import COURT, OBJECTION_TIME, clock
from tests.vault.test_staff_support import add_case, body, leaked, signed_in

__all__ = ["clock"]
ORDER = b"%PDF ORDER 4471 of the Riverton Superior Court"


def _open_form(case: Record, **extra: Any) -> dict[str, Any]:
    return {
        "dataset": "service_request",
        "records": f"{case.id}\n",
        "fields": ["full_name", "email"],
        "party_kind": "court",
        **COURT,
        "recipient": "",
        **extra,
    }


def test_a_court_order_through_the_pages(city_vault: Vault, clock: ManualClock) -> None:
    case = add_case(city_vault, team="north")
    asker, _ = signed_in(city_vault, "ana", "privacy_officer")
    form = asker.get("/staff/disclosures/new/")
    assert form.status_code == 200
    assert "Open a disclosure request" in body(form)
    opened = asker.post(
        "/staff/disclosures/new/",
        {**_open_form(case), "document": SimpleUploadedFile("order.pdf", ORDER)},
    )
    assert opened.status_code == 302, body(opened)
    made = DisclosureRequest.objects.get()
    assert opened["Location"] == f"/staff/disclosures/{made.id}/"
    mine = asker.get(opened["Location"])
    assert "Withdraw the request" in body(mine)
    assert 'value="approve"' not in body(mine)  # nobody approves their own request
    own = asker.post(
        f"/staff/disclosures/{made.id}/decide/", {"decision": "approve", "reason": "mine"}
    )
    assert own.status_code == 403
    assert "nobody approves their own request" in body(own)

    approver, _ = signed_in(city_vault, "ben", "privacy_officer")
    listed = approver.get("/staff/disclosures/")
    assert str(made.id)[:8] in body(listed)
    assert '<a href="/staff/disclosures/">Disclosures</a>' in body(listed)
    shown = approver.get(f"/staff/disclosures/{made.id}/")
    assert 'value="approve"' in body(shown)
    document = approver.get(f"/staff/disclosures/{made.id}/document/")
    assert document.status_code == 200
    assert document.content == ORDER
    done = approver.post(
        f"/staff/disclosures/{made.id}/decide/",
        {"decision": "approve", "reason": "valid order", "fields": ["full_name"],
         "records": [str(case.id)]},
    )  # fmt: skip
    assert done.status_code == 302
    made.refresh_from_db()
    assert (made.state, made.compliance, made.fields_released) == (
        "approved",
        "partial",
        ["full_name"],
    )
    page = approver.get(f"/staff/disclosures/{made.id}/")
    assert "Deliver, encrypted" in body(page)
    early = approver.post(f"/staff/disclosures/{made.id}/deliver/", {})
    assert early.status_code == 403
    assert "time the plan gives them to object" in body(early)
    clock.advance(OBJECTION_TIME)
    refused = asker.post(f"/staff/disclosures/{made.id}/deliver/", {})
    assert refused.status_code == 403
    sent = approver.post(f"/staff/disclosures/{made.id}/deliver/", {})
    assert sent.status_code == 200
    assert "/deliveries/" in body(sent)
    assert 'id="delivery-passphrase"' in body(sent)
    made.refresh_from_db()
    assert made.state == "delivered"
    for response in (form, mine, listed, shown, done, page, sent):
        assert leaked(body(response)) == set()


def test_bad_input_on_the_pages_is_answered_plainly(city_vault: Vault) -> None:
    case = add_case(city_vault, team="north")
    client, _ = signed_in(city_vault, "ana", "privacy_officer")
    no_records = client.post("/staff/disclosures/new/", _open_form(case, records=""))
    assert no_records.status_code == 400
    assert "at least one record" in body(no_records)
    refused = client.post("/staff/disclosures/new/", _open_form(case, ground="subpoena"))
    assert refused.status_code == 403
    assert "does not allow" in body(refused)
    assert DisclosureRequest.objects.filter(state="refused").count() == 1
    wrong = client.post("/staff/disclosures/new/", _open_form(case, records="not-a-case"))
    assert wrong.status_code == 400
    made = DisclosureRequest.objects.get()
    no_reason = client.post(f"/staff/disclosures/{made.id}/decide/", {"decision": "approve"})
    assert no_reason.status_code == 302  # back to the page with the message
    gone = client.get("/staff/disclosures/00000000-0000-0000-0000-000000000000/")
    assert gone.status_code == 404


def test_the_api_opens_and_decides_and_answers_bad_input(
    city_vault: Vault, clock: ManualClock
) -> None:
    case = add_case(city_vault, team="north")
    asker, _ = signed_in(city_vault, "ana", "privacy_officer")
    approver, _ = signed_in(city_vault, "ben", "privacy_officer")
    asked = {
        "dataset": "service_request",
        "records": [str(case.id)],
        "fields": ["full_name"],
        "document": "JVBERiBvcmRlcg==",
        "document_name": "order.pdf",
        **COURT,
    }
    made = asker.post("/api/disclosures", asked, content_type="application/json")
    assert made.status_code == 201, made.content
    made_id = made.json()["id"]
    assert made.json()["state"] == "requested"
    bad = asker.post(
        "/api/disclosures", {**asked, "document": "%%%"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "base64" in bad.json()["detail"]
    missing = asker.post("/api/disclosures", {"dataset": "x"}, content_type="application/json")
    assert missing.status_code == 422
    refused = asker.post(
        "/api/disclosures", {**asked, "ground": "warrant", "fields": ["immigration_status"]},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 403
    assert "never recorded" in refused.json()["detail"]
    self_ok = asker.post(
        f"/api/disclosures/{made_id}/decision",
        {"decision": "approve", "reason": "mine"},
        content_type="application/json",
    )
    assert self_ok.status_code == 403
    decided = approver.post(
        f"/api/disclosures/{made_id}/decision",
        {"decision": "approve", "reason": "in order"},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == "approved"
    assert approver.get(f"/api/disclosures/{made_id}/document").content == b"%PDF order"
    assert approver.get("/api/disclosures/nope").status_code == 404
    too_many = approver.post(
        f"/api/disclosures/{made_id}/delivery", {"max_fetches": 99}, content_type="application/json"
    )
    assert too_many.status_code == 422
    clock.advance(OBJECTION_TIME)
    by_asker = asker.post(
        f"/api/disclosures/{made_id}/delivery", {}, content_type="application/json"
    )
    assert by_asker.status_code == 403
    sent = approver.post(
        f"/api/disclosures/{made_id}/delivery", {}, content_type="application/json"
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["passphrase"]
    assert sent.json()["link"].startswith("/deliveries/")
    assert sent.json()["disclosure"]["state"] == "delivered"


# -- the authorization matrix ------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    role: str
    team: str = ""
    in_scope: bool = True


PERSONAS = {
    "caseworker": Persona("caseworker", "north", in_scope=False),
    "supervisor": Persona("supervisor", "north"),
    "privacy officer (not the asker)": Persona("privacy_officer"),
    "analyst": Persona("analyst"),
    "council member": Persona("council_viewer"),
    "oversight board member": Persona("oversight_board"),
}


def test_the_matrix_covers_every_staff_role(city_vault: Vault) -> None:
    assert {p.role for p in PERSONAS.values()} == {r.id for r in city_vault.plan.roles if r.staff}


def _calls(client: Client, case: Record, made: str, clock: ManualClock) -> dict[str, Any]:
    json_ = "application/json"
    opened = {"dataset": "service_request", "records": [str(case.id)], "fields": ["full_name"]}
    before = {
        "list page": client.get("/staff/disclosures/"),
        "request page": client.get(f"/staff/disclosures/{made}/"),
        "document page": client.get(f"/staff/disclosures/{made}/document/"),
        "open page": client.post("/staff/disclosures/new/", _open_form(case)),
        "API list": client.get("/api/disclosures"),
        "API get": client.get(f"/api/disclosures/{made}"),
        "API document": client.get(f"/api/disclosures/{made}/document"),
        "API open": client.post("/api/disclosures", {**opened, **COURT}, content_type=json_),
        "API decide": client.post(
            f"/api/disclosures/{made}/decision",
            {"decision": "approve", "reason": "matrix"},
            content_type=json_,
        ),
    }
    clock.advance(OBJECTION_TIME)
    return before | {
        "deliver page": client.post(f"/staff/disclosures/{made}/deliver/", {}),
        "API deliver": client.post(
            f"/api/disclosures/{made}/delivery", {"max_fetches": 2}, content_type=json_
        ),
        "decide page": client.post(
            f"/staff/disclosures/{made}/decide/", {"decision": "refuse", "reason": "matrix"}
        ),
    }


ALLOWED = {
    "list page": 200,
    "request page": 200,
    "document page": 200,
    "open page": 302,
    "API list": 200,
    "API get": 200,
    "API document": 200,
    "API open": 201,
    "API decide": 200,
    "deliver page": 200,
    "API deliver": 403,  # the page delivered it just before
    "decide page": 403,  # the API approved it just before: no longer waiting
}


@pytest.mark.parametrize("name", list(PERSONAS))
def test_every_page_and_endpoint_by_role(city_vault: Vault, name: str, clock: ManualClock) -> None:
    persona = PERSONAS[name]
    case = add_case(city_vault, team="north")
    asker, _ = signed_in(city_vault, "asker", "privacy_officer")
    opened = asker.post(
        "/staff/disclosures/new/",
        {**_open_form(case), "document": SimpleUploadedFile("order.pdf", ORDER)},
    )
    made = str(DisclosureRequest.objects.get().id)
    assert opened.status_code == 302
    client, _ = signed_in(city_vault, "someone", persona.role, team=persona.team)
    answers = _calls(client, case, made, clock)
    officer = persona.role == "privacy_officer"
    for call, response in answers.items():
        expected = ALLOWED[call] if officer else 403
        if not persona.in_scope and call == "open page":
            expected = 400  # the form again: no such case (in this person's scope)
        if not persona.in_scope and call == "API open":
            expected = 404
        assert response.status_code == expected, (call, response.status_code)
        assert leaked(body(response)) == set(), call
        if "document" not in call or not officer:
            assert b"ORDER 4471" not in response.content, call
    stored = DisclosureRequest.objects.get(pk=made)
    assert stored.state == ("delivered" if officer else "requested")
