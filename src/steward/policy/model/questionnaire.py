"""The data-security questionnaire: the facts classification starts from."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from steward.policy.model.common import Identifier, Jurisdiction, PlanModel, Text
from steward.policy.model.purposes import LegalBasis


class HostedBy(StrEnum):
    """Who runs the systems that hold the data."""

    SELF = "self"
    THIRD_PARTY = "third_party"


class Hosting(PlanModel):
    """Where the data lives."""

    by: HostedBy = HostedBy.SELF
    provider: Text | None = None
    location: Jurisdiction | None = None


class Origin(StrEnum):
    """Where the data came from."""

    DATA_SUBJECTS = "data_subjects"
    PARTNER = "partner"
    PUBLIC_RECORDS = "public_records"
    PURCHASED = "purchased"
    OTHER = "other"


class Lawfulness(StrEnum):
    """Whether the organization has checked the data was collected lawfully."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


def _yes_no(value: Any) -> Any:
    """YAML reads a bare ``yes`` or ``no`` as a boolean; take it as the answer meant."""
    if isinstance(value, bool):
        return Lawfulness.YES if value else Lawfulness.NO
    return value


class Source(PlanModel):
    """Where the data came from and on what basis it was collected."""

    origin: Origin = Origin.DATA_SUBJECTS
    basis: LegalBasis | None = None
    lawfully_collected: Annotated[Lawfulness, BeforeValidator(_yes_no)] = Lawfulness.UNKNOWN
    notes: Text | None = None


class Questionnaire(PlanModel):
    """Answers to the data-security questionnaire."""

    data_kinds: list[Identifier] = Field(
        default_factory=list, description="Categories of data held (taxonomy ids)."
    )
    subjects: list[Identifier] = Field(
        default_factory=list, description="Whose data it is (data subject ids)."
    )
    people: int | None = Field(default=None, ge=0, description="Roughly how many people.")
    hosting: Hosting = Field(default_factory=Hosting)
    access: list[Text] = Field(
        default_factory=list, description="Which people or staff groups have access."
    )
    cross_border_transfers: bool = False
    children: bool = False
    special_categories: bool = False
    shared_with_external_analysts: bool = False
    source: Source = Field(default_factory=Source)
