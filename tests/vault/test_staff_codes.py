"""The staff page and API of new access codes, as a table of role x action over the city
plan; and the page showing the new code once and the bursts of wrong codes."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from steward.vault.models import AccessCode, RightsRequest, Subject
from steward.vault.runtime import Vault
from steward.vault.services.code_sign_in import CodeRefused, CodeThrottled, sign_in
from tests.vault.test_api_support import bearer, token_for
from tests.vault.test_code_sign_in import HOME, WRONG, new_code
from tests.vault.test_erasure_matrix import PERSONAS, _client, _user
from tests.vault.test_staff_support import DISTINCT, body

REASON = "lost the receipt; identity checked at the front desk"
ACTIONS = ("page", "page issue", "api issue")
E = None  # a token has no pages
EXPECTED: dict[str, tuple[int | None, ...]] = {
    "caseworker": (403, 403, 403),
    "supervisor": (403, 403, 403),
    "analyst": (403, 403, 403),
    "council member": (403, 403, 403),
    "oversight board member": (403, 403, 403),
    "asker": (200, 200, 201),  # a privacy officer
    "officer token": (E, E, 403),
}
ISSUES = {("asker", "page issue"), ("asker", "api issue")}
CELLS = [
    (who, action, row[index])
    for who, row in EXPECTED.items()
    for index, action in enumerate(ACTIONS)
    if row[index] is not None
]


def test_the_table_covers_every_staff_role(city_vault: Vault) -> None:
    staff = {r.id for r in city_vault.plan.roles if r.staff}
    assert {PERSONAS[who].role for who in EXPECTED} == staff


@pytest.mark.parametrize(("who", "action", "status"), CELLS, ids=[f"{c[0]}: {c[1]}" for c in CELLS])
def test_codes_matrix(city_vault: Vault, who: str, action: str, status: int) -> None:
    record, old = new_code(city_vault)
    persona = PERSONAS[who]
    if persona.token:
        client, headers = Client(), bearer(token_for(city_vault, persona.role, team=""))
    else:
        client, headers = _client(_user("sam.person", persona)), {}
    form = {"reference": record, "reason": REASON, "identity_checked": "yes"}
    if action == "page":
        response = client.get("/staff/rights/codes/")
    elif action == "page issue":
        response = client.post("/staff/rights/codes/reissue/", form)
    else:
        payload = json.dumps({"record": record, "reason": REASON, "identity_checked": True})
        response = client.post(
            "/api/rights/codes", payload, content_type="application/json", headers=headers
        )
    assert response.status_code == status, response.content[:300]
    issued = (who, action) in ISSUES
    assert RightsRequest.objects.filter(kind="code_reissue").exists() is issued
    if issued:
        new = (
            response.json()["access_code"]
            if action == "api issue"
            else body(response).split('<code class="access-code">')[1].split("<")[0]
        )
        assert sign_in(city_vault, new, HOME).subject_id
        with pytest.raises(CodeRefused):
            sign_in(city_vault, old, HOME)
    else:
        assert sign_in(city_vault, old, HOME).subject_id
    if status == 403:
        last = list(city_vault.audit.entries())[-1]
        assert last.action in {"code.reissue", "person.sign_in"}


def test_the_page_asks_for_a_checked_identity_and_a_real_reason(city_vault: Vault) -> None:
    record, _ = new_code(city_vault)
    client = _client(_user("ana.officer", PERSONAS["asker"]))
    url = "/staff/rights/codes/reissue/"
    unchecked = client.post(url, {"reference": record, "reason": REASON})
    assert unchecked.status_code == 400
    assert "checked who the person is" in body(unchecked)
    vague = client.post(url, {"reference": record, "reason": "x", "identity_checked": "yes"})
    assert vague.status_code == 400
    naming = client.post(
        url,
        {"reference": record, "reason": f"called {DISTINCT['phone']}", "identity_checked": "yes"},
    )
    assert naming.status_code == 400
    assert DISTINCT["phone"] not in body(naming).split("Not issued")[1].split("</p>")[0]
    missing = client.post(url, {"reference": "nope", "reason": REASON, "identity_checked": "yes"})
    assert missing.status_code == 404
    Subject.objects.filter(records__pk=record).update(erased="2026-01-01T00:00:00Z")
    erased = client.post(url, {"reference": record, "reason": REASON, "identity_checked": "yes"})
    assert erased.status_code == 410
    api = client.post(
        "/api/rights/codes",
        json.dumps({"record": record, "reason": REASON, "identity_checked": False}),
        content_type="application/json",
    )
    assert api.status_code == 400
    assert AccessCode.objects.count() == 1
    assert client.get(url).status_code == 405


def test_the_page_shows_the_code_once_and_the_bursts(city_vault: Vault) -> None:
    record, _ = new_code(city_vault)
    for _ in range(10):
        with pytest.raises((CodeRefused, CodeThrottled)):
            sign_in(city_vault, WRONG, HOME)
    client = _client(_user("ana.officer", PERSONAS["asker"]))
    page = body(client.get("/staff/rights/codes/"))
    assert page.count("one code</td><td>10</td>") == 1
    assert page.count("one address</td><td>10</td>") == 1
    form = {"reference": record, "reason": REASON, "identity_checked": "yes"}
    issued = client.post("/staff/rights/codes/reissue/", form)
    assert issued["Cache-Control"] == "no-store"
    assert body(issued).count('class="access-code"') == 1
    assert 'class="access-code"' not in body(client.get("/staff/rights/codes/"))
