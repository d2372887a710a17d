"""The impact assessment's inputs: per category held, the facts the risk rating needs."""

from __future__ import annotations

from dataclasses import dataclass

from steward.policy.access import covers
from steward.policy.documents.context import category_label
from steward.policy.documents.risk import Exposure, Rating, Safeguards, assess
from steward.policy.model import (
    DatasetKind,
    FieldSpec,
    HostedBy,
    Masking,
    Plan,
    Recipient,
    RecipientKind,
    country_of,
)
from steward.policy.safeguards import enforced

ENFORCED_BY: dict[str, tuple[str, ...]] = {
    "encrypted": ("field_encryption",),
    "masked": ("masking", "reveal_with_reason"),
    "mfa": ("mfa",),
    "sealed": ("sealed_intake",),
    "retention": ("retention_sweep",),
    "disclosure_rules": ("disclosure_grounds", "disclosure_approval"),
    "limited_sharing": ("aggregates_only", "deidentified_extracts"),
}
"""The registry entries (:mod:`steward.policy.safeguards`) that must all be enforced for
a safeguard of the risk rating to count."""


@dataclass(frozen=True)
class CategoryRisk:
    """A category held, what makes it risky, and its rating before and after safeguards."""

    id: str
    label: str
    fields: list[str]
    exposure: Exposure
    safeguards: Safeguards
    rating: Rating


def category_risks(plan: Plan) -> list[CategoryRisk]:
    """Rate every category some stored field holds, highest residual risk first."""
    risks = [_category_risk(plan, category) for category in _held_in_order(plan)]
    risks.sort(key=lambda r: (-r.rating.residual, -r.rating.inherent, r.label))
    return risks


def never_recorded(plan: Plan) -> list[tuple[str, str]]:
    """(question, category) for every field whose answer is never recorded."""
    return [
        (spec.label, category_label(plan, spec.category))
        for _, _, _, spec in plan.fields()
        if spec.never
    ]


def _held_in_order(plan: Plan) -> list[str]:
    seen: list[str] = []
    for _, _, _, spec in plan.fields():
        if spec.collected and spec.category not in seen:
            seen.append(spec.category)
    return seen


def _receivers(plan: Plan, category_id: str, purposes: set[str]) -> list[Recipient]:
    return [
        r
        for r in plan.recipients
        if r.kind is not RecipientKind.PROCESSOR
        and (category_id in r.categories or (not r.categories and purposes & set(r.purposes)))
    ]


def _category_risk(plan: Plan, category_id: str) -> CategoryRisk:
    fields: list[FieldSpec] = []
    minors = plan.questionnaire.children
    unsealed_intake = False
    intake = False
    for _, dataset, _, spec in plan.fields():
        if spec.collected and spec.category == category_id:
            fields.append(spec)
            minors = minors or any(s.minors for s in plan.subjects if s.id in dataset.subjects)
            if dataset.kind is DatasetKind.INTAKE_FORM:
                intake = True
                unsealed_intake = unsealed_intake or not dataset.sealed
    purposes = plan.purposes_of_category(category_id)
    category = plan.category(category_id)
    receivers = _receivers(plan, category_id, purposes)
    processors = [
        r
        for r in plan.recipients
        if r.kind is RecipientKind.PROCESSOR and category_id in r.categories
    ]
    home = {country_of(j) for j in plan.organization.jurisdictions}
    abroad = any(
        r.location is not None and home and country_of(r.location) not in home
        for r in receivers + processors
    )
    exposure = Exposure(
        tier=category.tier,
        special=category.special,
        status=category.status,
        children=category.children or minors,
        third_party_hosting=plan.questionnaire.hosting.by is HostedBy.THIRD_PARTY
        or bool(processors),
        cross_border=plan.questionnaire.cross_border_transfers or abroad,
        shared=bool(receivers),
        people=plan.questionnaire.people,
    )
    readers = [
        role
        for role in plan.roles
        if role.staff and any(covers(role.read, spec) for spec in fields)
    ]
    rules = plan.disclosure
    asked = {
        "encrypted": all(spec.encrypted for spec in fields),
        "masked": all(spec.masking is not Masking.NONE for spec in fields),
        "mfa": all(role.mfa for role in readers),
        "sealed": intake and not unsealed_intake,
        "retention": all(plan.purpose(p).retention is not None for p in purposes),
        "disclosure_rules": rules is not None
        and bool(rules.allowed_grounds)
        and all(g.sufficient for g in rules.allowed_grounds)
        and bool(rules.approver_roles)
        and rules.approver_not_requester,
        "limited_sharing": all(r.aggregates_only or r.deidentified_only for r in receivers),
    }
    kept = {name: all(enforced(s) for s in ENFORCED_BY[name]) for name in asked}
    safeguards = Safeguards(
        **{name: on and kept[name] for name, on in asked.items()},
        planned=frozenset(name for name, on in asked.items() if on and not kept[name]),
        irrelevant=frozenset() if intake else frozenset({"sealed"}),
    )
    return CategoryRisk(
        id=category_id,
        label=category_label(plan, category_id),
        fields=[spec.label for spec in fields],
        exposure=exposure,
        safeguards=safeguards,
        rating=assess(exposure, safeguards),
    )
