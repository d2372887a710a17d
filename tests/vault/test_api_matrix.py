"""The API's authorization matrix: every staff role x every endpoint x every field.

The oracle is the plan itself: :func:`steward.policy.access.decide`, the reveal rules
(:func:`steward.vault.rules.reveal.decide_reveal`) and the role's scope. No response to
a caller who may not read (reveal, export) a field may contain that field's clear
value, and a reveal works exactly where the plan and scope allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from steward.policy import load_plan
from steward.policy.access import decide
from steward.policy.model import Action, FieldSpec, Masking, Role, Scope
from steward.vault.models import FieldValue, Record
from steward.vault.rules.reveal import decide_reveal
from steward.vault.runtime import Vault
from tests.vault.conftest import CITY
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

PLAN = load_plan(CITY).plan
DATASET = PLAN.dataset("service_request")
FIELDS = [spec.name for spec in DATASET.fields]
CSRF = "c" * 32
REASON = "matrix test of the API"


@dataclass(frozen=True)
class Caller:
    """Who calls: a token of a role (team north unless said), or a staff session."""

    label: str
    role: str
    team: str = "north"
    session: bool = False
    assigned: bool = False


CALLERS = [
    *(Caller(f"token-{r.id}", r.id) for r in PLAN.roles if r.staff),
    Caller("token-supervisor-south", "supervisor", team="south"),
    Caller("session-caseworker-assigned", "caseworker", session=True, assigned=True),
    Caller("session-caseworker-other", "caseworker", session=True),
    Caller("session-supervisor", "supervisor", session=True),
]


@dataclass
class Call:
    """A caller set up against the case: how to send requests, and the plan's answer."""

    caller: Caller
    client: Client
    headers: dict[str, str]
    role: Role
    user_id: int | None
    record: Record

    @property
    def in_scope(self) -> bool:
        scope = self.role.scope
        if scope is Scope.ALL:
            return True
        if scope is Scope.TEAM:
            return self.caller.team == self.record.team
        if scope is Scope.ASSIGNED:
            return self.user_id is not None and self.user_id == self.record.assigned_to_id
        return False

    def may(self, action: Action, spec: FieldSpec) -> bool:
        return decide(self.role, action, spec).allowed

    def fields(self, action: Action) -> set[str]:
        return {s.name for s in DATASET.collected_fields if self.may(action, s)}

    def shown_in_clear(self) -> set[str]:
        """Fields the caller reads without revealing: readable and never masked."""
        return {
            s.name
            for s in DATASET.collected_fields
            if self.may(Action.READ, s) and s.masking is Masking.NONE
        }


@pytest.fixture(params=CALLERS, ids=lambda c: c.label)
def call(request: pytest.FixtureRequest, city_vault: Vault) -> Call:
    caller: Caller = request.param
    record = make_case(city_vault, team="north")
    role = city_vault.plan.role(caller.role)
    if not caller.session:
        token = token_for(city_vault, caller.role, team=caller.team, name=caller.label)
        return Call(caller, Client(), bearer(token), role, None, record)
    user: User = staff_user(caller.label, caller.role, team=caller.team)
    if caller.assigned:
        record.assigned_to = user
        record.save()
    client = signed_in(user)
    client.cookies["csrftoken"] = CSRF
    return Call(caller, client, {"X-CSRFToken": CSRF}, role, user.id, record)


def _everything_but(allowed: set[str]) -> set[str]:
    return set(VALUES) - allowed


def test_datasets_list_fields_but_never_values(call: Call) -> None:
    response = call.client.get("/api/datasets", headers=call.headers)
    assert response.status_code == 200
    listed = {f["name"] for d in response.json() for f in d["fields"]}
    assert listed == call.fields(Action.READ)
    assert not leaked(response.content, set(VALUES))


def test_listing_shows_only_what_the_role_reads(call: Call) -> None:
    response = call.client.get("/api/datasets/service_request/records", headers=call.headers)
    readable = call.fields(Action.READ)
    if not readable:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        items = response.json()["items"]
        assert len(items) == (1 if call.in_scope else 0)
        for item in items:
            assert {f["name"] for f in item["fields"]} == readable
    assert leaked(response.content, set(VALUES)) <= call.shown_in_clear()


def test_one_record_shows_only_what_the_role_reads(call: Call) -> None:
    response = call.client.get(f"/api/records/{call.record.id}", headers=call.headers)
    readable = call.fields(Action.READ)
    if not call.in_scope:
        assert response.status_code == 404
    elif not readable:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        body = response.json()
        assert {f["name"] for f in body["fields"]} == readable
        for f in body["fields"]:
            assert f["can_reveal"] == call.may(Action.REVEAL, DATASET.field(f["name"]))
    assert leaked(response.content, set(VALUES)) <= call.shown_in_clear()


@pytest.mark.parametrize("field", FIELDS)
def test_reveal_works_exactly_where_the_plan_and_scope_allow(call: Call, field: str) -> None:
    """Every purpose of the field: allowed exactly where the reveal rules say (the case
    was sent with no opt-in, so consent-based purposes are refused)."""
    spec = DATASET.field(field)
    for purpose in spec.purposes or ["service_delivery"]:
        response = call.client.post(
            f"/api/records/{call.record.id}/reveal",
            {"field": field, "purpose": purpose, "reason": REASON},
            content_type="application/json",
            headers=call.headers,
        )
        verdict = decide_reveal(PLAN, call.role, spec, purpose, REASON, {}, today=date.today())
        if call.in_scope and verdict.allowed:
            assert response.status_code == 200, response.content
            assert response.json() == {"field": field, "value": VALUES[field]}
            assert response["Cache-Control"] == "no-store"
            assert leaked(response.content, set(VALUES)) == {field}
        else:
            assert response.status_code == (404 if not call.in_scope else 403), purpose
            assert not leaked(response.content, set(VALUES))


@pytest.mark.parametrize("field", FIELDS)
def test_updates_work_exactly_where_the_plan_and_scope_allow(call: Call, field: str) -> None:
    spec = DATASET.field(field)
    response = call.client.patch(
        f"/api/records/{call.record.id}",
        {"field": field, "value": VALUES.get(field, "Kestrel visa 7")},
        content_type="application/json",
        headers=call.headers,
    )
    allowed = call.in_scope and call.may(Action.WRITE, spec)
    assert response.status_code == (204 if allowed else 404 if not call.in_scope else 403)
    assert not leaked(response.content, set(VALUES))
    assert b"Kestrel" not in response.content
    assert not FieldValue.objects.filter(field="immigration_status").exists()


def test_records_leave_only_through_a_disclosure(call: Call) -> None:
    """The old clear export is gone; opening a disclosure needs a person of a role with
    an export grant, and a request (even allowed) gives out no value before approval."""
    gone = call.client.get("/api/datasets/service_request/export", headers=call.headers)
    assert gone.status_code == 404
    exportable = sorted(call.fields(Action.EXPORT) - {"immigration_status"})
    response = call.client.post(
        "/api/disclosures",
        {
            "dataset": "service_request",
            "ground": "court_order",
            "party": "Riverton Superior Court",
            "legal_reference": "CV-2026-1",
            "records": [str(call.record.id)],
            "fields": exportable or ["full_name"],
        },
        content_type="application/json",
        headers=call.headers,
    )
    if call.user_id is None:
        assert response.status_code == 403  # a service token is not a person
    elif not call.in_scope:
        assert response.status_code == 404
    elif not exportable:
        assert response.status_code == 403
    else:  # pragma: no cover - no caller of the matrix both exports and is a person
        assert response.status_code == 201
    assert not leaked(response.content, set(VALUES))


def test_audit_verification_is_only_for_audit_readers(call: Call) -> None:
    response = call.client.get("/api/audit/verify", headers=call.headers)
    assert response.status_code == (200 if call.role.reads_audit else 403)
    assert not leaked(response.content, set(VALUES))


def test_the_matrix_covers_every_staff_role_and_both_outcomes() -> None:
    staff = {r.id for r in PLAN.roles if r.staff}
    assert {c.role for c in CALLERS} == staff
    reveals = {
        (c.role, f)
        for c in CALLERS
        for f in FIELDS
        if decide(PLAN.role(c.role), Action.REVEAL, DATASET.field(f)).allowed
    }
    assert reveals
    assert len(reveals) < len(CALLERS) * len(FIELDS)
