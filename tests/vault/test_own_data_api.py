"""The person's own data through the API, with their access code as the credential:
the authorization matrix, statuses, copies and the audit."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from steward.vault.models import Record, RightsRequest
from steward.vault.runtime import Vault
from tests.vault.own_data_support import OTHER, audit_text, entries_of, person
from tests.vault.test_api_support import bearer, token_for
from tests.vault.test_staff_support import DISTINCT, leaked

SHOWN = set(DISTINCT) - {"age_band"}


def code(value: str) -> dict[str, str]:
    return {"Authorization": f"AccessCode {value}"}


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/me"),
        ("get", "/api/me/copy"),
        ("post", "/api/me/corrections"),
        ("post", "/api/me/access-requests"),
        ("get", "/api/me/requests"),
    ],
)
@pytest.mark.parametrize("credential", ["none", "wrong code", "staff token"])
def test_only_an_access_code_opens_the_own_routes(
    city_vault: Vault, method: str, url: str, credential: str
) -> None:
    person(city_vault)
    headers = {
        "none": {},
        "wrong code": code("AAAA-BBBB-CCCC-DDDD-EEEE"),
        "staff token": bearer(token_for(city_vault, "privacy_officer")),
    }[credential]
    response = getattr(Client(), method)(url, headers=headers, content_type="application/json")
    assert response.status_code == 401


def test_the_overview_shows_own_values_and_never_staff_only_fields(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    person(city_vault, OTHER)
    response = Client().get("/api/me", headers=code(receipt.access_code))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    (record,) = data["records"]
    assert record["reference"] == receipt.reference
    assert {f["field"]: f["value"] for f in record["fields"]} == {k: DISTINCT[k] for k in SHOWN}
    assert record["staff_only_fields"] == ["Your age group"]
    assert "age_band" not in leaked(response.content.decode()) | {
        f["field"] for f in record["fields"]
    }
    assert "Barnaby" not in response.content.decode()
    corrections = {f["field"]: f["correction"] for f in record["fields"]}
    assert corrections["email"] == "direct"
    assert corrections["district"] == "request"
    assert data["may_copy"] is True
    assert entries_of(city_vault, me.ref)[-1][0] == "own.read"


@pytest.mark.parametrize(
    ("field", "value", "status", "outcome"),
    [
        ("email", "new.one@example.org", 200, "corrected"),
        ("phone", "555 010 9999", 200, "corrected"),
        ("district", "East", 202, "requested"),
        ("details", "Another lamp", 202, "requested"),
        ("age_band", "18-29", 403, None),
        ("immigration_status", "Zanzibarian", 403, None),
        ("email", "Zanzibarian mail", 400, None),
        ("nope", "Zanzibarian", 404, None),
    ],
)
def test_corrections_per_field_on_the_city_plan(
    city_vault: Vault, field: str, value: str, status: int, outcome: str | None
) -> None:
    receipt, me = person(city_vault)
    response = Client().post(
        "/api/me/corrections",
        {"record": receipt.reference, "field": field, "value": value},
        content_type="application/json",
        headers=code(receipt.access_code),
    )
    assert response.status_code == status
    assert value not in response.content.decode()
    if outcome:
        assert response.json()["outcome"] == outcome
        assert RightsRequest.objects.filter(kind="correction").count() == 1
    else:
        assert "detail" in response.json()
        assert not RightsRequest.objects.exists()
    assert entries_of(city_vault, me.ref)[-1][0] == "own.correct"
    assert "Zanzibar" not in audit_text()


def test_a_code_never_reaches_another_persons_record(city_vault: Vault) -> None:
    receipt, _ = person(city_vault)
    other, _ = person(city_vault, OTHER)
    response = Client().post(
        "/api/me/corrections",
        {"record": other.reference, "field": "email", "value": "x@example.org"},
        content_type="application/json",
        headers=code(receipt.access_code),
    )
    assert response.status_code == 404
    assert other.reference not in response.content.decode()
    assert not Record.objects.get(pk=other.reference).rights_requests.exists()
    # and the other person's own code reaches only theirs
    theirs = Client().get("/api/me", headers=code(other.access_code)).json()
    assert [r["reference"] for r in theirs["records"]] == [other.reference]


def test_copies_in_both_formats(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    client = Client()
    as_json = client.get("/api/me/copy?format=json", headers=code(receipt.access_code))
    assert as_json.status_code == 200
    assert as_json["Content-Disposition"].startswith("attachment;")
    assert as_json["Cache-Control"] == "no-store"
    data = json.loads(as_json.content)
    assert {f["field"] for f in data["records"][0]["fields"]} == SHOWN
    assert [c["purpose"] for c in data["consents"]] == ["service_updates"]
    as_csv = client.get("/api/me/copy?format=csv", headers=code(receipt.access_code))
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert {r["value"] for r in rows if r["field"] == "email"} == {DISTINCT["email"]}
    bad = client.get("/api/me/copy?format=xml", headers=code(receipt.access_code))
    assert bad.status_code == 422
    assert [a for a, _, _ in entries_of(city_vault, me.ref)].count("own.export") == 2


def test_asking_for_hidden_fields_and_listing_requests(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    client = Client()
    asked = client.post("/api/me/access-requests", headers=code(receipt.access_code))
    assert asked.status_code == 202
    assert (asked.json()["kind"], asked.json()["status"]) == ("access", "open")
    listed = client.get("/api/me/requests", headers=code(receipt.access_code))
    assert listed.status_code == 200
    assert [(r["kind"], r["status"]) for r in listed.json()] == [("access", "open")]
    assert entries_of(city_vault, me.ref)[-1][0] == "own.read"


def test_the_routes_are_documented_with_the_access_code_scheme(city_vault: Vault) -> None:
    schema = Client().get("/api/openapi.json").json()
    for path in ("/api/me", "/api/me/copy", "/api/me/corrections", "/api/me/access-requests"):
        assert path in schema["paths"], path
    operation = schema["paths"]["/api/me/corrections"]["post"]
    assert operation["security"] == [{"AccessCodeAuth": []}]
    assert {"200", "202", "400", "403", "404"} <= set(operation["responses"])
