"""Classification: the tier of a holding and every factor that raised it."""

from __future__ import annotations

from typing import Any

import pytest

from steward.policy.classification import LARGE_HOLDING, classify, purpose_tier
from steward.policy.model import Plan
from steward.policy.tiers import Tier


def _plan(
    fields: list[tuple[str, bool]],
    *,
    minors: bool = False,
    **questionnaire: Any,
) -> Plan:
    """A small plan whose one dataset holds a field per (category, never) pair."""
    return Plan.model_validate(
        {
            "steward": 1,
            "version": "1",
            "organization": {"name": "Org"},
            "questionnaire": questionnaire,
            "subjects": [{"id": "client", "label": "Clients", "minors": minors}],
            "purposes": [{"id": "service", "label": "Service"}],
            "datasets": [
                {
                    "id": "intake",
                    "label": "Intake",
                    "fields": [
                        {
                            "name": f"f{i}",
                            "label": category,
                            "category": category,
                            "purposes": ["service"],
                            "never": never,
                        }
                        for i, (category, never) in enumerate(fields)
                    ],
                }
            ],
        }
    )


def _c(category: str) -> tuple[str, bool]:
    return (category, False)


def _never(category: str) -> tuple[str, bool]:
    return (category, True)


THIRD_PARTY = {"by": "third_party", "provider": "Cloud"}

# (id, plan, expected tier, reasons of the factors at that tier, in order)
CASES: list[tuple[str, Plan, Tier, list[str]]] = [
    ("nothing held", _plan([]), Tier.PUBLIC, []),
    ("operational only", _plan([_c("operational")]), Tier.PUBLIC, []),
    ("contact details", _plan([_c("contact")]), Tier.INTERNAL, ["holds Contact details"]),
    ("demographic", _plan([_c("demographic")]), Tier.INTERNAL, ["holds Demographic data"]),
    ("location", _plan([_c("contact"), _c("location")]), Tier.CONFIDENTIAL, ["holds Location"]),
    (
        "government id",
        _plan([_c("government_id")]),
        Tier.CONFIDENTIAL,
        ["holds Government identifiers"],
    ),
    ("health", _plan([_c("contact"), _c("health")]), Tier.RESTRICTED, ["holds Health"]),
    (
        "two restricted categories",
        _plan([_c("health"), _c("religion")]),
        Tier.RESTRICTED,
        ["holds Health", "holds Religion or belief"],
    ),
    (
        "never field does not count",
        _plan([_c("contact"), _never("immigration_status")]),
        Tier.INTERNAL,
        ["holds Contact details"],
    ),
    ("only never fields", _plan([_never("criminal_history")]), Tier.PUBLIC, []),
    (
        "questionnaire data kinds count without fields",
        _plan([], data_kinds=["health"]),
        Tier.RESTRICTED,
        ["the questionnaire says it holds Health"],
    ),
    ("children", _plan([_c("contact")], children=True), Tier.RESTRICTED, ["involves children"]),
    (
        "a subject group with minors",
        _plan([_c("contact")], minors=True),
        Tier.RESTRICTED,
        ["a data subject group includes children"],
    ),
    (
        "special categories",
        _plan([_c("contact")], special_categories=True),
        Tier.RESTRICTED,
        ["involves special categories of data"],
    ),
    (
        "cross-border transfers",
        _plan([_c("contact")], cross_border_transfers=True),
        Tier.CONFIDENTIAL,
        ["personal data crosses borders"],
    ),
    (
        "cross-border transfers of non-personal data",
        _plan([_c("operational")], cross_border_transfers=True),
        Tier.PUBLIC,
        [],
    ),
    (
        "outside analysts",
        _plan([_c("contact")], shared_with_external_analysts=True),
        Tier.CONFIDENTIAL,
        ["shared with outside analysts"],
    ),
    (
        "third-party hosting",
        _plan([_c("contact")], hosting=THIRD_PARTY),
        Tier.CONFIDENTIAL,
        ["hosted by a third party"],
    ),
    (
        "large holding raises internal to confidential",
        _plan([_c("contact")], people=LARGE_HOLDING),
        Tier.CONFIDENTIAL,
        ["about 100,000 people: a large holding raises the tier by one"],
    ),
    (
        "just below the large holding",
        _plan([_c("contact")], people=LARGE_HOLDING - 1),
        Tier.INTERNAL,
        ["holds Contact details"],
    ),
    (
        "large holding raises confidential to restricted",
        _plan([_c("location")], people=250_000),
        Tier.RESTRICTED,
        ["about 250,000 people: a large holding raises the tier by one"],
    ),
    (
        "large holding cannot go above restricted",
        _plan([_c("health")], people=5_000_000),
        Tier.RESTRICTED,
        ["holds Health"],
    ),
    (
        "large holding of public data stays public",
        _plan([_c("operational")], people=5_000_000),
        Tier.PUBLIC,
        [],
    ),
]


@pytest.mark.parametrize(
    ("plan", "tier", "reasons"),
    [pytest.param(plan, tier, reasons, id=name) for name, plan, tier, reasons in CASES],
)
def test_tier_and_factors(plan: Plan, tier: Tier, reasons: list[str]) -> None:
    result = classify(plan)
    assert result.tier is tier
    assert [f.reason for f in result.factors if f.tier is tier] == reasons
    assert all(f.tier <= result.tier for f in result.factors)
    assert [f.tier for f in result.factors] == sorted(
        (f.tier for f in result.factors), reverse=True
    )


def test_large_holding_adds_exactly_one_factor() -> None:
    result = classify(_plan([_c("contact")], people=LARGE_HOLDING))
    large = [f for f in result.factors if "large holding" in f.reason]
    assert len(large) == 1
    assert large[0].location == ("questionnaire", "people")


def test_factor_locations_point_into_the_plan() -> None:
    result = classify(_plan([_c("operational"), _c("health")], children=True))
    where = {f.reason: f.location for f in result.factors}
    assert where["holds Health"] == ("datasets", 0, "fields", 1, "category")
    assert where["involves children"] == ("questionnaire", "children")


def test_describe() -> None:
    assert classify(_plan([])).describe() == "public"
    assert classify(_plan([_c("health")], children=True)).describe() == (
        "restricted (holds Health; involves children)"
    )


def test_purpose_tier_ignores_never_fields() -> None:
    plan = _plan([_c("contact"), _never("health")])
    assert purpose_tier(plan, "service") is Tier.INTERNAL
    assert purpose_tier(plan, "unused") is Tier.PUBLIC
