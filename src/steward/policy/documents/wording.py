"""Plain words for the plan's enumerations, as the documents print them."""

from __future__ import annotations

from typing import Final

from steward.policy.model import (
    AccountClosure,
    ContractKind,
    DatasetKind,
    ExpiryAction,
    HostedBy,
    IdentifierRole,
    Lawfulness,
    LegalBasis,
    LegalGround,
    LogField,
    Masking,
    MinorsPolicy,
    Notification,
    OrganizationKind,
    Origin,
    RecipientKind,
    Scope,
)

LEGAL_BASIS: Final[dict[LegalBasis, str]] = {
    LegalBasis.CONSENT: "consent",
    LegalBasis.LEGAL_OBLIGATION: "legal obligation",
    LegalBasis.PUBLIC_TASK: "public task (a duty carried out in the public interest)",
    LegalBasis.VITAL_INTEREST: "vital interest (protecting someone's life)",
    LegalBasis.CONTRACT: "contract",
    LegalBasis.LEGITIMATE_INTEREST: "legitimate interest",
}
"""Legal bases as a record of processing names them."""

LEGAL_BASIS_FOR_YOU: Final[dict[LegalBasis, str]] = {
    LegalBasis.CONSENT: "You agreed to it, and you may withdraw your agreement at any time.",
    LegalBasis.LEGAL_OBLIGATION: "The law requires us to do it.",
    LegalBasis.PUBLIC_TASK: "It is part of the public duties we are given by law.",
    LegalBasis.VITAL_INTEREST: "It is needed to protect someone's life.",
    LegalBasis.CONTRACT: "We need it to do what we agreed with you.",
    LegalBasis.LEGITIMATE_INTEREST: (
        "We need it for our work, and it does not override your rights."
    ),
}
"""Legal bases in second-person sentences, for privacy notices."""

LEGAL_GROUND: Final[dict[LegalGround, str]] = {
    LegalGround.CONSENT: "the person's own consent",
    LegalGround.COURT_ORDER: "a court order",
    LegalGround.WARRANT: "a judicial warrant",
    LegalGround.SUBPOENA: "a subpoena",
    LegalGround.STATUTORY_OBLIGATION: "a duty set by statute",
    LegalGround.VITAL_INTEREST: "an emergency that threatens someone's life",
    LegalGround.STAFF_DISCRETION: "a staff member's own judgement",
    LegalGround.INFORMAL_REQUEST: "an informal request",
}
"""Grounds on which data may be disclosed."""

NOTIFICATION: Final[dict[Notification, str]] = {
    Notification.ALWAYS: "The person is always told before their data is disclosed.",
    Notification.UNLESS_PROHIBITED: (
        "The person is told before their data is disclosed, unless a court or the law "
        "forbids telling them."
    ),
    Notification.NEVER: "The person is not told when their data is disclosed.",
}
"""Whether people hear about disclosures of their data."""

NOTIFICATION_FOR_YOU: Final[dict[Notification, str]] = {
    Notification.ALWAYS: "We always tell you before we do.",
    Notification.UNLESS_PROHIBITED: (
        "We tell you before we do, unless a court or the law forbids it."
    ),
    Notification.NEVER: "We do not tell you when we do.",
}
"""The same, in second person for privacy notices."""

RECIPIENT_KIND: Final[dict[RecipientKind, str]] = {
    RecipientKind.PROCESSOR: "processor (works on the data on our behalf)",
    RecipientKind.RECIPIENT: "recipient",
    RecipientKind.AUTHORITY: "public authority",
    RecipientKind.ANALYST: "analyst",
    RecipientKind.DONOR: "donor or stakeholder",
}

CONTRACT_KIND: Final[dict[ContractKind, str]] = {
    ContractKind.DATA_PROCESSING_AGREEMENT: "data processing agreement",
    ContractKind.DATA_USE_AGREEMENT: "data use agreement",
    ContractKind.MEMORANDUM: "memorandum of understanding",
    ContractKind.NON_DISCLOSURE_AGREEMENT: "non-disclosure agreement",
    ContractKind.STATUTE: "statute",
    ContractKind.NONE: "no written agreement",
}

SCOPE: Final[dict[Scope, str]] = {
    Scope.ALL: "all records",
    Scope.TEAM: "records of their team",
    Scope.ASSIGNED: "records assigned to them",
    Scope.OWN: "their own record only",
}

MASKING: Final[dict[Masking, str]] = {
    Masking.NONE: "shown in full",
    Masking.PARTIAL: "partly masked",
    Masking.FULL: "fully masked",
}

IDENTIFIER_ROLE: Final[dict[IdentifierRole, str]] = {
    IdentifierRole.DIRECT: "direct identifier",
    IdentifierRole.QUASI: "indirect identifier",
    IdentifierRole.SENSITIVE: "sensitive attribute",
    IdentifierRole.NONE: "not identifying",
}

DATASET_KIND: Final[dict[DatasetKind, str]] = {
    DatasetKind.INTAKE_FORM: "intake form filled in by the person",
    DatasetKind.TABLE: "table kept by staff",
}

ORGANIZATION_KIND: Final[dict[OrganizationKind, str]] = {
    OrganizationKind.NONPROFIT: "nonprofit",
    OrganizationKind.CITY_DEPARTMENT: "city department",
    OrganizationKind.CIVIC_PLATFORM: "civic service platform",
    OrganizationKind.HELP_DESK: "help desk",
    OrganizationKind.OTHER: "organization",
}

HOSTED_BY: Final[dict[HostedBy, str]] = {
    HostedBy.SELF: "our own systems",
    HostedBy.THIRD_PARTY: "a third-party provider",
}

ORIGIN: Final[dict[Origin, str]] = {
    Origin.DATA_SUBJECTS: "the people themselves",
    Origin.PARTNER: "a partner organization",
    Origin.PUBLIC_RECORDS: "public records",
    Origin.PURCHASED: "purchased from a third party",
    Origin.OTHER: "another source",
}

LAWFULNESS: Final[dict[Lawfulness, str]] = {
    Lawfulness.YES: "yes, checked",
    Lawfulness.NO: "no",
    Lawfulness.UNKNOWN: "not yet checked",
}

LOG_FIELD: Final[dict[LogField, str]] = {
    LogField.DATE: "the date of the visit",
    LogField.TIME: "the time of the visit",
    LogField.COUNTRY: "the visitor's country",
    LogField.IP_ADDRESS: "the visitor's IP address",
    LogField.USER_AGENT: "the visitor's browser and operating system",
    LogField.REFERRER: "the page the visitor came from",
    LogField.PATH: "the page visited",
    LogField.STATUS: "whether the page loaded",
}

ACCOUNT_CLOSURE: Final[dict[AccountClosure, str]] = {
    AccountClosure.DELETE: (
        "When a case closes, its data is deleted once the retention periods above have "
        "ended (only counts and types stay, where a purpose says so), and a case whose "
        "data was deleted cannot be reopened."
    ),
    AccountClosure.ANONYMIZE: (
        "When a case closes, its data is anonymized once the retention periods above have "
        "ended: personal values are deleted, and only answers that identify no one stay, "
        "linked to no one."
    ),
    AccountClosure.RETAIN: (
        "Closing a case changes nothing by itself: its data is kept until each purpose's "
        "retention period ends."
    ),
}

MINORS_POLICY: Final[dict[MinorsPolicy, str]] = {
    MinorsPolicy.REFUSE: "not collected",
    MinorsPolicy.GUARDIAN_CONSENT: "collected only with a parent's or guardian's consent",
}

EXPIRY_ACTION: Final[dict[ExpiryAction, str]] = {
    ExpiryAction.DELETE: "deleted",
    ExpiryAction.AGGREGATE: "reduced to counts and types",
    ExpiryAction.ANONYMIZE: "anonymized",
}


def yes_no(value: bool) -> str:
    """``"yes"`` or ``"no"``."""
    return "yes" if value else "no"


def listing(items: list[str], empty: str = "none", conjunction: str = "and") -> str:
    """Items joined in plain English: ``a``, ``a and b``, ``a, b and c``; ``empty`` if none."""
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]
