"""Sensitivity classification: from the questionnaire and categories to a tier."""

from __future__ import annotations

from dataclasses import dataclass

from steward.policy.model import HostedBy, Location, Plan
from steward.policy.tiers import Tier

LARGE_HOLDING = 100_000
"""A holding about this many people or more sits one tier higher."""


@dataclass(frozen=True)
class Factor:
    """One reason the holding's tier is at least ``tier``."""

    tier: Tier
    reason: str
    location: Location


@dataclass(frozen=True)
class Classification:
    """The holding's tier and every factor that raised it, highest first."""

    tier: Tier
    factors: tuple[Factor, ...]

    def describe(self) -> str:
        """One line, e.g. ``restricted (holds Health; involves children)``."""
        raising = [f.reason for f in self.factors if f.tier == self.tier]
        return f"{self.tier.label} ({'; '.join(raising)})" if raising else self.tier.label


def classify(plan: Plan) -> Classification:
    """Compute the sensitivity tier of the holding a plan describes.

    The tier is the highest of its factors: each category held (its taxonomy tier),
    children, special categories, cross-border transfers, sharing with outside
    analysts, third-party hosting and the number of people. Fields marked ``never``
    do not count, because nothing is stored for them.
    """
    factors = _category_factors(plan) + _questionnaire_factors(plan)
    base = max((f.tier for f in factors), default=Tier.PUBLIC)
    people = plan.questionnaire.people
    if people is not None and people >= LARGE_HOLDING and Tier.PUBLIC < base < Tier.RESTRICTED:
        factors.append(
            Factor(
                Tier(base + 1),
                f"about {people:,} people: a large holding raises the tier by one",
                ("questionnaire", "people"),
            )
        )
    factors.sort(key=lambda f: -f.tier)
    return Classification(max((f.tier for f in factors), default=Tier.PUBLIC), tuple(factors))


def purpose_tier(plan: Plan, purpose_id: str) -> Tier:
    """The tier of the data a purpose uses: the highest tier of its stored fields' categories."""
    tiers = [
        plan.category(spec.category).tier
        for _, _, _, spec in plan.fields()
        if spec.collected and purpose_id in spec.purposes and spec.category in plan.taxonomy
    ]
    return max(tiers, default=Tier.PUBLIC)


def _category_factors(plan: Plan) -> list[Factor]:
    factors: list[Factor] = []
    seen: set[str] = set()
    for d_index, _, f_index, spec in plan.fields():
        if not spec.collected or spec.category in seen or spec.category not in plan.taxonomy:
            continue
        seen.add(spec.category)
        category = plan.category(spec.category)
        if category.tier > Tier.PUBLIC:
            where: Location = ("datasets", d_index, "fields", f_index, "category")
            factors.append(Factor(category.tier, f"holds {category.label}", where))
    for index, kind in enumerate(plan.questionnaire.data_kinds):
        if kind in seen or kind not in plan.taxonomy:
            continue
        seen.add(kind)
        category = plan.category(kind)
        if category.tier > Tier.PUBLIC:
            where = ("questionnaire", "data_kinds", index)
            reason = f"the questionnaire says it holds {category.label}"
            factors.append(Factor(category.tier, reason, where))
    return factors


def _questionnaire_factors(plan: Plan) -> list[Factor]:
    q = plan.questionnaire
    factors: list[Factor] = []
    minors = [i for i, s in enumerate(plan.subjects) if s.minors]
    if q.children:
        factors.append(Factor(Tier.RESTRICTED, "involves children", ("questionnaire", "children")))
    elif minors:
        where: Location = ("subjects", minors[0], "minors")
        factors.append(Factor(Tier.RESTRICTED, "a data subject group includes children", where))
    if q.special_categories:
        where = ("questionnaire", "special_categories")
        factors.append(Factor(Tier.RESTRICTED, "involves special categories of data", where))
    personal = any(
        plan.category(spec.category).personal
        for _, _, _, spec in plan.fields()
        if spec.collected and spec.category in plan.taxonomy
    )
    if not personal:
        return factors
    if q.cross_border_transfers:
        where = ("questionnaire", "cross_border_transfers")
        factors.append(Factor(Tier.CONFIDENTIAL, "personal data crosses borders", where))
    if q.shared_with_external_analysts:
        where = ("questionnaire", "shared_with_external_analysts")
        factors.append(Factor(Tier.CONFIDENTIAL, "shared with outside analysts", where))
    if q.hosting.by is HostedBy.THIRD_PARTY:
        where = ("questionnaire", "hosting", "by")
        factors.append(Factor(Tier.CONFIDENTIAL, "hosted by a third party", where))
    return factors
