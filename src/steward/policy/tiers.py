"""Sensitivity tiers, from public to restricted."""

from __future__ import annotations

from enum import IntEnum


class Tier(IntEnum):
    """How much harm a disclosure could do; higher tiers tighten what the checks require.

    * ``PUBLIC``: nothing about identifiable people, or only what they published.
    * ``INTERNAL``: ordinary personal data (contact details, service history).
    * ``CONFIDENTIAL``: data whose leak causes real harm (government IDs, finances, location).
    * ``RESTRICTED``: special categories, immigration status, children, criminal records:
      a leak can endanger someone.
    """

    PUBLIC = 0
    INTERNAL = 1
    CONFIDENTIAL = 2
    RESTRICTED = 3

    @property
    def label(self) -> str:
        """The lower-case name used in plan files and documents."""
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Tier:
        """Look a tier up by its lower-case name.

        Raises:
            ValueError: the label names no tier.
        """
        try:
            return cls[label.upper()]
        except KeyError:
            names = ", ".join(t.label for t in cls)
            raise ValueError(f"'{label}' is not a tier; use one of {names}") from None
