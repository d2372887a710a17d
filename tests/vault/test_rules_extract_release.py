"""Who may have a de-identified extract of what: receivers, fields, makers, the k target,
the release decision and the expiry, as tables over the example plans."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from steward.policy import load_plan, load_plan_text
from steward.policy.model import Plan
from steward.vault.rules.extract_release import (
    DEFAULT_LIFETIME,
    K_FLOOR,
    ExtractTarget,
    Measured,
    TargetError,
    decide_maker,
    decide_release,
    deidentified_only_role,
    extract_expires,
    extract_fields,
    field_refusal,
    k_target,
    resolve_target,
)
from steward.vault.rules.staff_standing import StaffStanding

EXAMPLES = Path(__file__).parents[2] / "examples"
CITY = load_plan(EXAMPLES / "city-constituent-services.yaml").plan
FOOD = load_plan(EXAMPLES / "nonprofit-data-project.yaml").plan
DESK = load_plan(EXAMPLES / "security-help-desk.yaml").plan
TODAY = date(2026, 12, 1)

DEID_ONLY: list[tuple[Plan, str, bool]] = [
    (CITY, "analyst", True),
    (CITY, "caseworker", False),
    (CITY, "supervisor", False),
    (CITY, "privacy_officer", False),
    (CITY, "resident", False),
    (FOOD, "volunteer_analyst", True),
    (FOOD, "pantry_coordinator", False),
    (FOOD, "data_ambassador", False),
    *[(DESK, role.id, False) for role in DESK.roles],
]


@pytest.mark.parametrize(("plan", "role", "expected"), DEID_ONLY)
def test_which_roles_only_receive_deidentified_data(plan: Plan, role: str, expected: bool) -> None:
    assert deidentified_only_role(plan.role(role)) is expected


TARGETS: list[tuple[str, Plan, str | None, str | None, str | None, str]] = [
    ("city lab", CITY, "civic_data_lab", None, None, "planning_statistics"),
    ("city lab, purpose named", CITY, "civic_data_lab", None, "planning_statistics", ""),
    ("food volunteers", FOOD, "volunteer_team", None, None, "impact_analysis"),
    ("city analyst role", CITY, None, "analyst", None, "planning_statistics"),
    ("food analyst role", FOOD, None, "volunteer_analyst", None, "impact_analysis"),
    ("council gets counts only", CITY, "city_council", None, None, "deidentified_only"),
    ("unknown recipient", CITY, "nobody", None, None, "no recipient 'nobody'"),
    ("unknown role", CITY, None, "janitor", None, "no role 'janitor'"),
    ("caseworker sees identified data", CITY, None, "caseworker", None, "may see identified"),
    ("both named", CITY, "civic_data_lab", "analyst", None, "either"),
    ("neither named", CITY, None, None, None, "either"),
    ("purpose not the lab's", CITY, "civic_data_lab", None, "follow_up", "not a purpose"),
]


@pytest.mark.parametrize(
    ("plan", "recipient", "role", "purpose", "expected"),
    [case[1:] for case in TARGETS],
    ids=[case[0] for case in TARGETS],
)
def test_resolving_the_receiver(
    plan: Plan, recipient: str | None, role: str | None, purpose: str | None, expected: str
) -> None:
    if expected in {"planning_statistics", "impact_analysis", ""}:
        target = resolve_target(plan, recipient=recipient, role=role, purpose=purpose)
        assert target.purpose == (expected or purpose)
        assert target.name.startswith("recipient/" if recipient else "role/")
    else:
        with pytest.raises(TargetError, match=expected):
            resolve_target(plan, recipient=recipient, role=role, purpose=purpose)


def _fields(
    plan: Plan, dataset: str, recipient: str | None, role: str | None, maker: str
) -> list[str]:
    target = resolve_target(plan, recipient=recipient, role=role, purpose=None)
    specs = extract_fields(plan, plan.dataset(dataset), target, plan.role(maker), TODAY)
    return [s.name for s in specs]


FIELDS: list[tuple[Plan, str, str | None, str | None, str, list[str]]] = [
    # the officer's export grant covers service delivery: district and type, not age band
    (
        CITY,
        "service_request",
        "civic_data_lab",
        None,
        "privacy_officer",
        ["district", "request_type"],
    ),
    (CITY, "service_request", None, "analyst", "privacy_officer", ["district", "request_type"]),
    (
        FOOD,
        "client_register",
        "volunteer_team",
        None,
        "data_ambassador",
        ["zip_code", "household_size", "age_band", "last_visit"],
    ),
    (
        FOOD,
        "client_register",
        None,
        "volunteer_analyst",
        "data_ambassador",
        ["zip_code", "household_size", "age_band", "last_visit", "pantry_site"],
    ),
    (CITY, "service_request", "civic_data_lab", None, "caseworker", []),
    (FOOD, "client_register", "volunteer_team", None, "pantry_coordinator", []),
]


@pytest.mark.parametrize(("plan", "dataset", "recipient", "role", "maker", "expected"), FIELDS)
def test_fields_an_extract_holds(
    plan: Plan,
    dataset: str,
    recipient: str | None,
    role: str | None,
    maker: str,
    expected: list[str],
) -> None:
    assert _fields(plan, dataset, recipient, role, maker) == expected


LAB = resolve_target(CITY, recipient="civic_data_lab", role=None, purpose=None)
REFUSALS: list[tuple[str, str | None]] = [
    ("full_name", "direct identifier"),
    ("email", "direct identifier"),
    ("phone", "direct identifier"),
    ("street_address", "does not serve"),
    ("details", "free text"),
    ("immigration_status", "never recorded"),
    ("district", None),
    ("request_type", None),
    ("age_band", None),
]


@pytest.mark.parametrize(("field", "expected"), REFUSALS)
def test_why_a_city_field_stays_out_of_the_lab_extract(field: str, expected: str | None) -> None:
    reason = field_refusal(CITY, LAB, CITY.dataset("service_request").field(field), TODAY)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None
        assert expected in reason


def _special_plan(explicit: bool) -> Plan:
    data = yaml.safe_load((EXAMPLES / "city-constituent-services.yaml").read_text())
    fields = data["datasets"][0]["fields"]
    fields.append(
        {
            "name": "health_need",
            "label": "Health need",
            "category": "health",
            "purposes": ["planning_statistics"],
            "identifier": "quasi",
            "input": "choice",
            "choices": ["none", "mobility"],
        }
    )
    data["recipients"][0]["categories"].append("health")
    for purpose in data["purposes"]:
        if purpose["id"] == "planning_statistics" and explicit:
            purpose["explicit_consent"] = True
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan


@pytest.mark.parametrize(("explicit", "allowed"), [(False, False), (True, True)])
def test_a_special_category_needs_explicit_consent_for_the_purpose(
    explicit: bool, allowed: bool
) -> None:
    plan = _special_plan(explicit)
    target = resolve_target(plan, recipient="civic_data_lab", role=None, purpose=None)
    reason = field_refusal(
        plan, target, plan.dataset("service_request").field("health_need"), TODAY
    )
    assert (reason is None) is allowed


def test_an_expired_role_receives_nothing() -> None:
    target = resolve_target(CITY, recipient=None, role="analyst", purpose=None)
    later = date(2027, 7, 1)
    spec = CITY.dataset("service_request").field("district")
    assert field_refusal(CITY, target, spec, later) == "'role/analyst' may not receive it"


def _standing(plan: Plan, role: str, user: int | None = 1, **kwargs: bool) -> StaffStanding:
    return StaffStanding(plan.role(role), user, **kwargs)


MAKERS: list[tuple[str, StaffStanding, bool, bool, str]] = [
    ("city officer", _standing(CITY, "privacy_officer"), True, True, "covers"),
    ("city supervisor", _standing(CITY, "supervisor"), True, True, "no export grant"),
    ("city caseworker", _standing(CITY, "caseworker"), True, True, "no export grant"),
    ("city analyst", _standing(CITY, "analyst"), True, True, "no export grant"),
    ("resident", _standing(CITY, "resident"), True, True, "staff account"),
    ("service token", _standing(CITY, "privacy_officer", None), True, True, "staff account"),
    ("expired", _standing(CITY, "privacy_officer", expired=True), True, True, "ended"),
    ("no mfa", _standing(CITY, "privacy_officer", mfa_verified=False), True, True, "second"),
    ("food ambassador", _standing(FOOD, "data_ambassador"), True, True, "covers"),
    ("food coordinator", _standing(FOOD, "pantry_coordinator"), True, True, "no export"),
    ("food volunteer", _standing(FOOD, "volunteer_analyst"), True, True, "no export"),
    ("nothing eligible", _standing(CITY, "privacy_officer"), False, False, "no field"),
    ("export covers none", _standing(CITY, "privacy_officer"), False, True, "may export none"),
]


@pytest.mark.parametrize(
    ("who", "covered", "eligible", "expected"),
    [case[1:] for case in MAKERS],
    ids=[case[0] for case in MAKERS],
)
def test_who_may_make_an_extract(
    who: StaffStanding, covered: bool, eligible: bool, expected: str
) -> None:
    spec = CITY.dataset("service_request").field("district")
    decision = decide_maker(who, [spec] if covered else [], [spec] if eligible else [])
    assert decision.allowed is (expected == "covers")
    assert expected in decision.reason


LAB_RECIPIENT = LAB.recipient
K_CASES: list[tuple[int | None, bool, int | None, int | str]] = [
    (None, False, None, K_FLOOR),
    (None, True, None, 10),
    (12, True, None, 12),
    (None, True, 15, 15),
    (None, False, 7, 7),
    (None, True, 9, "below the least"),
    (None, False, K_FLOOR - 1, "below the least"),
    (3, False, None, K_FLOOR),
]


@pytest.mark.parametrize(("plan_k", "recipient", "asked", "expected"), K_CASES)
def test_the_k_target(
    plan_k: int | None, recipient: bool, asked: int | None, expected: int | str
) -> None:
    who = LAB_RECIPIENT if recipient else None
    if isinstance(expected, str):
        with pytest.raises(TargetError, match=expected):
            k_target(plan_k, who, asked)
    else:
        assert k_target(plan_k, who, asked) == expected


RELEASES: list[tuple[str, Measured, int | None, bool, str]] = [
    ("meets k", Measured(100, 12, 0, 0, 100), None, True, "at least 10"),
    ("k too small", Measured(100, 9, 0, 0, 100), None, False, "smallest group holds 9"),
    ("small cells", Measured(100, 10, 2, 0, 100), None, False, "2 groups"),
    ("empty", Measured(0, 0, 0, 0, 5), None, False, "no record"),
    ("suppressed within 5%", Measured(95, 10, 0, 5, 100), None, True, "at least"),
    ("suppressed beyond 5%", Measured(94, 10, 0, 6, 100), None, False, "6 records"),
    ("l met", Measured(100, 10, 0, 0, 100, l_diversity=3), 3, True, "at least"),
    ("l missed", Measured(100, 10, 0, 0, 100, l_diversity=2), 3, False, "l-diversity is 2"),
]


@pytest.mark.parametrize(
    ("measured", "l_target", "allowed", "reason"),
    [case[1:] for case in RELEASES],
    ids=[case[0] for case in RELEASES],
)
def test_release_only_when_the_measured_risk_meets_the_target(
    measured: Measured, l_target: int | None, allowed: bool, reason: str
) -> None:
    decision = decide_release(measured, 10, l_target=l_target)
    assert decision.allowed is allowed
    assert reason in decision.reason


MADE = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_expiry_follows_the_plans_delivery_expiry() -> None:
    assert extract_expires(CITY, LAB, MADE) == MADE + timedelta(days=7)


def test_expiry_without_a_delivery_rule_is_the_default() -> None:
    data = yaml.safe_load((EXAMPLES / "city-constituent-services.yaml").read_text())
    del data["disclosure"]["delivery"]["expires_after"]
    plan = load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan
    assert extract_expires(plan, LAB, MADE) == MADE + DEFAULT_LIFETIME


def test_expiry_never_outlasts_a_temporary_role() -> None:
    target = resolve_target(CITY, recipient=None, role="analyst", purpose=None)
    late = datetime(2027, 6, 28, tzinfo=UTC)
    assert extract_expires(CITY, target, late) == datetime(2027, 7, 1, tzinfo=UTC)


def test_a_target_names_its_receiver() -> None:
    assert ExtractTarget("p", role=CITY.role("analyst")).name == "role/analyst"
