"""Recipients, processors and the rules for disclosing data to them."""

from __future__ import annotations

import base64
import binascii
from enum import StrEnum

from pydantic import Field, field_validator

from steward.policy.duration import Duration, DurationField
from steward.policy.model.common import Identifier, Jurisdiction, PlanModel, Text
from steward.policy.model.processing import TransferSafeguard


class RecipientKind(StrEnum):
    """How an outside party relates to the data."""

    PROCESSOR = "processor"
    RECIPIENT = "recipient"
    AUTHORITY = "authority"
    ANALYST = "analyst"
    DONOR = "donor"


class ContractKind(StrEnum):
    """The agreement that binds an outside party."""

    DATA_PROCESSING_AGREEMENT = "data_processing_agreement"
    DATA_USE_AGREEMENT = "data_use_agreement"
    MEMORANDUM = "memorandum_of_understanding"
    NON_DISCLOSURE_AGREEMENT = "non_disclosure_agreement"
    STATUTE = "statute"
    NONE = "none"


class Contract(PlanModel):
    """The agreement with an outside party."""

    kind: ContractKind = ContractKind.NONE
    reference: Text | None = None
    binds_to_plan: bool = Field(
        default=False, description="The party is bound to this plan's privacy terms."
    )


class Recipient(PlanModel):
    """An outside party that hosts, processes or receives data."""

    id: Identifier
    name: Text
    kind: RecipientKind
    location: Jurisdiction | None = Field(
        default=None, description="Where the party holds the data."
    )
    contract: Contract = Field(default_factory=Contract)
    categories: list[Identifier] = Field(
        default_factory=list, description="Categories it hosts or may receive."
    )
    purposes: list[Identifier] = Field(default_factory=list)
    aggregates_only: bool = Field(
        default=False, description="Receives only counts with small groups suppressed."
    )
    deidentified_only: bool = Field(
        default=False, description="Receives only de-identified extracts."
    )
    min_group_size: int | None = Field(
        default=None,
        ge=2,
        description="The smallest group an aggregate or extract may show (k); smaller "
        "groups are suppressed, so few people in a neighbourhood cannot be singled out.",
    )
    transfer_safeguard: TransferSafeguard | None = Field(
        default=None, description="The ground for sending it data in another country."
    )
    public_key: Text | None = Field(
        default=None,
        description="The recipient's X25519 public key (one line of base64, as "
        "`steward delivery keygen` prints it): packages delivered to them are encrypted "
        "to it. Without it, a package is opened with a passphrase given out of band.",
    )

    @field_validator("public_key")
    @classmethod
    def _is_x25519_key(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ValueError(
                "not an X25519 public key: 32 bytes of base64 expected, as "
                "`steward delivery keygen` prints it"
            )
        return value


class LegalGround(StrEnum):
    """Grounds on which data may be handed to someone outside."""

    CONSENT = "consent"
    COURT_ORDER = "court_order"
    WARRANT = "warrant"
    SUBPOENA = "subpoena"
    STATUTORY_OBLIGATION = "statutory_obligation"
    VITAL_INTEREST = "vital_interest"
    STAFF_DISCRETION = "staff_discretion"
    INFORMAL_REQUEST = "informal_request"

    @property
    def is_legal_order(self) -> bool:
        """Whether the ground is an order or duty imposed by law."""
        return self in _LEGAL_ORDERS

    @property
    def sufficient(self) -> bool:
        """Whether the ground can justify a disclosure on its own."""
        return self not in {LegalGround.STAFF_DISCRETION, LegalGround.INFORMAL_REQUEST}


_LEGAL_ORDERS = frozenset(
    {
        LegalGround.COURT_ORDER,
        LegalGround.WARRANT,
        LegalGround.SUBPOENA,
        LegalGround.STATUTORY_OBLIGATION,
    }
)


class Notification(StrEnum):
    """Whether the person is told about a disclosure of their data."""

    ALWAYS = "always"
    UNLESS_PROHIBITED = "unless_prohibited"
    NEVER = "never"


DEFAULT_OBJECTION_PERIOD = Duration(14, "d")
"""How long a notified person has to object before delivery, when the plan says nothing."""
SHORTEST_OBJECTION_PERIOD = Duration(1, "d")
LONGEST_OBJECTION_PERIOD = Duration(12, "m")


class EmailNotice(PlanModel):
    """The contact field a notice of disclosure may also be emailed to.

    The notice always reaches the person's own page. It is emailed too only when one of
    their records holds ``field`` and that record still serves one of ``purposes`` (any
    purpose of the field when the list is empty): a consent the person withdrew is
    never used to write to them.
    """

    field: Identifier = Field(description="A field holding an email address (e.g. email).")
    purposes: list[Identifier] = Field(
        default_factory=list,
        description="Purposes of that field whose use covers a notice; empty: any of them.",
    )


class Delivery(PlanModel):
    """How disclosed data travels."""

    encrypted: bool = True
    expires_after: DurationField | None = None


class Disclosure(PlanModel):
    """Rules every disclosure follows."""

    allowed_grounds: list[LegalGround] = Field(default_factory=list)
    approver_roles: list[Identifier] = Field(default_factory=list)
    approver_not_requester: bool = Field(
        default=True, description="Someone other than the requester approves."
    )
    notify_subject: Notification = Notification.UNLESS_PROHIBITED
    objection_period: DurationField | None = Field(
        default=DEFAULT_OBJECTION_PERIOD,
        description="The time a notified person has to object before their data is "
        "delivered (from 1 day to 12 months); null: delivery need not wait.",
    )
    notify_by_email: EmailNotice | None = Field(
        default=None,
        description="The contact field notices may also be emailed to; none: the "
        "person's own page only.",
    )
    delivery: Delivery = Field(default_factory=Delivery)
    keep_register: bool = Field(default=True, description="Every disclosure is registered.")
    publish_sharing_policy: bool = True
    publish_transparency_report: bool = True
    legal_compliance_statement: Text | None = Field(
        default=None, description="When data is disclosed to comply with the law."
    )
    own_rights_statement: Text | None = Field(
        default=None, description="When data may be disclosed to protect the organization."
    )

    @field_validator("objection_period")
    @classmethod
    def _objection_period_in_range(cls, value: Duration | None) -> Duration | None:
        if value is not None and not (
            SHORTEST_OBJECTION_PERIOD <= value <= LONGEST_OBJECTION_PERIOD
        ):
            raise ValueError(
                f"objection_period must be from {SHORTEST_OBJECTION_PERIOD.describe()} "
                f"to {LONGEST_OBJECTION_PERIOD.describe()}, not {value.describe()}"
            )
        return value
