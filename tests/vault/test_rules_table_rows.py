"""The decisions of tables, as tables of cases: who may add a row, which values a row may
hold (the intake rules), and what an import file and its legal basis must be."""

from __future__ import annotations

from datetime import date

import pytest

from steward.policy import load_plan
from steward.policy.model import Grant, LegalBasis, Plan, Role, Scope
from steward.vault.rules.intake import check_row
from steward.vault.rules.table_rows import allowed_bases, decide_add_row, import_problems
from tests.vault.conftest import EXAMPLES, HELP_DESK

PANTRY: Plan = load_plan(EXAMPLES / "nonprofit-data-project.yaml").plan
DESK: Plan = load_plan(HELP_DESK).plan
CLIENTS = PANTRY.dataset("client_register")
DONATIONS = DESK.dataset("donation")
REQUIRED = {"client_name", "zip_code", "household_size", "pantry_site"}
COORDINATOR = PANTRY.role("pantry_coordinator")
TODAY = date(2026, 11, 30)


def _variant(role: Role, **changes: object) -> Role:
    return role.model_copy(update=changes)


ROW_CASES = [
    # (label, role, dataset, given, routed team, actor team, actor user, allowed, reason part)
    (
        "coordinator, own pantry",
        COORDINATOR,
        CLIENTS,
        REQUIRED,
        "dockside",
        "dockside",
        1,
        True,
        "",
    ),
    (
        "coordinator, no values yet",
        COORDINATOR,
        CLIENTS,
        set(),
        "dockside",
        "dockside",
        1,
        True,
        "",
    ),
    (
        "coordinator, another pantry",
        COORDINATOR,
        CLIENTS,
        REQUIRED,
        "northgate",
        "dockside",
        1,
        False,
        "outside the role's scope",
    ),
    (
        "coordinator gives a field it may not write",
        COORDINATOR,
        CLIENTS,
        REQUIRED | {"age_band"},
        "dockside",
        "dockside",
        1,
        False,
        "may not write: age_band",
    ),
    (
        "undeclared names are left to the value check",
        COORDINATOR,
        CLIENTS,
        REQUIRED | {"shoe_size"},
        "dockside",
        "dockside",
        1,
        True,
        "",
    ),
    (
        "data ambassador: no write grant",
        PANTRY.role("data_ambassador"),
        CLIENTS,
        REQUIRED,
        "dockside",
        "",
        1,
        False,
        "may not write any field",
    ),
    (
        "volunteer analyst: no write grant",
        PANTRY.role("volunteer_analyst"),
        CLIENTS,
        REQUIRED,
        "dockside",
        "",
        1,
        False,
        "may not write any field",
    ),
    (
        "a grant that misses required fields",
        _variant(COORDINATOR, write=Grant(categories=["contact"])),
        CLIENTS,
        {"client_name"},
        "dockside",
        "dockside",
        1,
        False,
        "may not write the required fields: household_size, pantry_site, zip_code",
    ),
    (
        "a person's own account",
        _variant(COORDINATOR, scope=Scope.OWN),
        CLIENTS,
        REQUIRED,
        "dockside",
        "dockside",
        None,
        False,
        "own account adds no rows",
    ),
    (
        "assigned scope, a person acting",
        _variant(COORDINATOR, scope=Scope.ASSIGNED),
        CLIENTS,
        REQUIRED,
        "northgate",
        "dockside",
        7,
        True,
        "",
    ),
    (
        "assigned scope, a token",
        _variant(COORDINATOR, scope=Scope.ASSIGNED),
        CLIENTS,
        REQUIRED,
        "northgate",
        "",
        None,
        False,
        "no person is acting",
    ),
    (
        "finance officer: donations",
        DESK.role("finance_officer"),
        DONATIONS,
        {"amount"},
        "",
        "",
        None,
        True,
        "",
    ),
    (
        "help-desk staff: donations",
        DESK.role("help_desk_staff"),
        DONATIONS,
        {"amount"},
        "",
        "",
        3,
        False,
        "may not write any field",
    ),
    (
        "an intake form is not a table",
        DESK.role("help_desk_staff"),
        DESK.dataset("assistance_request"),
        {"contact_name"},
        "help_desk",
        "help_desk",
        3,
        False,
        "is not a table",
    ),
    (
        "an expired temporary role",
        _variant(COORDINATOR, temporary=True, expires=date(2026, 1, 1)),
        CLIENTS,
        REQUIRED,
        "dockside",
        "dockside",
        1,
        False,
        "may not write any field",
    ),
]


@pytest.mark.parametrize(
    ("role", "dataset", "given", "routed", "team", "user", "allowed", "reason"),
    [case[1:] for case in ROW_CASES],
    ids=[case[0] for case in ROW_CASES],
)
def test_who_may_add_a_row(
    role: Role,
    dataset: object,
    given: set[str],
    routed: str,
    team: str,
    user: int | None,
    allowed: bool,
    reason: str,
) -> None:
    decision = decide_add_row(
        role,
        dataset,  # type: ignore[arg-type]
        given,
        routed_team=routed,
        actor_team=team,
        actor_user=user,
        today=TODAY,
    )
    assert decision.allowed is allowed
    assert reason in decision.reason


GOOD = {
    "client_name": "A. Person",
    "zip_code": "10001",
    "household_size": "3",
    "pantry_site": "Dockside",
}

VALUE_CASES = [
    ("a good row", "client_register", GOOD, {}),
    ("optional values", "client_register", {**GOOD, "age_band": "65+", "phone": "555 0100"}, {}),
    (
        "an undeclared field",
        "client_register",
        {**GOOD, "shoe": "9"},
        {"": "undeclared fields: shoe"},
    ),
    (
        "a never field",
        "client_register",
        {**GOOD, "household_income": "1"},
        {"household_income": "this answer is never recorded; leave it out"},
    ),
    (
        "not a number",
        "client_register",
        {**GOOD, "household_size": "x"},
        {"household_size": "this is not a number"},
    ),
    (
        "not a choice",
        "client_register",
        {**GOOD, "pantry_site": "Moon"},
        {"pantry_site": "choose one of the listed answers"},
    ),
    (
        "not a date",
        "client_register",
        {**GOOD, "last_visit": "2 May"},
        {"last_visit": "write the date as YYYY-MM-DD"},
    ),
    (
        "a missing required value",
        "client_register",
        {**GOOD, "client_name": " "},
        {"client_name": "this answer is required"},
    ),
    ("an intake form", "service_request", GOOD, {"": "there is no dataset 'service_request'"}),
    ("a donation", "donation", {"amount": "12.5", "allocation": "any"}, {}),
]


@pytest.mark.parametrize(
    ("dataset", "values", "problems"),
    [case[1:] for case in VALUE_CASES],
    ids=[case[0] for case in VALUE_CASES],
)
def test_row_values_follow_the_intake_rules(
    dataset: str, values: dict[str, str], problems: dict[str, str]
) -> None:
    plan = DESK if dataset == "donation" else PANTRY
    assert check_row(plan, dataset, values) == problems


def test_an_intake_form_takes_no_rows() -> None:
    assert check_row(DESK, "assistance_request", {}) == {"": "'assistance_request' is not a table"}


def test_a_value_that_only_consent_allows_is_refused_in_a_table() -> None:
    purposes = [
        p.model_copy(update={"legal_basis": LegalBasis.CONSENT}) if p.id == "impact_analysis" else p
        for p in PANTRY.purposes
    ]
    plan = PANTRY.model_copy(update={"purposes": purposes})
    problems = check_row(plan, "client_register", {**GOOD, "age_band": "65+"})
    assert problems == {
        "age_band": "kept only with the person's consent, which a table row does not record"
    }


COLUMNS = ["client_name", "zip_code", "household_size", "pantry_site"]
IMPORT_CASES = [
    ("good columns", "client_register", COLUMNS, "contract", []),
    ("another allowed basis", "client_register", COLUMNS, "legitimate_interest", []),
    (
        "a basis none of its purposes has",
        "client_register",
        COLUMNS,
        "consent",
        [
            "'consent' is not a legal basis of the purposes of 'client_register' "
            "(allowed: contract, legitimate_interest)"
        ],
    ),
    (
        "undeclared columns",
        "client_register",
        [*COLUMNS, "b", "a"],
        "contract",
        [
            "columns not declared in 'client_register': a, b "
            "(add them to the plan, or drop them from the file)"
        ],
    ),
    (
        "a never column",
        "client_register",
        [*COLUMNS, "household_income"],
        "contract",
        ["columns the plan never records: household_income (drop them from the file)"],
    ),
    (
        "a column twice",
        "client_register",
        [*COLUMNS, "zip_code"],
        "contract",
        ["columns named more than once: zip_code"],
    ),
    ("no columns", "client_register", [], "contract", ["the file has no columns"]),
    (
        "an unknown dataset",
        "clients",
        COLUMNS,
        "contract",
        ["there is no dataset 'clients' (tables of this plan: client_register)"],
    ),
]


@pytest.mark.parametrize(
    ("dataset", "columns", "basis", "problems"),
    [case[1:] for case in IMPORT_CASES],
    ids=[case[0] for case in IMPORT_CASES],
)
def test_what_an_import_must_be(
    dataset: str, columns: list[str], basis: str, problems: list[str]
) -> None:
    assert import_problems(PANTRY, dataset, columns, basis) == problems


def test_an_intake_form_takes_no_import() -> None:
    problems = import_problems(DESK, "assistance_request", ["contact_name"], "consent")
    assert len(problems) == 1
    assert "is an intake form, not a table" in problems[0]


def test_allowed_bases_are_those_of_the_tables_purposes() -> None:
    assert [b.value for b in allowed_bases(DESK, DONATIONS)] == ["legal_obligation"]
