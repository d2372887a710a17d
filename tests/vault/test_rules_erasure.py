"""Who may ask for, approve, refuse, cancel and carry out an erasure: the rule as a table
of role x step, on the city plan (a second person approves) and variants of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import load_plan_text
from steward.policy.model import Plan
from steward.vault.rules.erasure import (
    Eraser,
    ErasureState,
    ErasureStep,
    Pending,
    decide_erasure,
    state_after,
)

CITY = Path(__file__).parents[2] / "examples" / "city-constituent-services.yaml"
ASKER = 7
OTHER = 8


def plan_with(**rights: Any) -> Plan:
    data = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    data["rights"].update(rights)
    data["rights"] = {k: v for k, v in data["rights"].items() if v is not None}
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan


TWO = plan_with()
ONE = plan_with(erasure_approval=None)
NONE = plan_with(erasure=False)
SPLIT = plan_with(
    erasure_approval={"requester_roles": ["supervisor"], "approver_roles": ["privacy_officer"]}
)
ROLE = {role.id: role for role in TWO.roles}
REQUESTED = Pending(ErasureState.REQUESTED, ASKER)
APPROVED = Pending(ErasureState.APPROVED, ASKER)


def who(role: str, user: int | None = OTHER, **kwargs: Any) -> Eraser:
    return Eraser(ROLE[role], user, **kwargs)


S = ErasureStep
CASES: list[tuple[str, Plan, Eraser, ErasureStep, Pending | None, bool, str]] = [
    # asking
    ("officer asks", TWO, who("privacy_officer", ASKER), S.REQUEST, None, True, ""),
    ("caseworker may not ask", TWO, who("caseworker"), S.REQUEST, None, False, "'caseworker'"),
    ("supervisor may not ask", TWO, who("supervisor"), S.REQUEST, None, False, "'supervisor'"),
    ("analyst may not ask", TWO, who("analyst"), S.REQUEST, None, False, "'analyst'"),
    ("resident is not staff", TWO, who("resident"), S.REQUEST, None, False, "staff account"),
    ("token is not a person", TWO, who("privacy_officer", None), S.REQUEST, None, False, "person"),
    (
        "expired account",
        TWO,
        who("privacy_officer", expired=True),
        S.REQUEST,
        None,
        False,
        "ended",
    ),
    (
        "no second factor",
        TWO,
        who("privacy_officer", mfa_verified=False),
        S.REQUEST,
        None,
        False,
        "second factor",
    ),
    ("plan offers none", NONE, who("privacy_officer"), S.REQUEST, None, False, "erasure: false"),
    ("one under way", TWO, who("privacy_officer"), S.REQUEST, REQUESTED, False, "under way"),
    (
        "again after a refusal",
        TWO,
        who("privacy_officer"),
        S.REQUEST,
        Pending(ErasureState.REFUSED, ASKER),
        True,
        "",
    ),
    ("listed requester", SPLIT, who("supervisor"), S.REQUEST, None, True, ""),
    ("unlisted officer", SPLIT, who("privacy_officer"), S.REQUEST, None, False, "'privacy_"),
    # approving: never one's own request when a second person is needed
    ("another officer approves", TWO, who("privacy_officer"), S.APPROVE, REQUESTED, True, ""),
    (
        "own request",
        TWO,
        who("privacy_officer", ASKER),
        S.APPROVE,
        REQUESTED,
        False,
        "someone other",
    ),
    ("caseworker", TWO, who("caseworker"), S.APPROVE, REQUESTED, False, "'caseworker'"),
    ("token", TWO, who("privacy_officer", None), S.APPROVE, REQUESTED, False, "person"),
    ("already approved", TWO, who("privacy_officer"), S.APPROVE, APPROVED, False, "approved"),
    ("no request", TWO, who("privacy_officer"), S.APPROVE, None, False, "missing"),
    ("plan offers none", NONE, who("privacy_officer"), S.APPROVE, REQUESTED, False, "false"),
    ("requester role only", SPLIT, who("supervisor"), S.APPROVE, REQUESTED, False, "'supervisor'"),
    ("listed approver", SPLIT, who("privacy_officer"), S.APPROVE, REQUESTED, True, ""),
    # refusing
    ("another officer refuses", TWO, who("privacy_officer"), S.REFUSE, REQUESTED, True, ""),
    ("own", TWO, who("privacy_officer", ASKER), S.REFUSE, REQUESTED, False, "someone other"),
    ("caseworker", TWO, who("caseworker"), S.REFUSE, REQUESTED, False, "'caseworker'"),
    (
        "done",
        TWO,
        who("privacy_officer"),
        S.REFUSE,
        Pending(ErasureState.DONE, ASKER),
        False,
        "is done",
    ),
    # cancelling
    ("the asker cancels", TWO, who("privacy_officer", ASKER), S.CANCEL, REQUESTED, True, ""),
    ("an approver cancels", TWO, who("privacy_officer"), S.CANCEL, REQUESTED, True, ""),
    ("caseworker", TWO, who("caseworker"), S.CANCEL, REQUESTED, False, "only the person"),
    ("approved", TWO, who("privacy_officer", ASKER), S.CANCEL, APPROVED, False, "approved"),
    # carrying out
    ("approver", TWO, who("privacy_officer"), S.CARRY_OUT, APPROVED, True, ""),
    ("the asker, approved", TWO, who("privacy_officer", ASKER), S.CARRY_OUT, APPROVED, True, ""),
    ("not approved", TWO, who("privacy_officer"), S.CARRY_OUT, REQUESTED, False, "requested"),
    ("caseworker", TWO, who("caseworker"), S.CARRY_OUT, APPROVED, False, "'caseworker'"),
    ("single person", ONE, who("privacy_officer", ASKER), S.CARRY_OUT, APPROVED, True, ""),
    ("single approves", ONE, who("privacy_officer", ASKER), S.APPROVE, REQUESTED, True, ""),
    (
        "split, asker carries out",
        SPLIT,
        who("supervisor", ASKER),
        S.CARRY_OUT,
        APPROVED,
        False,
        "'supervisor'",
    ),
]


@pytest.mark.parametrize(
    ("plan", "eraser", "step", "pending", "allowed", "because"),
    [c[1:] for c in CASES],
    ids=[f"{c[3].value}: {c[0]}" for c in CASES],
)
def test_the_erasure_rule(
    plan: Plan,
    eraser: Eraser,
    step: ErasureStep,
    pending: Pending | None,
    allowed: bool,
    because: str,
) -> None:
    decision = decide_erasure(plan, eraser, step, pending)
    assert decision.allowed is allowed, decision.reason
    assert because in decision.reason
    assert decision.reason


@pytest.mark.parametrize(
    ("plan", "step", "state"),
    [
        (TWO, S.REQUEST, ErasureState.REQUESTED),
        (ONE, S.REQUEST, ErasureState.APPROVED),
        (TWO, S.APPROVE, ErasureState.APPROVED),
        (TWO, S.REFUSE, ErasureState.REFUSED),
        (TWO, S.CANCEL, ErasureState.CANCELLED),
        (TWO, S.CARRY_OUT, ErasureState.DONE),
    ],
)
def test_the_state_a_step_reaches(plan: Plan, step: ErasureStep, state: ErasureState) -> None:
    assert state_after(plan, step) is state


def test_every_staff_role_and_step_has_an_answer() -> None:
    for role in ROLE.values():
        for step in ErasureStep:
            for pending in (None, REQUESTED, APPROVED):
                assert decide_erasure(TWO, Eraser(role, OTHER), step, pending).reason
