"""Data subjects and purposes: why data is processed, on what basis, for how long."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from steward.policy.duration import DurationField
from steward.policy.model.common import Identifier, PlanModel, Text
from steward.policy.model.processing import SpecialCondition


class LegalBasis(StrEnum):
    """The lawful bases for processing (GDPR article 6 and its equivalents)."""

    CONSENT = "consent"
    LEGAL_OBLIGATION = "legal_obligation"
    PUBLIC_TASK = "public_task"
    VITAL_INTEREST = "vital_interest"
    CONTRACT = "contract"
    LEGITIMATE_INTEREST = "legitimate_interest"


class RetentionTrigger(StrEnum):
    """The event a retention period counts from."""

    COLLECTION = "collection"
    CASE_CLOSURE = "case_closure"
    LAST_CONTACT = "last_contact"
    CONSENT_WITHDRAWAL = "consent_withdrawal"


class ExpiryAction(StrEnum):
    """What happens to data when its retention period ends."""

    DELETE = "delete"
    AGGREGATE = "aggregate"
    ANONYMIZE = "anonymize"


class Retention(PlanModel):
    """How long data kept for a purpose lives: ``keep`` counted ``from`` an event."""

    keep: DurationField
    from_: RetentionTrigger = Field(alias="from", default=RetentionTrigger.COLLECTION)
    then: ExpiryAction = Field(
        default=ExpiryAction.DELETE,
        description="delete, or keep only counts and types (aggregate), or anonymize.",
    )
    model_config = PlanModel.model_config | {"populate_by_name": True}

    def describe(self) -> str:
        """Plain words, e.g. ``"2 years after case closure, then deleted"``."""
        event = self.from_.value.replace("_", " ")
        ending = {
            ExpiryAction.DELETE: "then deleted",
            ExpiryAction.AGGREGATE: "then reduced to counts and types",
            ExpiryAction.ANONYMIZE: "then anonymized",
        }[self.then]
        if self.keep.amount == 0:
            return f"until {event}, {ending}"
        return f"{self.keep.describe()} after {event}, {ending}"


class Subject(PlanModel):
    """A group of people whose data is held."""

    id: Identifier
    label: Text
    minors: bool = Field(default=False, description="Whether the group includes children.")
    description: Text | None = None


class Purpose(PlanModel):
    """Why data is processed, on what legal basis, and for how long it is kept."""

    id: Identifier
    label: Text
    description: Text | None = None
    legal_basis: LegalBasis | None = None
    legal_reference: Text | None = Field(
        default=None, description="The law, regulation or contract the basis rests on."
    )
    explicit_consent: bool = Field(
        default=False,
        description="Consent is explicit: a separate opt-in naming the data and purpose.",
    )
    consent_text: Text | None = Field(
        default=None, description="What the opt-in box says, for consent-based purposes."
    )
    retention: Retention | None = None
    internal_use: Text | None = Field(
        default=None, description="Who inside the organization uses the data, and how."
    )
    special_condition: SpecialCondition | None = Field(
        default=None,
        description="The Art. 9(2) condition that allows special-category data for it.",
    )
