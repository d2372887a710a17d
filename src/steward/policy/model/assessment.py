"""What the impact assessment needs beyond the rest of the plan: who was consulted,
the harms the organization foresees, and the sign-off.

A plan without ``consultation`` and ``sign_off`` still gets an impact assessment, marked
as a draft on every page.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from steward.policy.model.common import Identifier, PlanModel, Text


class Scale(StrEnum):
    """A likelihood or a severity, as the organization rates a harm."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Consulted(StrEnum):
    """Whom a consultation heard."""

    AFFECTED_PEOPLE = "affected_people"
    """People whose data is held."""
    REPRESENTATIVES = "representatives"
    """People who speak for them: advocates, community groups, unions."""
    PROCESSOR = "processor"
    """A processor that holds or handles the data for the organization."""
    SECURITY = "security"
    """Security or information-technology staff."""
    STAFF = "staff"
    """Other staff or volunteers who handle the data."""
    LEGAL = "legal"
    """Lawyers or legal advisers."""
    OTHER = "other"


class Consultation(PlanModel):
    """One consultation: who was heard, when, and what they said."""

    who: Text = Field(description="Who was consulted (a group or an office, not a person's data).")
    kind: Consulted = Field(
        description="affected_people, representatives, processor, security, staff, legal or other."
    )
    when: date = Field(description="The date of the consultation (YYYY-MM-DD).")
    said: Text = Field(description="What they said.")
    outcome: Text | None = Field(
        default=None, description="What the organization changed or decided in response."
    )


class Harm(PlanModel):
    """A harm to people the organization foresees, with its rating and its measures."""

    description: Text = Field(description="What could happen to people, in plain words.")
    affects: list[Identifier] = Field(
        min_length=1, description="The data subjects (ids) it would happen to."
    )
    likelihood: Scale = Field(description="How likely it is before any measure.")
    severity: Scale = Field(description="How much harm it would do.")
    measures: list[Identifier] = Field(
        default_factory=list,
        description="Safeguards against it (ids of Steward's safeguards); only those "
        "Steward enforces for the plan lower the risk.",
    )


class SignOff(PlanModel):
    """Who approved the measures and the residual risk, and the officer's advice."""

    approved_by: Text = Field(description="Who approved the measures and the residual risk.")
    approved_on: date = Field(description="The date of approval (YYYY-MM-DD).")
    dpo_advice: Text = Field(description="The data-protection officer's advice.")
    advice_followed: bool = Field(description="Whether the advice was followed.")
    reason_if_overruled: Text | None = Field(
        default=None, description="Why the advice was not followed (only when it was not)."
    )
    next_review: date = Field(description="When the assessment is next reviewed (YYYY-MM-DD).")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        """The reason is given exactly when the advice was overruled, and the next review
        comes after the approval.

        Raises:
            ValueError: either rule is broken (reported at ``sign_off``).
        """
        if not self.advice_followed and self.reason_if_overruled is None:
            raise ValueError("advice_followed is false: say why in reason_if_overruled")
        if self.advice_followed and self.reason_if_overruled is not None:
            raise ValueError(
                "reason_if_overruled is given but advice_followed is true: remove the "
                "reason or set advice_followed: false"
            )
        if self.next_review <= self.approved_on:
            raise ValueError("next_review must come after approved_on")
        return self
