"""The unassigned queue and assigning cases, as a role x action table over the staff
pages and the API; and what routing and assigning change for the people who read cases.

Every new record reaches its district's team by the plan's routing rule; supervisors
(and the privacy officer) assign it from the queue; the caseworker then sees it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from steward.audit import Outcome
from steward.vault.models import Record, StaffMember
from steward.vault.runtime import Vault
from tests.vault.test_api_support import VALUES, bearer, leaked, token_for
from tests.vault.test_staff_support import acknowledge_plan

QUEUE_API = "/api/datasets/service_request/queue"


def member(username: str, role: str, team: str) -> User:
    """A ready staff account (no password: the tests sign in with force_login)."""
    user = User.objects.create(username=username, first_name=username.split(".")[0].title())
    StaffMember.objects.create(user=user, role=role, team=team, must_change_password=False)
    acknowledge_plan(user, role)
    return user


def session(user: User) -> Client:
    """A client signed in as ``user``, past the second factor."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    stored = client.session
    stored[DEVICE_ID_SESSION_KEY] = device.persistent_id
    stored.save()
    return client


def intake(client: Client, district: str = "North") -> Record:
    """A new request sent through the public API, as a resident would."""
    answers = {**VALUES, "district": district}
    response = client.post(
        "/api/intake/service_request",
        json.dumps({"answers": answers}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return Record.objects.get(pk=response.json()["reference"])


@dataclass(frozen=True)
class Who:
    role: str
    team: str


PEOPLE = {
    "caseworker": Who("caseworker", "north"),
    "supervisor": Who("supervisor", "north"),
    "other supervisor": Who("supervisor", "south"),
    "privacy officer": Who("privacy_officer", ""),
    "analyst": Who("analyst", ""),
    "council member": Who("council_viewer", ""),
    "oversight board member": Who("oversight_board", ""),
}

ACTIONS = {
    "assign in team": {"assignee": "sam.rivera"},
    "hand to another team": {"team": "south"},
    "move and assign": {"team": "south", "assignee": "sid.okoro"},
    "back to the queue": {},
}

# who: (sees the new record in the queue, may assign, outcome per action)
# outcomes: "ok", "refused" (403, audited) or "unseen" (404, like a missing record)
TABLE = {
    "caseworker": (False, False, dict.fromkeys(ACTIONS, "unseen")),
    "supervisor": (
        True,
        True,
        {
            "assign in team": "ok",
            "hand to another team": "ok",
            "move and assign": "refused",
            "back to the queue": "ok",
        },
    ),
    "other supervisor": (False, False, dict.fromkeys(ACTIONS, "unseen")),
    "privacy officer": (True, True, dict.fromkeys(ACTIONS, "ok")),
    "analyst": (True, False, dict.fromkeys(ACTIONS, "refused")),
    "council member": (False, False, dict.fromkeys(ACTIONS, "refused")),
    "oversight board member": (False, False, dict.fromkeys(ACTIONS, "refused")),
}
READS_NOTHING = {"council member", "oversight board member"}
"""Roles that read no record: the API's queue and the record page refuse them (403)."""
STATUS = {
    "api": {"ok": 200, "refused": 403, "unseen": 404},
    "page": {"ok": 302, "refused": 403, "unseen": 404},
}


@pytest.fixture
def staff(city_vault: Vault) -> dict[str, User]:
    return {
        "sam.rivera": member("sam.rivera", "caseworker", "north"),
        "sid.okoro": member("sid.okoro", "caseworker", "south"),
    }


def _caller(vault: Vault, who: Who, channel: str) -> tuple[Client, dict[str, str]]:
    if channel == "api":
        return Client(), bearer(token_for(vault, who.role, team=who.team))
    return session(member(f"{who.role}.{who.team or 'all'}", who.role, who.team)), {}


def _assign(
    client: Client, headers: dict[str, str], channel: str, record: Record, body: dict[str, str]
):
    if channel == "api":
        return client.post(
            f"/api/records/{record.id}/assignment",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
    form = {"team": body.get("team", ""), "assignee": body.get("assignee", "")}
    return client.post(f"/staff/records/{record.id}/assign/", {**form, "dataset": "x"})


def test_the_table_covers_every_staff_role_of_the_plan(city_vault: Vault) -> None:
    assert {w.role for w in PEOPLE.values()} == {r.id for r in city_vault.plan.roles if r.staff}


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("name", list(PEOPLE))
def test_the_queue(
    city_vault: Vault, staff: dict[str, User], client: Client, name: str, channel: str
) -> None:
    record = intake(client)
    assert record.team == "north"
    sees, assigns, _ = TABLE[name]
    caller, headers = _caller(city_vault, PEOPLE[name], channel)
    if channel == "api":
        response = caller.get(QUEUE_API, headers=headers)
        assert response.status_code == (403 if name in READS_NOTHING else 200)
        if name in READS_NOTHING:
            return
        ids = {item["id"] for item in response.json()["items"]}
        assert (str(record.id) in ids) is sees
        assert not leaked(response.content, set(VALUES) - {"district", "request_type"})
        return
    response = caller.get("/staff/queue/?dataset=service_request")
    assert response.status_code == 200
    html = response.content.decode()
    assert (str(record.id) in html) is sees
    assert (f"/staff/records/{record.id}/assign/" in html) is (sees and assigns)
    assert not leaked(response.content, set(VALUES) - {"district", "request_type"})


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("name", list(PEOPLE))
def test_assigning(
    city_vault: Vault,
    staff: dict[str, User],
    client: Client,
    name: str,
    action: str,
    channel: str,
) -> None:
    record = intake(client)
    if action == "back to the queue":
        record.assigned_to = staff["sam.rivera"]
        record.save()
    expected = TABLE[name][2][action]
    caller, headers = _caller(city_vault, PEOPLE[name], channel)
    entries = len(list(city_vault.audit.entries()))

    response = _assign(caller, headers, channel, record, ACTIONS[action])

    assert response.status_code == STATUS[channel][expected], response.content
    record.refresh_from_db()
    body = ACTIONS[action]
    if expected == "ok":
        wanted = staff[body["assignee"]].id if "assignee" in body else None
        assert (record.team, record.assigned_to_id) == (body.get("team", "north"), wanted)
        (entry,) = list(city_vault.audit.entries())[entries:]
        assert (entry.action, entry.outcome) == ("record.assign", Outcome.ALLOWED)
        assert entry.purpose.startswith(f"team {record.team}; ")
        hasher = city_vault.audit.hasher
        assert hasher is not None
        if wanted is not None:
            assert entry.purpose.endswith(hasher.actor(f"staff/{wanted}"))
        if channel == "api":
            assert response.json()["team"] == record.team
            assert response.json()["assignee"] == body.get("assignee")
        return
    before = staff["sam.rivera"].id if action == "back to the queue" else None
    assert (record.team, record.assigned_to_id) == ("north", before)
    new = list(city_vault.audit.entries())[entries:]
    if expected == "refused":
        assert [(e.action, e.outcome) for e in new][-1:] == [("record.assign", Outcome.DENIED)]
    else:
        assert [e.action for e in new if e.action == "record.assign"] == []


def test_a_case_assigned_on_the_page_is_then_seen_by_the_caseworker(
    city_vault: Vault, staff: dict[str, User], client: Client
) -> None:
    record = intake(client)
    worker = session(staff["sam.rivera"])
    assert worker.get(f"/staff/records/{record.id}/").status_code == 404
    assert worker.get(f"/api/records/{record.id}").status_code == 404

    supervisor = session(member("lee.chen", "supervisor", "north"))
    form = supervisor.get(f"/staff/records/{record.id}/assign/")
    assert form.status_code == 200
    assert b"sam.rivera" in form.content
    assert b"sid.okoro" not in form.content  # another team's caseworker is not offered
    done = supervisor.post(
        f"/staff/records/{record.id}/assign/",
        {"team": "north", "assignee": "sam.rivera", "dataset": "service_request"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/staff/queue/?dataset=service_request"
    after = supervisor.get(done["Location"])
    assert b"is now in team north, assigned to sam.rivera" in after.content
    assert str(record.id).encode() not in after.content  # no longer in the queue

    page = worker.get(f"/staff/records/{record.id}/")
    assert page.status_code == 200
    assert worker.get(f"/api/records/{record.id}").json()["assigned_to"] == staff["sam.rivera"].id
    listed = worker.get("/api/datasets/service_request/records").json()["items"]
    assert [item["id"] for item in listed] == [str(record.id)]


def test_assignment_options_through_the_api(
    city_vault: Vault, staff: dict[str, User], client: Client
) -> None:
    record = intake(client)
    supervisor = bearer(token_for(city_vault, "supervisor", team="north"))
    options = client.get(f"/api/records/{record.id}/assignment", headers=supervisor).json()
    assert options["team"] == "north"
    assert options["teams"][0] == {"id": "north", "label": "North district team"}
    assert {t["id"] for t in options["teams"]} == {"north", "south", "east", "west", "central"}
    assert [p["username"] for p in options["people"]] == ["sam.rivera"]
    officer = bearer(token_for(city_vault, "privacy_officer", team=""))
    everyone = client.get(f"/api/records/{record.id}/assignment", headers=officer).json()
    assert {p["username"] for p in everyone["people"]} == {"sam.rivera", "sid.okoro"}
    analyst = bearer(token_for(city_vault, "analyst", team=""))
    refused = client.get(f"/api/records/{record.id}/assignment", headers=analyst)
    assert refused.status_code == 403


def test_an_unknown_assignee_is_refused_and_audited(
    city_vault: Vault, staff: dict[str, User], client: Client
) -> None:
    record = intake(client)
    supervisor = bearer(token_for(city_vault, "supervisor", team="north"))
    response = client.post(
        f"/api/records/{record.id}/assignment",
        json.dumps({"assignee": "nobody.here"}),
        content_type="application/json",
        headers=supervisor,
    )
    assert response.status_code == 403
    assert "nobody.here" not in response.content.decode()
    last = list(city_vault.audit.entries())[-1]
    assert (last.action, last.outcome) == ("record.assign", Outcome.DENIED)


def test_who_may_not_assign_learns_nothing_about_user_names(
    city_vault: Vault, staff: dict[str, User], client: Client
) -> None:
    record = intake(client)
    analyst = bearer(token_for(city_vault, "analyst", team=""))
    answers = {
        name: client.post(
            f"/api/records/{record.id}/assignment",
            json.dumps({"assignee": name}),
            content_type="application/json",
            headers=analyst,
        ).json()
        for name in ("sam.rivera", "nobody.here")
    }
    assert answers["sam.rivera"] == answers["nobody.here"]
    assert "does not let the role 'analyst' assign" in answers["nobody.here"]["detail"]


@pytest.mark.parametrize("name", list(PEOPLE))
def test_the_record_page_offers_assigning_only_to_those_who_may(
    city_vault: Vault, staff: dict[str, User], client: Client, name: str
) -> None:
    record = intake(client)
    Record.objects.filter(pk=record.pk).update(assigned_to=staff["sam.rivera"])
    who = PEOPLE[name]
    response = session(member(f"{who.role}.{who.team or 'all'}", who.role, who.team)).get(
        f"/staff/records/{record.id}/"
    )
    sees, may, _ = TABLE[name]  # the case is sam.rivera's, not this caseworker account's
    if name in READS_NOTHING:
        assert response.status_code == 403
        return
    if not sees:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    link = f'href="/staff/records/{record.id}/assign/"'
    assert (link in response.content.decode()) is may
