"""What the record of processing needs beyond the rest of the plan (GDPR Art. 30).

The organization's role (controller, processor or both) and the controllers it acts
for; its representative and data-protection officer; where each dataset's data comes
from; the Art. 9(2) condition a purpose relies on for special-category data; the
safeguard under which a recipient abroad receives data (Art. 46 and 49). Every field
here is optional, so plans written before it still load.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from steward.policy.model.common import Contact, PlanModel, Text


class OrganizationRole(StrEnum):
    """Whether the organization decides why data is processed, processes it for
    someone else, or both."""

    CONTROLLER = "controller"
    PROCESSOR = "processor"
    BOTH = "both"

    @property
    def processes_for_others(self) -> bool:
        """Whether the organization acts as a processor for some controller."""
        return self is not OrganizationRole.CONTROLLER


class ServedController(PlanModel):
    """A controller the organization processes data for (GDPR Art. 30(2)(a))."""

    name: Text
    address: Text | None = None
    contact: Contact | None = Field(default=None, description="Who to write to there.")
    representative: Contact | None = Field(
        default=None, description="Its representative in the organization's jurisdiction."
    )
    data_protection_officer: Contact | None = None
    processing: list[Text] = Field(
        min_length=1,
        description="The categories of processing carried out for it, e.g. 'hosting'.",
    )


def check_role(role: OrganizationRole, acts_for: list[ServedController]) -> None:
    """Whether ``role`` and ``acts_for`` agree.

    Raises:
        ValueError: a processor names no controller, or a controller names some.
    """
    if role.processes_for_others and not acts_for:
        raise ValueError(
            f"role '{role.value}' means the organization processes data for others: "
            "name each controller under acts_for"
        )
    if not role.processes_for_others and acts_for:
        raise ValueError(
            "acts_for names controllers, so the organization is a processor: "
            "set role to 'processor' or 'both'"
        )


class CollectedFrom(StrEnum):
    """Where a dataset's data comes from."""

    THE_PERSON = "the_person"
    THIRD_PARTY = "third_party"
    PUBLIC_SOURCE = "public_source"


class DataSource(PlanModel):
    """Where a dataset's data comes from, and from whom when not from the person."""

    from_: CollectedFrom = Field(
        alias="from", description="the_person, third_party or public_source."
    )
    party: Text | None = Field(
        default=None, description="Who supplies it, when it is not the person themself."
    )
    model_config = PlanModel.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _party_named(self) -> DataSource:
        if self.from_ is not CollectedFrom.THE_PERSON and self.party is None:
            raise ValueError(
                f"data from {self.from_.value.replace('_', ' ')} must name where it comes "
                "from under party"
            )
        return self


class SpecialCondition(StrEnum):
    """The conditions of GDPR Art. 9(2) under which special categories may be processed."""

    EXPLICIT_CONSENT = "explicit_consent"
    EMPLOYMENT_SOCIAL_SECURITY = "employment_social_security"
    VITAL_INTERESTS = "vital_interests"
    NOT_FOR_PROFIT_BODY = "not_for_profit_body"
    MADE_PUBLIC = "made_public"
    LEGAL_CLAIMS = "legal_claims"
    SUBSTANTIAL_PUBLIC_INTEREST = "substantial_public_interest"
    HEALTH_OR_SOCIAL_CARE = "health_or_social_care"
    PUBLIC_HEALTH = "public_health"
    ARCHIVING_RESEARCH_STATISTICS = "archiving_research_statistics"

    def describe(self) -> str:
        """Plain words with the article, e.g. ``explicit consent (Art. 9(2)(a))``."""
        return _CONDITION_WORDS[self]


_CONDITION_WORDS = {
    SpecialCondition.EXPLICIT_CONSENT: "the person's explicit consent (Art. 9(2)(a))",
    SpecialCondition.EMPLOYMENT_SOCIAL_SECURITY: (
        "obligations in employment and social security law (Art. 9(2)(b))"
    ),
    SpecialCondition.VITAL_INTERESTS: (
        "the vital interests of a person unable to consent (Art. 9(2)(c))"
    ),
    SpecialCondition.NOT_FOR_PROFIT_BODY: (
        "the activities of a not-for-profit body with members (Art. 9(2)(d))"
    ),
    SpecialCondition.MADE_PUBLIC: "data the person has made public (Art. 9(2)(e))",
    SpecialCondition.LEGAL_CLAIMS: "legal claims (Art. 9(2)(f))",
    SpecialCondition.SUBSTANTIAL_PUBLIC_INTEREST: (
        "substantial public interest set out in law (Art. 9(2)(g))"
    ),
    SpecialCondition.HEALTH_OR_SOCIAL_CARE: "health or social care (Art. 9(2)(h))",
    SpecialCondition.PUBLIC_HEALTH: "public health (Art. 9(2)(i))",
    SpecialCondition.ARCHIVING_RESEARCH_STATISTICS: (
        "archiving, research or statistics, with safeguards (Art. 9(2)(j))"
    ),
}


class TransferSafeguard(StrEnum):
    """The ground on which data goes to a party in another country (Art. 45, 46, 49)."""

    ADEQUACY_DECISION = "adequacy_decision"
    STANDARD_CONTRACTUAL_CLAUSES = "standard_contractual_clauses"
    BINDING_CORPORATE_RULES = "binding_corporate_rules"
    CODE_OF_CONDUCT = "code_of_conduct"
    CERTIFICATION = "certification"
    DEROGATION = "derogation"

    def describe(self) -> str:
        """Plain words, e.g. ``standard contractual clauses (Art. 46(2)(c))``."""
        return _SAFEGUARD_WORDS[self]


_SAFEGUARD_WORDS = {
    TransferSafeguard.ADEQUACY_DECISION: "an adequacy decision (Art. 45)",
    TransferSafeguard.STANDARD_CONTRACTUAL_CLAUSES: "standard contractual clauses (Art. 46(2)(c))",
    TransferSafeguard.BINDING_CORPORATE_RULES: "binding corporate rules (Art. 47)",
    TransferSafeguard.CODE_OF_CONDUCT: "an approved code of conduct (Art. 46(2)(e))",
    TransferSafeguard.CERTIFICATION: "an approved certification (Art. 46(2)(f))",
    TransferSafeguard.DEROGATION: "a derogation for a specific situation (Art. 49)",
}
