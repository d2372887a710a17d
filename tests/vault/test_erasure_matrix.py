"""Who may do what with erasures, on the pages and the API: a table of persona x action.

Each cell starts from a fresh case (and, for the steps on a request, a request filed by
the asking privacy officer), sends one request, and checks the status and whether the
person was erased. Only the second privacy officer's approval erases anyone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from steward.vault.models import ErasureRequest, Record, StaffMember, Subject
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.erasure import ErasureService
from tests.vault.test_api_support import bearer, token_for
from tests.vault.test_staff_support import acknowledge_plan, add_case

REASON = "a written request to be erased"


@dataclass(frozen=True)
class Persona:
    role: str
    team: str = ""
    token: bool = False


PERSONAS = {
    "caseworker": Persona("caseworker", "north"),
    "supervisor": Persona("supervisor", "north"),
    "analyst": Persona("analyst"),
    "asker": Persona("privacy_officer"),
    "other officer": Persona("privacy_officer"),
    "officer token": Persona("privacy_officer", token=True),
    "council member": Persona("council_viewer"),
    "oversight board member": Persona("oversight_board"),
}
ACTIONS = (
    "page list",
    "page form",
    "page ask",
    "page approve",
    "page refuse",
    "api list",
    "api ask",
    "api approve",
)
E = None  # not applicable (a token has no pages)
EXPECTED: dict[str, tuple[int | None, ...]] = {
    #               list form ask  approve refuse | api list ask approve
    "caseworker": (403, 404, 404, 403, 403, 403, 404, 403),
    "supervisor": (403, 403, 403, 403, 403, 403, 403, 403),
    "analyst": (403, 403, 403, 403, 403, 403, 403, 403),
    "council member": (403, 403, 403, 403, 403, 403, 403, 403),
    "oversight board member": (403, 403, 403, 403, 403, 403, 403, 403),
    "asker": (200, 200, 302, 403, 403, 200, 201, 403),
    "other officer": (200, 200, 302, 302, 302, 200, 201, 200),
    "officer token": (E, E, E, E, E, 403, 403, 403),
}
ERASES = {("other officer", "page approve"), ("other officer", "api approve")}


def _user(username: str, persona: Persona) -> User:
    user = User.objects.create_user(username, password="correct horse battery staple 9")
    StaffMember.objects.create(
        user=user, role=persona.role, team=persona.team, must_change_password=False
    )
    acknowledge_plan(user, persona.role)
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _asker(vault: Vault) -> Actor:
    user = User.objects.get(username="asking.officer")
    return Actor(
        ref=f"staff/{user.id}",
        role=vault.plan.role("privacy_officer"),
        user_id=user.id,
        mfa_verified=True,
    )


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
def test_erasure_matrix(city_vault: Vault, who: str, action: str, status: int) -> None:
    asker_user = _user("asking.officer", PERSONAS["asker"])
    persona = PERSONAS[who]
    case = add_case(city_vault, team="north")
    asked = None
    if action.endswith(("approve", "refuse")):
        asked = ErasureService(city_vault).request(_asker(city_vault), case.id, REASON)
    if persona.token:
        client, headers = Client(), bearer(token_for(city_vault, persona.role, team=""))
    else:
        user = asker_user if who == "asker" else _user("sam.person", persona)
        client, headers = _client(user), {}
    body = json.dumps({"reason": REASON})
    kind = "application/json"
    if action == "page list":
        response = client.get("/staff/erasure/")
    elif action == "page form":
        response = client.get(f"/staff/records/{case.id}/erase/")
    elif action == "page ask":
        response = client.post(f"/staff/records/{case.id}/erase/", {"reason": REASON})
    elif action in ("page approve", "page refuse"):
        step = action.split()[1]
        assert asked is not None
        response = client.post(f"/staff/erasure/{asked.id}/{step}/")
    elif action == "api list":
        response = client.get("/api/erasure", headers=headers)
    elif action == "api ask":
        url = f"/api/records/{case.id}/erasure"
        response = client.post(url, body, content_type=kind, headers=headers)
    else:
        assert asked is not None
        response = client.post(f"/api/erasure/{asked.id}/approve", headers=headers)
    assert response.status_code == status, response.content[:300]
    erased = Subject.objects.get(pk=case.subject_id).erased is not None
    assert erased is ((who, action) in ERASES)
    assert Record.objects.filter(pk=case.pk).exists()
    if status in (302, 201) and action.endswith("ask"):
        assert ErasureRequest.objects.get(subject_id=case.subject_id).state == "requested"


def test_an_erased_person_is_answered_410_and_the_case_page_says_so(city_vault: Vault) -> None:
    _user("asking.officer", PERSONAS["asker"])
    case = add_case(city_vault, team="north")
    service = ErasureService(city_vault)
    other = _client(_user("sam.person", PERSONAS["other officer"]))
    asked = service.request(_asker(city_vault), case.id, REASON)
    page = other.get(f"/staff/records/{case.id}/")
    assert b"waits for approval" in page.content
    assert other.post(f"/staff/erasure/{asked.id}/approve/").status_code == 302
    page = other.get(f"/staff/records/{case.id}/")
    assert page.status_code == 200
    assert b"<strong>Erased</strong>" in page.content
    assert b"Erase this person" not in page.content
    assert other.get(f"/staff/records/{case.id}/erase/").status_code == 410
    response = other.post(
        f"/api/records/{case.id}/erasure", json.dumps({"reason": REASON}), "application/json"
    )
    assert response.status_code == 410
    assert other.post("/staff/erasure/99999/approve/").status_code == 404
    assert other.post(f"/staff/erasure/{asked.id}/destroy/").status_code == 404
