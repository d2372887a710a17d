"""The record of processing: special categories name their Art. 9(2) condition, and
data sent abroad names the safeguard it travels under."""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.facts import (
    category_of,
    collected_fields,
    is_personal,
    organization_countries,
)
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.model import Plan, Purpose, SpecialCondition, country_of


def special_categories_of(plan: Plan, purpose: Purpose) -> list[str]:
    """Ids of the special categories that stored fields hold for ``purpose``, sorted."""
    found: set[str] = set()
    for _, _, spec in collected_fields(plan):
        category = category_of(plan, spec.category)
        if category is not None and category.special and purpose.id in spec.purposes:
            found.add(spec.category)
    return sorted(found)


def _special_without_condition(ctx: CheckContext) -> Iterator[Issue]:
    for index, purpose in enumerate(ctx.plan.purposes):
        held = special_categories_of(ctx.plan, purpose)
        if held and purpose.special_condition is None:
            yield Issue(
                ("purposes", index),
                f"purpose '{purpose.id}' uses the special categories {', '.join(held)} "
                "but names no Art. 9(2) condition",
            )


def _condition_without_explicit_consent(ctx: CheckContext) -> Iterator[Issue]:
    for index, purpose in enumerate(ctx.plan.purposes):
        if (
            purpose.special_condition is SpecialCondition.EXPLICIT_CONSENT
            and not purpose.explicit_consent
        ):
            yield Issue(
                ("purposes", index, "special_condition"),
                f"purpose '{purpose.id}' relies on explicit consent for special categories, "
                "but its consent is not explicit",
            )


def _abroad_without_safeguard(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    home = organization_countries(plan)
    if not home:
        return
    for index, recipient in enumerate(plan.recipients):
        if recipient.location is None or country_of(recipient.location) in home:
            continue
        if recipient.aggregates_only or recipient.transfer_safeguard is not None:
            continue
        if any(is_personal(plan, c) for c in recipient.categories):
            yield Issue(
                ("recipients", index, "location"),
                f"recipient '{recipient.id}' receives personal data in {recipient.location} "
                "and no transfer safeguard is named",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        id="LAW010",
        title="Special-category data names the Art. 9(2) condition that allows it",
        severity=Severity.WARNING,
        area=Area.LEGAL_BASIS,
        hint=(
            "Set special_condition on the purpose (e.g. explicit_consent, "
            "health_or_social_care, substantial_public_interest); the record of "
            "processing states it."
        ),
        check=_special_without_condition,
    ),
    Rule(
        id="LAW011",
        title="A purpose relying on explicit consent asks for it explicitly",
        severity=Severity.WARNING,
        area=Area.LEGAL_BASIS,
        hint="Set explicit_consent: true on the purpose, or name another special_condition.",
        check=_condition_without_explicit_consent,
    ),
    Rule(
        id="HOST007",
        title="Personal data sent abroad names its transfer safeguard",
        severity=Severity.WARNING,
        area=Area.HOSTING,
        hint=(
            "Set transfer_safeguard on the recipient (adequacy_decision, "
            "standard_contractual_clauses, binding_corporate_rules, code_of_conduct, "
            "certification or derogation)."
        ),
        check=_abroad_without_safeguard,
    ),
)
