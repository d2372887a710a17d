"""The organization, its accountable people and its governance."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from steward.policy.duration import DurationField
from steward.policy.model.common import Contact, Jurisdiction, PlanModel, Text
from steward.policy.model.processing import OrganizationRole, ServedController, check_role


class OrganizationKind(StrEnum):
    """What kind of organization holds the data."""

    NONPROFIT = "nonprofit"
    CITY_DEPARTMENT = "city_department"
    CIVIC_PLATFORM = "civic_platform"
    HELP_DESK = "help_desk"
    OTHER = "other"


class OversightBody(PlanModel):
    """A standing group that reviews how sensitive data is handled."""

    name: Text
    members: list[Text] = Field(
        default_factory=list, description="Expertise on the body, e.g. legal, security."
    )
    meets: Text | None = Field(default=None, description="How often it meets, e.g. quarterly.")


class Organization(PlanModel):
    """Who holds the data, where, and who answers for it."""

    name: Text
    kind: OrganizationKind = OrganizationKind.OTHER
    jurisdictions: list[Jurisdiction] = Field(
        default_factory=list, description="Where the organization operates, e.g. [US-CA]."
    )
    website: Text | None = None
    address: Text | None = None
    privacy_officer: Contact | None = None
    oversight_body: OversightBody | None = None
    privacy_policy_url: Text | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = (
        Field(
            default="en", description="The language the documents are written in (BCP 47, e.g. en)."
        )
    )
    role: OrganizationRole = Field(
        default=OrganizationRole.CONTROLLER,
        description="controller, processor (for the controllers in acts_for) or both.",
    )
    acts_for: list[ServedController] = Field(
        default_factory=list, description="The controllers it processes data for."
    )
    representative: Contact | None = Field(
        default=None, description="Its representative where it has no establishment."
    )
    data_protection_officer: Contact | None = None

    @model_validator(mode="after")
    def _role_matches_controllers(self) -> Organization:
        check_role(self.role, self.acts_for)
        return self


class Complaints(PlanModel):
    """How a person complains about the handling of their data."""

    procedure: Text
    contact: Text | None = None


class Regulator(PlanModel):
    """The supervisory authority people can complain to."""

    name: Text
    url: Text | None = None


class Training(PlanModel):
    """Privacy training for staff and volunteers."""

    required: bool = True
    every: DurationField | None = Field(default=None, description="How often it is repeated.")


class Governance(PlanModel):
    """Accountability and enforcement: complaints, regulator, training, review."""

    complaints: Complaints | None = None
    regulator: Regulator | None = None
    training: Training | None = None
    review_every: DurationField | None = Field(
        default=None, description="How often the plan and people's concerns are reassessed."
    )
    senior_committee: Text | None = Field(
        default=None, description="The management body that signs the plan off."
    )
    failure_statement: Text | None = Field(
        default=None, description="What the organization does if its privacy measures fail."
    )
    team_acknowledgement: bool = Field(
        default=True, description="Every team member must acknowledge the plan."
    )
