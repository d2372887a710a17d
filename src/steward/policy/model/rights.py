"""The rights people have over their data, and the rule for minors."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from steward.policy.duration import DurationField
from steward.policy.model.common import PlanModel


class AccountClosure(StrEnum):
    """What happens to a person's data when their account or case closes."""

    DELETE = "delete"
    ANONYMIZE = "anonymize"
    RETAIN = "retain"


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


class MinorsPolicy(StrEnum):
    """How data about children is handled."""

    REFUSE = "refuse"
    GUARDIAN_CONSENT = "guardian_consent"


class Minors(PlanModel):
    """The guardian rule for children."""

    policy: MinorsPolicy = MinorsPolicy.REFUSE
    age_threshold: int = Field(default=16, ge=1, le=21)
