"""Who may assign a case, and to whom: the rule as a table of cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from steward.policy import load_plan
from steward.policy.model import Routing
from steward.vault.rules.assignment import (
    Assigner,
    Candidate,
    Case,
    Change,
    decide_assignment,
    may_assign,
)

PLAN = load_plan(Path(__file__).parents[2] / "examples" / "city-constituent-services.yaml").plan
TODAY = date(2026, 11, 22)
ROLE = {role.id: role for role in PLAN.roles}

SUPERVISOR = Assigner(ROLE["supervisor"], "north")
OFFICER = Assigner(ROLE["privacy_officer"], "")
NORTH_CASE = Case("service_request", "north", None)
SAM = Candidate(7, ROLE["caseworker"], "north")
SOUTH_WORKER = Candidate(8, ROLE["caseworker"], "south")
LEE = Candidate(9, ROLE["supervisor"], "north")


def keep(assignee: Candidate | None = None, team: str = "north") -> Change:
    return Change(team, assignee)


CASES = [
    # who may assign at all
    ("supervisor assigns in team", SUPERVISOR, NORTH_CASE, keep(SAM), True, ""),
    ("supervisor unassigns", SUPERVISOR, Case("service_request", "north", 7), keep(), True, ""),
    ("supervisor to another supervisor", SUPERVISOR, NORTH_CASE, keep(LEE), True, ""),
    ("officer assigns anywhere", OFFICER, NORTH_CASE, keep(SAM), True, ""),
    (
        "caseworker may not assign",
        Assigner(ROLE["caseworker"], "north"),
        NORTH_CASE,
        keep(SAM),
        False,
        "does not let the role 'caseworker'",
    ),
    (
        "analyst is not an assigner",
        Assigner(ROLE["analyst"], ""),
        NORTH_CASE,
        keep(SAM),
        False,
        "does not let the role 'analyst'",
    ),
    (
        "supervisor of another team",
        Assigner(ROLE["supervisor"], "south"),
        NORTH_CASE,
        keep(SAM),
        False,
        "not in your team",
    ),
    (
        "supervisor without a team",
        Assigner(ROLE["supervisor"], ""),
        NORTH_CASE,
        keep(SAM),
        False,
        "not in your team",
    ),
    (
        "supervisor without second factor",
        Assigner(ROLE["supervisor"], "north", mfa_verified=False),
        NORTH_CASE,
        keep(SAM),
        False,
        "second factor",
    ),
    (
        "expired account",
        Assigner(ROLE["supervisor"], "north", expired=True),
        NORTH_CASE,
        keep(SAM),
        False,
        "ended",
    ),
    (
        "closed case",
        SUPERVISOR,
        Case("service_request", "north", None, closed=True),
        keep(SAM),
        False,
        "closed",
    ),
    # where the case goes
    ("supervisor hands to another team", SUPERVISOR, NORTH_CASE, keep(team="south"), True, ""),
    (
        "supervisor assigns a person of another team",
        SUPERVISOR,
        NORTH_CASE,
        keep(SOUTH_WORKER, team="south"),
        False,
        "assigned to a person by that team",
    ),
    ("officer moves and assigns", OFFICER, NORTH_CASE, keep(SOUTH_WORKER, "south"), True, ""),
    ("undeclared team", OFFICER, NORTH_CASE, keep(team="uptown"), False, "no such team"),
    ("no team", OFFICER, NORTH_CASE, keep(team=""), False, "always belongs to a team"),
    (
        "officer gives a team-less case a team",
        OFFICER,
        Case("service_request", "", None),
        keep(SAM),
        True,
        "",
    ),
    # to whom
    ("person of another team", SUPERVISOR, NORTH_CASE, keep(SOUTH_WORKER), False, "not in team"),
    (
        "disabled account",
        SUPERVISOR,
        NORTH_CASE,
        keep(Candidate(7, ROLE["caseworker"], "north", active=False)),
        False,
        "disabled",
    ),
    (
        "role left the plan",
        SUPERVISOR,
        NORTH_CASE,
        keep(Candidate(7, None, "north")),
        False,
        "no staff role",
    ),
    (
        "not a staff role",
        SUPERVISOR,
        NORTH_CASE,
        keep(Candidate(7, ROLE["resident"], "north")),
        False,
        "no staff role",
    ),
    (
        "a role that reads nothing of the dataset",
        OFFICER,
        Case("other_dataset", "north", None),
        keep(SAM),
        False,
        "reads nothing",
    ),
]


@pytest.mark.parametrize(
    ("assigner", "case", "change", "allowed", "reason"),
    [row[1:] for row in CASES],
    ids=[row[0] for row in CASES],
)
def test_decide_assignment(
    assigner: Assigner, case: Case, change: Change, allowed: bool, reason: str
) -> None:
    decision = decide_assignment(PLAN, assigner, case, change, TODAY)
    assert decision.allowed is allowed, decision.reason
    assert reason in decision.reason


def test_an_assigner_role_with_a_narrow_scope_is_refused_even_if_listed() -> None:
    plan = PLAN.model_copy(
        update={"routing": Routing(assigned_by=["caseworker"], datasets=PLAN.routing.datasets)}
    )
    caseworker = Assigner(ROLE["caseworker"], "north")
    decision = may_assign(plan, caseworker, NORTH_CASE, TODAY)
    assert not decision.allowed
    assert "scope team or all" in decision.reason


def test_an_expired_temporary_role_may_not_assign() -> None:
    analyst = ROLE["analyst"]
    plan = PLAN.model_copy(
        update={"routing": Routing(assigned_by=["analyst"], datasets=PLAN.routing.datasets)}
    )
    late = date(2027, 7, 1)
    assert may_assign(plan, Assigner(analyst, ""), NORTH_CASE, TODAY).allowed
    assert not may_assign(plan, Assigner(analyst, ""), NORTH_CASE, late).allowed
