"""A role that acts for a plan recipient: only for one that receives aggregates only, and
with nothing else granted; the plan loader says where and why otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import PlanLoadError, load_plan_text
from steward.policy.model import Plan

CITY = Path(__file__).parents[2] / "examples" / "city-constituent-services.yaml"


def city_with(**donor: Any) -> Plan:
    """The city's plan with its council role changed by ``donor``."""
    data = yaml.safe_load(CITY.read_text(encoding="utf-8"))
    [index] = [i for i, r in enumerate(data["roles"]) if r["id"] == "council_viewer"]
    data["roles"][index] = {**data["roles"][index], **donor}
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan


def test_the_example_donor_role_acts_for_the_council() -> None:
    assert city_with().role("council_viewer").recipient == "city_council"
    assert city_with().role("caseworker").recipient is None


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"recipient": "city_counsil"}, "roles[5].recipient", "did you mean 'city_council'"),
        ({"recipient": "civic_data_lab"}, "roles[5].recipient", "aggregates_only: true"),
        ({"read": {"purposes": ["planning_statistics"]}}, "roles[5]", "remove its grants"),
        ({"approves_disclosures": True}, "roles[5]", "sees counts only"),
        ({"reads_audit": True}, "roles[5]", "sees counts only"),
        ({"staff": False}, "roles[5]", "keep staff: true"),
    ],
    ids=["unknown", "not-aggregates-only", "grant", "approver", "audit", "not-staff"],
)
def test_a_wrong_donor_role_is_refused_with_its_place(
    change: dict[str, Any], where: str, message: str
) -> None:
    with pytest.raises(PlanLoadError) as refused:
        city_with(**change)
    assert where in str(refused.value)
    assert message in str(refused.value)
