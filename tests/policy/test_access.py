"""Access decisions for every role, action and field of the city example plan.

The expected table is written out by hand from the plan's grants, so a change to
either the plan or :func:`steward.policy.access.decide` shows up here as a diff.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from steward.policy import load_plan
from steward.policy.access import can_see, covers, decide, shown_masked
from steward.policy.model import Action, FieldSpec, Plan, Role

EXAMPLE = Path(__file__).parents[2] / "examples" / "city-constituent-services.yaml"
TODAY = date(2026, 1, 15)
"""Before the analyst role's expiry (2027-06-30)."""

R, V, W, E = Action.READ, Action.REVEAL, Action.WRITE, Action.EXPORT
NOTHING: frozenset[Action] = frozenset()

# (role, field) -> the actions allowed. Every pair of the plan is listed.
EXPECTED: dict[tuple[str, str], frozenset[Action]] = {
    # caseworker: read service_delivery + follow_up; reveal contact, location;
    # write follow_up + location + operational (not the problem text it cannot see)
    ("caseworker", "full_name"): frozenset({R, V, W}),
    ("caseworker", "email"): frozenset({R, V, W}),
    ("caseworker", "phone"): frozenset({R, V, W}),
    ("caseworker", "street_address"): frozenset({R, V, W}),
    ("caseworker", "district"): frozenset({R, V, W}),  # unmasked: read is enough to see it
    ("caseworker", "request_type"): frozenset({R, V, W}),
    ("caseworker", "age_band"): NOTHING,  # planning_statistics only
    ("caseworker", "details"): frozenset({R}),  # cannot see it, so may not overwrite it
    ("caseworker", "immigration_status"): NOTHING,
    # supervisor: read sd, fu, ps; reveal contact, location, free_text; write sd
    ("supervisor", "full_name"): frozenset({R, V, W}),
    ("supervisor", "email"): frozenset({R, V}),
    ("supervisor", "phone"): frozenset({R, V}),
    ("supervisor", "street_address"): frozenset({R, V, W}),
    ("supervisor", "district"): frozenset({R, V, W}),
    ("supervisor", "request_type"): frozenset({R, V, W}),
    ("supervisor", "age_band"): frozenset({R}),  # demographic stays masked
    ("supervisor", "details"): frozenset({R, V, W}),
    ("supervisor", "immigration_status"): NOTHING,
    # privacy officer: read everything; reveal contact, location, free_text, demographic;
    # export sd, fu, su; writes nothing
    ("privacy_officer", "full_name"): frozenset({R, V, E}),
    ("privacy_officer", "email"): frozenset({R, V, E}),
    ("privacy_officer", "phone"): frozenset({R, V, E}),
    ("privacy_officer", "street_address"): frozenset({R, V, E}),
    ("privacy_officer", "district"): frozenset({R, V, E}),
    ("privacy_officer", "request_type"): frozenset({R, V, E}),
    ("privacy_officer", "age_band"): frozenset({R, V}),  # planning_statistics not exported
    ("privacy_officer", "details"): frozenset({R, V, E}),
    ("privacy_officer", "immigration_status"): NOTHING,
    # analyst (temporary): read planning_statistics only
    ("analyst", "full_name"): NOTHING,
    ("analyst", "email"): NOTHING,
    ("analyst", "phone"): NOTHING,
    ("analyst", "street_address"): NOTHING,
    ("analyst", "district"): frozenset({R, V}),
    ("analyst", "request_type"): frozenset({R, V}),
    ("analyst", "age_band"): frozenset({R}),
    ("analyst", "details"): NOTHING,
    ("analyst", "immigration_status"): NOTHING,
    # resident (self-service, own records): read sd, fu, su; reveal contact; write fu, su
    ("resident", "full_name"): frozenset({R, V, W}),
    ("resident", "email"): frozenset({R, V, W}),
    ("resident", "phone"): frozenset({R, V, W}),
    ("resident", "street_address"): frozenset({R}),
    ("resident", "district"): frozenset({R, V}),
    ("resident", "request_type"): frozenset({R, V}),
    ("resident", "age_band"): NOTHING,
    ("resident", "details"): frozenset({R}),
    ("resident", "immigration_status"): NOTHING,
    # council_viewer (acts for the council) and oversight_board (reads registers and
    # reports): no record's field
    **{
        (role, field): NOTHING
        for role in ("council_viewer", "oversight_board")
        for field in (
            "full_name",
            "email",
            "phone",
            "street_address",
            "district",
            "request_type",
            "age_band",
            "details",
            "immigration_status",
        )
    },
}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(EXAMPLE).plan


def _field(plan: Plan, name: str) -> FieldSpec:
    return plan.dataset("service_request").field(name)


def test_table_covers_every_role_and_field(plan: Plan) -> None:
    pairs = {(r.id, f.name) for r in plan.roles for _, _, _, f in plan.fields()}
    assert pairs == set(EXPECTED)


@pytest.mark.parametrize(
    ("role_id", "field_name", "action"),
    [(r, f, a) for (r, f) in EXPECTED for a in Action],
    ids=lambda v: str(v),
)
def test_decision_matches_table(plan: Plan, role_id: str, field_name: str, action: Action) -> None:
    decision = decide(plan.role(role_id), action, _field(plan, field_name), today=TODAY)
    assert bool(decision) is (action in EXPECTED[role_id, field_name]), decision.reason
    assert decision.reason


def test_expired_temporary_role_may_do_nothing(plan: Plan) -> None:
    analyst = plan.role("analyst")
    assert analyst.expires == date(2027, 6, 30)
    for _, _, _, spec in plan.fields():
        for action in Action:
            decision = decide(analyst, action, spec, today=date(2027, 7, 1))
            assert not decision
            if not spec.never:
                assert "expired on 2027-06-30" in decision.reason


def test_temporary_role_works_on_its_last_day(plan: Plan) -> None:
    analyst = plan.role("analyst")
    assert decide(analyst, Action.READ, _field(plan, "age_band"), today=date(2027, 6, 30))


def test_temporary_role_without_expiry_is_not_cut_off() -> None:
    role = Role(id="helper", label="Helper", temporary=True, read={"categories": ["contact"]})
    spec = FieldSpec(name="email", label="Email", category="contact")
    assert decide(role, Action.READ, spec, today=date(2100, 1, 1))


def test_never_field_is_refused_to_everyone(plan: Plan) -> None:
    spec = _field(plan, "immigration_status")
    assert spec.never
    for role in plan.roles:
        for action in Action:
            decision = decide(role, action, spec, today=TODAY)
            assert not decision
            assert decision.reason == "the answer to this field is never recorded"


def test_never_field_refused_even_when_a_grant_names_its_category() -> None:
    role = Role(id="all", label="All", read={"categories": ["immigration_status"]})
    spec = FieldSpec(name="status", label="Status", category="immigration_status", never=True)
    assert not decide(role, Action.READ, spec)


def test_grant_covers_by_purpose_or_category() -> None:
    spec = FieldSpec(name="email", label="Email", category="contact", purposes=["follow_up"])
    by_purpose = Role(id="a", label="A", read={"purposes": ["follow_up"]})
    by_category = Role(id="b", label="B", read={"categories": ["contact"]})
    neither = Role(id="c", label="C", read={"purposes": ["other"], "categories": ["health"]})
    assert covers(by_purpose.read, spec)
    assert covers(by_category.read, spec)
    assert not covers(neither.read, spec)


def test_reveal_and_export_need_read() -> None:
    spec = FieldSpec(name="email", label="Email", category="contact", purposes=["p"])
    role = Role(id="x", label="X", reveal={"purposes": ["p"]}, export={"purposes": ["p"]})
    assert not decide(role, Action.REVEAL, spec)
    assert not decide(role, Action.EXPORT, spec)
    assert "no read grant" in decide(role, Action.EXPORT, spec).reason


def test_masking(plan: Plan) -> None:
    assert not shown_masked(_field(plan, "district"))
    assert shown_masked(_field(plan, "full_name"))
    assert shown_masked(_field(plan, "details"))


GRANT = {"purposes": ["p"]}


@pytest.mark.parametrize(
    ("read", "reveal", "write", "masking", "allowed"),
    [
        # write needs the write grant and sight of the value it replaces
        (GRANT, {}, GRANT, "none", True),  # unmasked: reading is seeing
        (GRANT, GRANT, GRANT, "full", True),  # masked, but the role may reveal it
        (GRANT, GRANT, GRANT, "partial", True),
        (GRANT, {}, GRANT, "full", False),  # masked and not revealable: cannot see it
        (GRANT, {}, GRANT, "partial", False),  # a partial mask still hides the value
        ({}, GRANT, GRANT, "none", False),  # cannot read it at all
        ({}, {}, GRANT, "full", False),
        (GRANT, GRANT, {}, "full", False),  # no write grant
        (GRANT, GRANT, {"categories": ["contact"]}, "full", True),  # by category
    ],
)
def test_a_role_writes_only_what_it_can_see(
    read: dict[str, list[str]],
    reveal: dict[str, list[str]],
    write: dict[str, list[str]],
    masking: str,
    allowed: bool,
) -> None:
    role = Role.model_validate(
        {"id": "r", "label": "R", "read": read, "reveal": reveal, "write": write}
    )
    spec = FieldSpec.model_validate(
        {"name": "f", "label": "F", "category": "contact", "purposes": ["p"], "masking": masking}
    )
    decision = decide(role, Action.WRITE, spec, today=TODAY)
    assert decision.allowed is allowed, decision.reason
    assert can_see(role, spec) is (allowed or not write)
