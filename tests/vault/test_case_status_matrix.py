"""Closing and reopening cases, as a role x action table over the staff pages and the API.

Every staff role of the city plan tries each action on a north-team case: those whose
role may change the dataset close and reopen the cases in their scope, with a reason;
others are refused (403, audited) or do not see the case at all (404).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from steward.audit import Outcome
from steward.clock import ManualClock, use_clock
from steward.vault.models import Record
from steward.vault.runtime import Vault
from tests.vault.test_api_support import bearer, make_case, token_for
from tests.vault.test_assignment_matrix import PEOPLE, Who, member, session

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
REASON = "the resident confirmed the repair"

ACTIONS = {
    # action: (case closed days before now, or None if open; the path; the reason)
    "close": (None, "close", REASON),
    "reopen": (3, "reopen", REASON),
    "reopen after the window": (31, "reopen", REASON),
    "close without a reason": (None, "close", " "),
    "close a closed case": (3, "close", REASON),
}

# who: outcome per action: "ok", "refused" (403, audited), "unseen" (404), "conflict" (409)
TABLE = {
    "caseworker": dict.fromkeys(ACTIONS, "unseen"),  # scope assigned: not theirs
    "supervisor": {
        "close": "ok",
        "reopen": "ok",
        "reopen after the window": "refused",
        "close without a reason": "refused",
        "close a closed case": "conflict",
    },
    "other supervisor": dict.fromkeys(ACTIONS, "unseen"),
    "privacy officer": dict.fromkeys(ACTIONS, "refused"),  # reads all, changes nothing
    "analyst": dict.fromkeys(ACTIONS, "refused"),
    "council member": dict.fromkeys(ACTIONS, "refused"),
    "oversight board member": dict.fromkeys(ACTIONS, "refused"),
}
STATUS = {
    "api": {"ok": 200, "refused": 403, "unseen": 404, "conflict": 409},
    "page": {"ok": 302, "refused": 403, "unseen": 404, "conflict": 409},
}


def _caller(vault: Vault, who: Who, channel: str) -> tuple[Client, dict[str, str]]:
    if channel == "api":
        return Client(), bearer(token_for(vault, who.role, team=who.team))
    return session(member(f"{who.role}.{who.team or 'all'}", who.role, who.team)), {}


def _post(
    client: Client, headers: dict[str, str], channel: str, record: Record, path: str, reason: str
):
    if channel == "api":
        return client.post(
            f"/api/records/{record.id}/{path}",
            json.dumps({"reason": reason}),
            content_type="application/json",
            headers=headers,
        )
    return client.post(f"/staff/records/{record.id}/{path}/", {"reason": reason})


def test_the_table_covers_every_staff_role_of_the_plan(city_vault: Vault) -> None:
    assert {w.role for w in PEOPLE.values()} == {r.id for r in city_vault.plan.roles if r.staff}


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("name", list(PEOPLE))
def test_closing_and_reopening(city_vault: Vault, name: str, action: str, channel: str) -> None:
    now = T0 + timedelta(days=40)
    closed_days, path, reason = ACTIONS[action]
    record = make_case(city_vault, team="north")
    if closed_days is not None:
        Record.objects.filter(pk=record.pk).update(
            status=Record.Status.CLOSED, closed=now - timedelta(days=closed_days)
        )
    before = Record.objects.values("status", "closed").get(pk=record.pk)
    expected = TABLE[name][action]
    caller, headers = _caller(city_vault, PEOPLE[name], channel)
    entries = len(list(city_vault.audit.entries()))

    with use_clock(ManualClock(now)):
        response = _post(caller, headers, channel, record, path, reason)

    assert response.status_code == STATUS[channel][expected], response.content
    after = Record.objects.values("status", "closed").get(pk=record.pk)
    new = [(e.action, e.outcome) for e in list(city_vault.audit.entries())[entries:]]
    verb = f"record.{path}"
    if expected == "ok":
        wanted = ("closed", now) if path == "close" else ("open", None)
        assert (after["status"], after["closed"]) == wanted
        assert (verb, Outcome.ALLOWED) in new
        if channel == "api":
            assert response.json()["status"] == wanted[0]
        else:
            assert response["Location"] == f"/staff/records/{record.id}/"
        return
    assert after == before
    if expected == "unseen":
        assert verb not in {a for a, _ in new}
    else:
        assert (verb, Outcome.DENIED) in new
    if channel == "api":
        assert REASON not in response.json()["detail"]


def test_the_assigned_caseworker_closes_from_the_record_page(city_vault: Vault) -> None:
    user: User = member("sam.rivera", "caseworker", "north")
    record = make_case(city_vault, team="north", assigned=user)
    client = session(user)

    page = client.get(f"/staff/records/{record.id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="/staff/records/{record.id}/close/"' in html
    assert 'name="reason"' in html

    response = client.post(f"/staff/records/{record.id}/close/", {"reason": REASON}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is closed" in html
    assert f'action="/staff/records/{record.id}/reopen/"' in html
    assert "reopened until" in html  # the city plan's 30-day window is shown


def test_a_refused_reason_shows_the_record_page_again(city_vault: Vault) -> None:
    user = member("lee.park", "supervisor", "north")
    record = make_case(city_vault, team="north")
    response = session(user).post(f"/staff/records/{record.id}/close/", {"reason": "ok"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not closed: state the reason" in html
    assert f'action="/staff/records/{record.id}/close/"' in html


def test_roles_that_may_not_change_the_case_see_no_buttons(city_vault: Vault) -> None:
    user = member("pat.officer", "privacy_officer", "")
    record = make_case(city_vault, team="north")
    html = session(user).get(f"/staff/records/{record.id}/").content.decode()
    assert "/close/" not in html
    assert "Open" in html


def test_the_pages_refuse_get(city_vault: Vault) -> None:
    user = member("lee.park", "supervisor", "north")
    record = make_case(city_vault, team="north")
    assert session(user).get(f"/staff/records/{record.id}/close/").status_code == 405


@pytest.mark.parametrize(
    ("body", "problem"),
    [({}, "reason"), ({"reason": "x" * 2001}, "reason"), ({"reason": 5}, "reason")],
)
def test_the_api_refuses_malformed_bodies(city_vault: Vault, body: object, problem: str) -> None:
    record = make_case(city_vault, team="north")
    response = Client().post(
        f"/api/records/{record.id}/close",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(token_for(city_vault, "supervisor")),
    )
    assert response.status_code == 422
    assert problem in response.json()["problems"]
