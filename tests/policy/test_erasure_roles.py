"""Who erases a person, read from the plan: listed roles, or the disclosure approvers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import PlanLoadError, load_plan_text
from steward.policy.erasure import (
    erasure_approvers,
    erasure_needs_second_person,
    erasure_requesters,
)
from steward.policy.model import Plan

CITY = Path(__file__).parents[2] / "examples" / "city-constituent-services.yaml"


def city(**rights: Any) -> Plan:
    data = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    data["rights"].update(rights)
    data["rights"] = {k: v for k, v in data["rights"].items() if v is not None}
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan


@pytest.mark.parametrize(
    ("rights", "requesters", "approvers", "second"),
    [
        ({}, ("privacy_officer",), ("privacy_officer",), True),
        ({"erasure_approval": None}, ("privacy_officer",), ("privacy_officer",), False),
        (
            {"erasure_approval": {"requester_roles": ["supervisor"]}},
            ("supervisor",),
            ("supervisor",),
            True,
        ),
        (
            {
                "erasure_approval": {
                    "requester_roles": ["supervisor"],
                    "approver_roles": ["privacy_officer"],
                    "second_person": False,
                }
            },
            ("supervisor",),
            ("privacy_officer",),
            False,
        ),
        ({"erasure": False}, (), (), True),
    ],
    ids=["example", "no-section", "requesters-only", "both-listed", "no-erasure"],
)
def test_the_roles_that_erase(
    rights: dict[str, Any],
    requesters: tuple[str, ...],
    approvers: tuple[str, ...],
    second: bool,
) -> None:
    plan = city(**rights)
    assert erasure_requesters(plan) == requesters
    assert erasure_approvers(plan) == approvers
    assert erasure_needs_second_person(plan) is second


def test_an_undeclared_role_is_refused_with_its_place() -> None:
    with pytest.raises(PlanLoadError) as refused:
        city(erasure_approval={"approver_roles": ["privacy_oficer"]})
    assert "rights.erasure_approval.approver_roles[0]" in str(refused.value)
    assert "did you mean 'privacy_officer'" in str(refused.value)
