"""Authorization matrix of the staff pages: every role of the city plan x every page x every field.

A record with distinctive values is stored; each persona (a role, and whether the record
is in their scope) requests every staff page. A clear value may appear in exactly one
kind of response: the reveal (POST) of that field, for a purpose the reveal rules allow
(:func:`steward.vault.rules.reveal.decide_reveal`), on a record in scope. Any other
response holding it is a leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from steward.vault.rules.reveal import decide_reveal
from steward.vault.runtime import Vault
from steward.vault.services.accounts import UnknownRole, create_account
from tests.vault.test_staff_support import DISTINCT, SECRETS, add_case, body, leaked, signed_in

DATASET = "service_request"


@dataclass(frozen=True)
class Persona:
    role: str
    team: str = ""
    assigned: bool = False
    in_scope: bool = True


PERSONAS = {
    "caseworker, assigned": Persona("caseworker", assigned=True),
    "caseworker, not assigned": Persona("caseworker", in_scope=False),
    "supervisor, same team": Persona("supervisor", team="north"),
    "supervisor, other team": Persona("supervisor", team="south", in_scope=False),
    "privacy officer": Persona("privacy_officer"),
    "analyst": Persona("analyst"),
    "council member": Persona("council_viewer"),
    "oversight board member": Persona("oversight_board"),
}


def test_the_table_covers_every_staff_role_of_the_plan(city_vault: Vault) -> None:
    staff_roles = {r.id for r in city_vault.plan.roles if r.staff}
    assert {p.role for p in PERSONAS.values()} == staff_roles
    for role in (r.id for r in city_vault.plan.roles if not r.staff):
        with pytest.raises(UnknownRole):
            create_account(city_vault, "someone.else", role)


REASON = "checking the authorization matrix"


def _may_see(vault: Vault, persona: Persona, field: str, purpose: str | None = None) -> bool:
    """Whether the persona may reveal ``field`` (for ``purpose``, or for any purpose).

    The case was sent without any opt-in, so consent-based purposes are refused.
    """
    spec = vault.plan.dataset(DATASET).field(field)
    role = vault.plan.role(persona.role)
    purposes = [purpose] if purpose else spec.purposes
    return persona.in_scope and any(
        decide_reveal(vault.plan, role, spec, p, REASON, {}, today=date.today()).allowed
        for p in purposes
    )


def _requests(
    record_id: str, fields: list[str], vault: Vault
) -> list[tuple[str, str, str, dict[str, str]]]:
    """(name, method, path, data) for every staff page and every field."""
    pages: list[tuple[str, str, str, dict[str, str]]] = [
        ("list", "get", f"/staff/?dataset={DATASET}", {}),
        ("record", "get", f"/staff/records/{record_id}/", {}),
        ("audit", "get", "/staff/audit/", {}),
        ("verify", "post", "/staff/audit/verify/", {}),
    ]
    for field in fields:
        purposes = vault.plan.dataset(DATASET).field(field).purposes
        path = f"/staff/records/{record_id}/reveal/{field}/"
        pages.append((f"reveal form {field}", "get", path, {}))
        for purpose in purposes:
            data = {"purpose": purpose, "reason": REASON}
            pages.append((f"reveal {field} for {purpose}", "post", path, data))
        pages.append((f"reveal {field} without reason", "post", path, {"purpose": purposes[0]}))
    return pages


@pytest.mark.parametrize("name", list(PERSONAS))
def test_no_response_to_an_unauthorized_role_holds_a_clear_value(
    city_vault: Vault, name: str
) -> None:
    persona = PERSONAS[name]
    client: Client
    client, user = signed_in(city_vault, "pat.matrix", persona.role, team=persona.team)
    other = User.objects.create_user("someone.else")
    record = add_case(city_vault, team="north", assigned_to=user if persona.assigned else other)
    fields = [f.name for f in city_vault.plan.dataset(DATASET).collected_fields]
    assert set(SECRETS) <= set(fields)
    revealed: set[str] = set()
    for label, method, path, data in _requests(str(record.id), fields, city_vault):
        response = getattr(client, method)(path, data)
        assert response.status_code < 500, (label, response.status_code)
        shown = leaked(body(response))
        words = label.split()
        field = words[1] if label.startswith("reveal ") and method == "post" else None
        purpose = words[3] if field and words[2] == "for" else None
        allowed = (
            {field}
            if field and purpose and _may_see(city_vault, persona, field, purpose)
            else set()
        )
        assert shown <= allowed, f"{name}: '{label}' leaked {sorted(shown - allowed)}"
        if allowed and field in SECRETS:
            assert shown == allowed, f"{name}: '{label}' should show the value"
            assert response["Cache-Control"] == "no-store"
        revealed |= shown
    expected = {f for f in SECRETS if _may_see(city_vault, persona, f)}
    assert revealed == expected
    assert DISTINCT["full_name"] not in "".join(e.purpose for e in city_vault.audit.entries())
