"""The rights people have over their data, and the rule for minors."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from steward.policy.duration import DurationField
from steward.policy.model.common import Identifier, PlanModel


class AccountClosure(StrEnum):
    """What happens to a person's data when their account or case closes."""

    DELETE = "delete"
    ANONYMIZE = "anonymize"
    RETAIN = "retain"


class ErasureApproval(PlanModel):
    """Who erases a person on staff's side, and whether a second person approves first.

    Without ``requester_roles``, the staff roles that approve disclosures
    (``approves_disclosures: true``, the privacy officer's role) ask for erasures;
    without ``approver_roles``, the roles that ask also approve.
    """

    requester_roles: list[Identifier] = Field(
        default_factory=list, description="Staff roles that may ask for an erasure."
    )
    approver_roles: list[Identifier] = Field(
        default_factory=list, description="Staff roles that may approve and carry it out."
    )
    second_person: bool = Field(
        default=True,
        description="Someone other than the requester approves before anything is destroyed.",
    )


class Rights(PlanModel):
    """Self-service rights offered to the people the data is about."""

    access: bool = True
    export: bool = True
    correction: bool = True
    erasure: bool = True
    withdraw_consent: bool = True
    privacy_settings: bool = True
    respond_within: DurationField | None = None
    on_account_closure: AccountClosure = AccountClosure.DELETE
    show_staff_names: bool = Field(
        default=False,
        description="Show people the user names of the staff who accessed their records; "
        "by default they see roles and dates only.",
    )
    erasure_approval: ErasureApproval | None = Field(
        default=None,
        description="Who erases a person, and whether a second person approves; "
        "without it, one person of a disclosure-approving role erases.",
    )


class MinorsPolicy(StrEnum):
    """How data about children is handled."""

    REFUSE = "refuse"
    GUARDIAN_CONSENT = "guardian_consent"


class Minors(PlanModel):
    """The guardian rule for children."""

    policy: MinorsPolicy = MinorsPolicy.REFUSE
    age_threshold: int = Field(default=16, ge=1, le=21)
