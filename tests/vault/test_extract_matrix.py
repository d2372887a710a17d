"""Who may list and download extracts, on the staff pages and the API: a table of every
staff role of the city plan (and a service token) x action, over a released extract
made for the analyst role. Only the analyst gets rows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client

from steward.vault.models_egress import Extract
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.extracts import make_extract
from tests.vault.extract_support import bulk_records, city_rows
from tests.vault.own_choices_support import audit_entries
from tests.vault.test_api_support import bearer, signed_in, staff_user, token_for


@dataclass(frozen=True)
class Persona:
    role: str
    team: str = ""
    token: bool = False


PERSONAS = {
    "caseworker": Persona("caseworker", "north"),
    "supervisor": Persona("supervisor", "north"),
    "analyst": Persona("analyst"),
    "officer": Persona("privacy_officer"),
    "officer token": Persona("privacy_officer", token=True),
    "council member": Persona("council_viewer"),
    "oversight board member": Persona("oversight_board"),
}
ACTIONS = ("page list", "page download", "api list", "api download")
E = None  # a token has no pages
EXPECTED: dict[str, tuple[int | None, ...]] = {
    "caseworker": (403, 404, 403, 404),
    "supervisor": (403, 404, 403, 404),
    "analyst": (200, 200, 200, 200),
    "officer": (200, 404, 200, 404),
    "officer token": (E, E, 403, 404),
    "council member": (403, 404, 403, 404),
    "oversight board member": (403, 404, 403, 404),
}


def _user(username: str, persona: Persona) -> User:
    return staff_user(username, persona.role, persona.team)


def _client(user: User) -> Client:
    return signed_in(user)


def _extract(vault: Vault) -> Extract:
    bulk_records(vault, "service_request", city_rows(200))
    maker = _user("making.officer", PERSONAS["officer"])
    actor = Actor(
        ref=f"staff/{maker.id}",
        role=vault.plan.role("privacy_officer"),
        user_id=maker.id,
        mfa_verified=True,
    )
    made = make_extract(vault, actor, dataset="service_request", recipient=None, role="analyst")
    assert made.state == Extract.State.RELEASED, made.withheld
    return made


def test_the_table_covers_every_staff_role(city_vault: Vault) -> None:
    staff = {r.id for r in city_vault.plan.roles if r.staff}
    assert {p.role for p in PERSONAS.values()} == staff
    assert all(len(row) == len(ACTIONS) for row in EXPECTED.values())


CELLS = [
    (who, action, row[index])
    for who, row in EXPECTED.items()
    for index, action in enumerate(ACTIONS)
    if row[index] is not None
]


@pytest.mark.parametrize(("who", "action", "status"), CELLS, ids=[f"{c[0]}: {c[1]}" for c in CELLS])
def test_extract_matrix(city_vault: Vault, who: str, action: str, status: int) -> None:
    extract = _extract(city_vault)
    persona = PERSONAS[who]
    if persona.token:
        client, headers = Client(), bearer(token_for(city_vault, persona.role, team=""))
    else:
        client, headers = _client(_user("sam.person", persona)), {}
    urls = {
        "page list": "/staff/extracts/",
        "page download": f"/staff/extracts/{extract.id}/download/",
        "api list": "/api/extracts",
        "api download": f"/api/extracts/{extract.id}",
    }
    response = client.get(urls[action], headers=headers)
    assert response.status_code == status, response.content[:300]
    rows_given = status == 200 and action.endswith("download")
    if rows_given:
        assert response.content.startswith(b"district,request_type")
        assert response["Cache-Control"] == "no-store"
        assert [e["outcome"] for e in audit_entries("extract.download")] == ["allowed"]
    else:
        assert b"district,request_type\n" not in response.content


def test_every_download_is_audited_and_the_page_lists_the_extract(city_vault: Vault) -> None:
    extract = _extract(city_vault)
    client = _client(_user("ana.lyst", PERSONAS["analyst"]))
    page = client.get("/staff/extracts/")
    assert str(extract.id).encode() in page.content
    assert b"Download CSV" in page.content
    for _ in range(2):
        assert client.get(f"/api/extracts/{extract.id}").status_code == 200
    assert [e["outcome"] for e in audit_entries("extract.download")] == ["allowed", "allowed"]
    listed = client.get("/api/extracts").json()
    assert [x["id"] for x in listed] == [str(extract.id)]
    assert "sealed" not in listed[0]["manifest"]
    assert client.get("/api/extracts/not-a-uuid").status_code == 422
