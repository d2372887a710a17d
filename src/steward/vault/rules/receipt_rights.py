"""What a receipt tells a person their access code lets them do, read from the plan.

Each phrase is offered only when the plan offers the right (``rights.*``), and each is
a page of the person's own space (``/me/``) that carries it out, so the receipt never
promises a right the vault does not give. Plain Python: no Django.
"""

from __future__ import annotations

from steward.policy import consent_purposes
from steward.policy.model import Dataset, Plan


def receipt_rights(plan: Plan, dataset: Dataset) -> list[str]:
    """The things the person can do with their code, as phrases completing "With this
    code you can ...", in a stable order; empty when the plan offers none."""
    rights = plan.rights
    asks_consent = bool(consent_purposes(plan, dataset))
    offered = (
        (rights.access, "see the information we hold about you"),
        (rights.export, "take a copy of it in a file"),
        (rights.correction, "correct it, or ask us to"),
        (rights.erasure, "erase it, or ask us to when the law makes us keep some of it"),
        (
            rights.withdraw_consent and asks_consent,
            "withdraw an agreement you gave, at any time",
        ),
        (
            rights.privacy_settings and asks_consent,
            "give an agreement you did not give today",
        ),
    )
    return [phrase for on, phrase in offered if on]
