"""The person's choices through the API, with their access code as the credential."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.test import Client

from steward.vault.models import Consent, Subject
from steward.vault.runtime import Vault
from tests.vault.own_choices_support import (
    TICKET,
    add_donation,
    audit_entries,
    audit_text,
    resident,
    sealed_person,
)
from tests.vault.test_staff_support import leaked


def _call(method: str, path: str, code: str, body: dict[str, Any] | None = None) -> Any:
    client = Client()
    headers = {"Authorization": f"AccessCode {code}"}
    if method == "get":
        return client.get(path, headers=headers)
    return client.post(path, body or {}, content_type="application/json", headers=headers)


def test_a_person_reads_withdraws_and_gives_their_consents(city_vault: Vault) -> None:
    record, _, code = resident(city_vault)

    listed = _call("get", "/api/me/consents", code)
    assert listed.status_code == 200
    assert listed["Cache-Control"] == "no-store"
    (consent,) = listed.json()
    assert consent["purpose"] == "service_updates"
    assert (consent["state"], consent["may_withdraw"], consent["may_give"]) == (
        "agreed", True, False,
    )  # fmt: skip
    assert len(consent["history"]) == 1

    withdrawn = _call("post", "/api/me/consents/service_updates/withdraw", code)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["answers"] == 1
    again = _call("post", "/api/me/consents/service_updates/withdraw", code)
    assert again.status_code == 403
    assert "already withdrawn" in again.json()["detail"]

    given = _call("post", "/api/me/consents/service_updates/give", code)
    assert given.status_code == 200
    assert given.json()["records"] == [str(record.id)]
    history = _call("get", "/api/me/consents", code).json()[0]["history"]
    assert [(a["granted"], a["withdrawn"] is not None) for a in history] == [
        (True, True),
        (True, False),
    ]
    assert leaked(audit_text()) == set()
    assert code not in audit_text()


def test_refusals_are_clear_4xx(city_vault: Vault) -> None:
    _, _, code = resident(city_vault)
    unknown = _call("post", "/api/me/consents/nothing_like_it/withdraw", code)
    assert unknown.status_code == 403
    assert "no such purpose" in unknown.json()["detail"]
    legal = _call("post", "/api/me/consents/service_delivery/give", code)
    assert legal.status_code == 403
    assert "does not ask for your consent" in legal.json()["detail"]


def test_a_code_never_reaches_another_persons_consents(city_vault: Vault) -> None:
    _, _, mine = resident(city_vault)
    theirs, _, _ = resident(city_vault)
    assert _call("post", "/api/me/consents/service_updates/withdraw", mine).status_code == 200
    assert Consent.objects.get(record=theirs).withdrawn is None
    for code in ("AAAA-BBBB-CCCC-DDDD-EEEE", "", "x" * 100):
        assert _call("get", "/api/me/consents", code).status_code == 401
    staff_token = Client().get("/api/me/consents", headers={"Authorization": "Bearer stw_nothing"})
    assert staff_token.status_code == 401


def test_erasure_through_the_api(help_desk: tuple[Vault, X25519PrivateKey]) -> None:
    vault, intake = help_desk
    donor, _, donor_code = sealed_person(vault, intake, "assistance_request", TICKET, "assistance")
    add_donation(vault, donor.subject_id)
    other, _, other_code = sealed_person(
        vault,
        intake,
        "assistance_request",
        {**TICKET, "contact_name": "Other Person"},
        "assistance",
    )

    unconfirmed = _call("post", "/api/me/erasure", other_code, {"confirm": False})
    assert unconfirmed.status_code == 400
    assert _call("post", "/api/me/erasure", other_code, {}).status_code == 422

    asked = _call("post", "/api/me/erasure", donor_code, {"confirm": True})
    assert asked.status_code == 202
    body = asked.json()
    assert body["erased"] is False
    assert [k["field"] for k in body["kept"]] == ["amount", "allocation", "transaction_id"]
    assert {k["legal_basis"] for k in body["kept"]} == {"legal_obligation"}
    assert all(k["until"] for k in body["kept"])
    second = _call("post", "/api/me/erasure", donor_code, {"confirm": True})
    assert second.status_code == 409

    erased = _call("post", "/api/me/erasure", other_code, {"confirm": True})
    assert erased.status_code == 200
    assert erased.json()["erased"] is True
    assert Subject.objects.get(pk=other.subject_id).erased is not None
    assert _call("get", "/api/me/consents", other_code).status_code == 401
    assert [e["outcome"] for e in audit_entries("own.erase")] == [
        "denied", "allowed", "denied", "allowed",
    ]  # fmt: skip
