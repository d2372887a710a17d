"""Whole fake submissions: one made-up person's answers to a dataset, and their consents."""

from __future__ import annotations

from collections.abc import Mapping

from faker import Faker

from steward.policy.model import Dataset, FieldSpec, LegalBasis, Plan
from steward.synthetic.persona import new_persona
from steward.synthetic.values import fake_value

VOLUNTARY_RATE = 0.6
"""How often a voluntary field is answered."""
CONSENT_RATE = 0.4
"""How often a person opts in to a consent-based purpose they were not obliged to."""


def fake_submission(
    plan: Plan, dataset_id: str, faker: Faker, *, voluntary_rate: float = VOLUNTARY_RATE
) -> dict[str, str]:
    """One fictional person's answers to ``dataset_id``: every required field, each
    voluntary field with probability ``voluntary_rate``, and never a ``never`` field.

    Pair it with :func:`fake_consents` for the opt-ins that make it acceptable.

    Raises:
        KeyError: the plan has no such dataset.
    """
    dataset = plan.dataset(dataset_id)
    persona = new_persona(faker)
    answers: dict[str, str] = {}
    for spec in dataset.collected_fields:
        if spec.required or faker.random.random() < voluntary_rate:
            answers[spec.name] = fake_value(spec, faker, persona)
    return answers


def fake_consents(
    plan: Plan,
    dataset_id: str,
    answers: Mapping[str, str],
    faker: Faker,
    *,
    rate: float = CONSENT_RATE,
) -> frozenset[str]:
    """The consent-based purposes a person opts in to alongside ``answers``.

    Each purpose is chosen with probability ``rate``, and always when an answer given
    serves only consent-based purposes (otherwise the answer could not be kept).

    Raises:
        KeyError: the plan has no such dataset.
    """
    dataset = plan.dataset(dataset_id)
    consentable = consent_purposes(plan, dataset)
    chosen = {p for p in consentable if faker.random.random() < rate}
    for spec in dataset.collected_fields:
        needs_one = spec.name in answers and _only_consent(spec, consentable)
        if needs_one and not chosen.intersection(spec.purposes):
            chosen.add(faker.random_element(sorted(set(spec.purposes))))
    return frozenset(chosen)


def consent_purposes(plan: Plan, dataset: Dataset) -> list[str]:
    """Ids of the consent-based purposes that collected fields of ``dataset`` serve."""
    used = {p for spec in dataset.collected_fields for p in spec.purposes}
    return [p.id for p in plan.purposes if p.id in used and p.legal_basis is LegalBasis.CONSENT]


def _only_consent(spec: FieldSpec, consentable: list[str]) -> bool:
    return bool(spec.purposes) and all(p in consentable for p in spec.purposes)
