"""An overseeing role only reads registers and reports: the plan loader refuses one that
is granted anything, approves, acts for a recipient, is not staff or signs in without a
second factor, and says where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import PlanLoadError, load_plan_text
from steward.policy.model import Plan
from steward.policy.model.roles import Action

EXAMPLES = Path(__file__).parents[2] / "examples"
CITY = EXAMPLES / "city-constituent-services.yaml"
HELP_DESK = EXAMPLES / "security-help-desk.yaml"


def city_with(**board: Any) -> Plan:
    """The city's plan with its oversight board role changed by ``board``."""
    data = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    [index] = [i for i, r in enumerate(data["roles"]) if r["id"] == "oversight_board"]
    data["roles"][index] = {**data["roles"][index], **board}
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan


@pytest.mark.parametrize(
    ("path", "role_id"), [(CITY, "oversight_board"), (HELP_DESK, "advisory_council")]
)
def test_the_examples_have_an_overseeing_role_that_reads_nothing(path: Path, role_id: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    plan = load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan
    role = plan.role(role_id)
    assert (role.oversees, role.staff, role.mfa) == (True, True, True)
    assert [role.grant(a).empty for a in Action] == [True] * len(Action)
    assert plan.roles[-1].id == role_id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"read": {"purposes": ["planning_statistics"]}}, "remove its grants"),
        ({"reveal": {"categories": ["contact"]}}, "remove its grants"),
        ({"write": {"purposes": ["follow_up"]}}, "remove its grants"),
        ({"export": {"purposes": ["planning_statistics"]}}, "remove its grants"),
        ({"approves_disclosures": True}, "remove its grants, approvals and recipient"),
        ({"recipient": "city_council"}, "remove its grants, approvals and recipient"),
        ({"staff": False}, "keep staff: true and set mfa: true"),
        ({"mfa": False}, "keep staff: true and set mfa: true"),
    ],
    ids=["read", "reveal", "write", "export", "approver", "recipient", "not-staff", "no-mfa"],
)
def test_a_wrong_overseeing_role_is_refused_with_its_place(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(PlanLoadError) as refused:
        city_with(**change)
    assert "roles[6]" in str(refused.value)
    assert "oversight_board" in str(refused.value)
    assert message in str(refused.value)
