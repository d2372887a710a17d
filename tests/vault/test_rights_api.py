"""The rights-queue API: the role table, service tokens refused, order, deciding, and no
personal value in any response."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from steward.audit import Outcome
from steward.vault.models import RightsRequest
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessService
from tests.vault.erasure_support import staff_actor
from tests.vault.rights_queue_support import NEW_PHONE, REASON, correction, open_request
from tests.vault.test_api_support import (
    URLS,
    VALUES,
    bearer,
    leaked,
    make_case,
    signed_in,
    staff_user,
    token_for,
)

pytestmark = pytest.mark.urls(URLS)
Kind = RightsRequest.Kind
CSRF = "k" * 32


def _post(client: Client, url: str, payload: dict[str, str], **kwargs: object):
    client.cookies["csrftoken"] = CSRF
    return client.post(
        url,
        json.dumps(payload),
        content_type="application/json",
        headers={"X-CSRFToken": CSRF},
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("privacy_officer", True), ("caseworker", False), ("supervisor", False), ("analyst", False)],
)
def test_role_table_for_the_api(city_vault: Vault, role: str, allowed: bool) -> None:
    record = make_case(city_vault)
    made = open_request(city_vault, record, Kind.ACCESS)
    client = signed_in(staff_user(f"user.{role}", role))
    listing = client.get("/api/rights/requests")
    one = client.get(f"/api/rights/requests/{made.id}")
    decided = _post(
        client,
        f"/api/rights/requests/{made.id}/decide",
        {"decision": "answered", "reason": REASON},
    )
    expected = (200, 200, 200) if allowed else (403, 403, 403)
    assert (listing.status_code, one.status_code, decided.status_code) == expected
    status = RightsRequest.objects.get(pk=made.id).status
    assert status == ("done" if allowed else "open")


def test_service_tokens_are_refused(city_vault: Vault) -> None:
    made = open_request(city_vault, make_case(city_vault), Kind.ACCESS)
    headers = bearer(token_for(city_vault, "privacy_officer", team=""))
    client = Client()
    assert client.get("/api/rights/requests", headers=headers).status_code == 403
    assert client.get(f"/api/rights/requests/{made.id}", headers=headers).status_code == 403
    answer = client.post(
        f"/api/rights/requests/{made.id}/decide",
        json.dumps({"decision": "answered", "reason": REASON}),
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 403
    assert "staff account" in answer.json()["detail"]
    assert Client().get("/api/rights/requests").status_code == 401


def test_correction_through_the_api(city_vault: Vault) -> None:
    record = make_case(city_vault)
    made = correction(city_vault, record, "phone", NEW_PHONE)
    client = signed_in(staff_user("ana.lima", "privacy_officer"))

    listing = client.get("/api/rights/requests?status=open&kind=correction")
    assert listing.status_code == 200
    (row,) = listing.json()
    assert (row["id"], row["field"], row["proposed"], row["overdue"]) == (
        made.id,
        "phone",
        True,
        False,
    )
    assert row["decisions"] == ["apply", "refuse"]
    assert leaked(listing.content, set(VALUES)) == set()
    assert NEW_PHONE.encode() not in listing.content

    bad = _post(
        client,
        f"/api/rights/requests/{made.id}/decide",
        {"decision": "carry_out", "reason": REASON},
    )
    assert bad.status_code == 400
    short = _post(
        client, f"/api/rights/requests/{made.id}/decide", {"decision": "apply", "reason": "no"}
    )
    assert short.status_code == 400

    done = _post(
        client, f"/api/rights/requests/{made.id}/decide", {"decision": "apply", "reason": REASON}
    )
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["decided_by"]) == ("done", "ana.lima")
    assert NEW_PHONE.encode() not in done.content
    officer = staff_actor(city_vault, "ben.okafor", "privacy_officer")
    revealed = AccessService(city_vault).reveal(officer, record.id, "phone", "follow_up", REASON)
    assert revealed == NEW_PHONE

    again = _post(
        client, f"/api/rights/requests/{made.id}/decide", {"decision": "refuse", "reason": REASON}
    )
    assert again.status_code == 409
    assert client.get("/api/rights/requests/999999").status_code == 404
    assert client.get("/api/rights/requests?status=lost").status_code == 400
    decided = [e for e in city_vault.audit.entries() if e.action == "rights.decide"]
    assert [e.outcome for e in decided] == [Outcome.ALLOWED]


def test_erasure_through_the_api_then_a_late_answer(city_vault: Vault) -> None:
    record = make_case(city_vault)
    erase = open_request(city_vault, record, Kind.ERASURE)
    access = open_request(city_vault, record, Kind.ACCESS)
    client = signed_in(staff_user("ana.lima", "privacy_officer"))
    done = _post(
        client,
        f"/api/rights/requests/{erase.id}/decide",
        {"decision": "carry_out", "reason": REASON},
    )
    assert done.status_code == 200
    assert done.json()["person_erased"] is True
    assert not city_vault.keyring.has_key(str(record.subject_id))
    late = _post(
        client,
        f"/api/rights/requests/{access.id}/decide",
        {"decision": "answered", "reason": REASON},
    )
    assert late.status_code == 409  # the erasure closed it: nothing is left to answer
