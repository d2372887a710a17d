"""Which opt-ins a form needs: consent facts of a dataset, decided from the plan alone.

A purpose resting on consent gets its own opt-in box on the form. When a *required*
question serves only purposes resting on consent, the person cannot send the form
without agreeing to one of them: that box is needed, and the form and the privacy
notice must say so up front instead of calling every box optional.
"""

from __future__ import annotations

from steward.policy.model import Dataset, FieldSpec, LegalBasis, Plan


def consent_purposes(plan: Plan, dataset: Dataset) -> list[str]:
    """Ids of consent-based purposes that collected fields of ``dataset`` serve, in plan order."""
    used = {p for spec in dataset.collected_fields for p in spec.purposes}
    return [p.id for p in plan.purposes if p.id in used and p.legal_basis is LegalBasis.CONSENT]


def only_consent(plan: Plan, spec: FieldSpec) -> list[str]:
    """The field's purposes, in plan order, when every one of them rests on consent;
    empty when any purpose has another basis (then the answer may be kept without an
    opt-in) or the field serves none."""
    basis = {p.id: p.legal_basis for p in plan.purposes}
    if not spec.purposes or any(basis.get(p) is not LegalBasis.CONSENT for p in spec.purposes):
        return []
    return [p.id for p in plan.purposes if p.id in spec.purposes]


def needed_consents(plan: Plan, dataset: Dataset) -> list[str]:
    """Consent-based purposes the form cannot be sent without, in plan order.

    A purpose is needed when a required question of ``dataset`` serves it and no
    purpose of another basis. (A required question serving several consent purposes
    needs one of them; each is then listed.)
    """
    needed: set[str] = set()
    for spec in dataset.collected_fields:
        if spec.required:
            needed.update(only_consent(plan, spec))
    return [p for p in consent_purposes(plan, dataset) if p in needed]
