"""Small facts about a plan that several rule modules ask for.

Each function is pure and tolerant: an id the taxonomy does not know is treated as
ordinary personal data, so a rule never raises on a plan that loaded.
"""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.access import covers
from steward.policy.model import (
    Dataset,
    FieldSpec,
    Grant,
    Location,
    Masking,
    Plan,
    Role,
    country_of,
)
from steward.policy.taxonomy import Category

FieldRef = tuple[Location, Dataset, FieldSpec]
"""A field with its location in the plan, e.g. ``("datasets", 0, "fields", 3)``."""


def category_of(plan: Plan, category_id: str) -> Category | None:
    """The taxonomy entry for ``category_id``, or None when it is unknown."""
    return plan.taxonomy.get(category_id)


def is_personal(plan: Plan, category_id: str) -> bool:
    """Whether the category describes a person (unknown categories count as personal)."""
    category = category_of(plan, category_id)
    return category is None or category.personal


def needs_explicit_basis(plan: Plan, category_id: str) -> bool:
    """Whether the category is special, a vulnerable status, or about children."""
    category = category_of(plan, category_id)
    return category is not None and category.needs_explicit_basis


def is_special_or_status(plan: Plan, category_id: str) -> bool:
    """Whether the category is a special category or reveals a vulnerable status."""
    category = category_of(plan, category_id)
    return category is not None and (category.special or category.status)


def is_status(plan: Plan, category_id: str) -> bool:
    """Whether the category reveals a vulnerable status (immigration, criminal history...)."""
    category = category_of(plan, category_id)
    return category is not None and category.status


def collected_fields(plan: Plan) -> Iterator[FieldRef]:
    """Every stored field (not marked ``never``), with its location."""
    for d_index, dataset, f_index, spec in plan.fields():
        if spec.collected:
            yield ("datasets", d_index, "fields", f_index), dataset, spec


def personal_fields(plan: Plan) -> Iterator[FieldRef]:
    """Every stored field whose category describes a person."""
    for ref in collected_fields(plan):
        if is_personal(plan, ref[2].category):
            yield ref


def holds_personal_data(plan: Plan) -> bool:
    """Whether any stored field holds personal data."""
    return any(True for _ in personal_fields(plan))


def fields_covered(plan: Plan, grant: Grant) -> list[FieldSpec]:
    """Stored fields a grant reaches, by purpose or by category."""
    return [spec for _, _, spec in collected_fields(plan) if covers(grant, spec)]


def reads_personal_data(plan: Plan, role: Role) -> bool:
    """Whether the role's read grant reaches any stored personal field."""
    return any(is_personal(plan, spec.category) for spec in fields_covered(plan, role.read))


def revealable_sensitive(plan: Plan, role: Role) -> list[str]:
    """Special or status categories the role can see unmasked (sorted ids).

    A field is revealable when the role reads it and either reveals it or it is
    shown unmasked to every reader.
    """
    found: set[str] = set()
    for spec in fields_covered(plan, role.read):
        if not is_special_or_status(plan, spec.category):
            continue
        if covers(role.reveal, spec) or spec.masking is Masking.NONE:
            found.add(spec.category)
    return sorted(found)


def organization_countries(plan: Plan) -> set[str]:
    """Countries the organization operates in (from its jurisdictions)."""
    return {country_of(j) for j in plan.organization.jurisdictions}


def has_minors(plan: Plan) -> list[Location]:
    """Where the plan says it holds data about children (empty when it does not)."""
    places: list[Location] = []
    if plan.questionnaire.children:
        places.append(("questionnaire", "children"))
    places += [("subjects", i, "minors") for i, s in enumerate(plan.subjects) if s.minors]
    for location, _, spec in collected_fields(plan):
        category = category_of(plan, spec.category)
        if category is not None and category.children:
            places.append((*location, "category"))
    return places
