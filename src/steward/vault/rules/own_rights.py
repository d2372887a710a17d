"""What a person may do with their own data, field by field: a pure table of the plan.

A person acts under the plan's self-service role
(:func:`steward.policy.self_service_role`, scope ``own``). For each field of a dataset:

- **shown**: the role's read grant covers it. The person sees their own value *in
  clear*: masking protects people from staff who do not need a value, not from
  themselves, so a field the role reads is never masked on the person's own page.
- **staff-only**: the role does not read it (notes kept for planning, for instance).
  Its value is never shown; the page lists it by label only, and the person may ask
  for it (an access request that staff answer).
- **correct directly**: ``rights.correction`` is on and the role may write the field
  (:func:`steward.policy.decide` with ``write``): the new value is validated like
  intake and stored at once.
- **correct by request**: ``rights.correction`` is on, the field is shown, and the role
  may not write it: the proposed value goes to staff, who decide.
- **refused**: ``rights.correction`` is off, the field is staff-only, marked ``never``
  (nothing is recorded, so nothing can be corrected), or not declared at all.

Whether the plan lets people see their data at all (``rights.access``) and take a copy
(``rights.export``) is decided here too. Plain Python: no database, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from steward.policy import decide
from steward.policy.model import Action, Dataset, FieldSpec, Plan, Role

__all__ = [
    "Correction",
    "FieldRight",
    "correction_for",
    "field_rights",
    "may_copy",
    "may_see",
]


class Correction(StrEnum):
    """How a person's correction of one field is handled."""

    DIRECT = "direct"
    """Validated and stored at once."""
    REQUEST = "request"
    """Sent to staff as a correction request."""
    REFUSED = "refused"
    """Not possible (see :attr:`FieldRight.reason`)."""


@dataclass(frozen=True)
class FieldRight:
    """What the person may do with one field.

    Attributes:
        field: the field's name.
        shown: the person sees its value (in clear); otherwise it is staff-only.
        correction: how a correction of it is handled.
        reason: why, in a sentence for the person (never a value).
    """

    field: str
    shown: bool
    correction: Correction
    reason: str


def may_see(plan: Plan) -> bool:
    """Whether the plan lets people see their own data (``rights.access``)."""
    return plan.rights.access


def may_copy(plan: Plan) -> bool:
    """Whether the plan lets people take a copy of their data (``rights.export``)."""
    return plan.rights.export


def correction_for(
    plan: Plan, role: Role, dataset: Dataset, field: str, *, today: date | None = None
) -> FieldRight:
    """What ``role`` (the person's) may do with ``dataset.field`` under ``plan``.

    An undeclared field name is answered as refused, never as an error.
    """
    try:
        spec = dataset.field(field)
    except KeyError:
        return FieldRight(field, False, Correction.REFUSED, "this form has no such field")
    return _right(plan, role, spec, today)


def field_rights(
    plan: Plan, role: Role, dataset: Dataset, *, today: date | None = None
) -> tuple[FieldRight, ...]:
    """What ``role`` may do with each field the dataset stores (``never`` fields are
    left out: nothing is ever recorded in them), in the plan's order."""
    return tuple(_right(plan, role, spec, today) for spec in dataset.collected_fields)


def _right(plan: Plan, role: Role, spec: FieldSpec, today: date | None) -> FieldRight:
    name = spec.name
    if spec.never:
        return FieldRight(name, False, Correction.REFUSED, "this answer is never recorded")
    shown = may_see(plan) and decide(role, Action.READ, spec, today=today).allowed
    if not shown:
        return FieldRight(
            name,
            False,
            Correction.REFUSED,
            "staff keep this field for their work; you may ask to see it",
        )
    if not plan.rights.correction:
        return FieldRight(
            name, True, Correction.REFUSED, "this organization does not take corrections here"
        )
    if decide(role, Action.WRITE, spec, today=today).allowed:
        return FieldRight(name, True, Correction.DIRECT, "you may correct this yourself")
    return FieldRight(
        name, True, Correction.REQUEST, "a correction of this field is checked by staff first"
    )
