"""API routes of disclosures: open one, list them, read one and its document, decide.

Every route calls only the disclosure services (:mod:`steward.vault.services.disclosures`,
:mod:`steward.vault.services.disclosure_register`), which decide by the plan's
``disclosure`` section and audit each step. A disclosure is a person's act: a service
token may read nothing here and open nothing (403); staff use their signed-in session.
A request the plan refuses is answered 403 with the reason, and kept in the register.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.api.schemas import ErrorOut
from steward.vault.runtime import get_vault
from steward.vault.services.access import InvalidValue
from steward.vault.services.deliveries import DeliveryError
from steward.vault.services.disclosure_delivery import deliver_disclosure
from steward.vault.services.disclosure_register import (
    DisclosureView,
    get_disclosure,
    list_disclosures,
)
from steward.vault.services.disclosures import (
    MAX_RECORDS,
    decide_disclosure,
    open_disclosure,
    read_document,
)

router = Router(tags=["disclosures"])
STEP_ERRORS = {**READ_ERRORS, 400: ErrorOut}


class DisclosureIn(Schema):
    """A new disclosure request. Name a plan ``recipient``, or an outside ``party`` (only
    on a legal order)."""

    dataset: str = Field(max_length=63)
    ground: str = Field(max_length=40, description="one of the plan's allowed grounds")
    records: list[str] = Field(max_length=MAX_RECORDS, description="case references")
    fields: list[str] = Field(max_length=200)
    recipient: str = Field(default="", max_length=63, description="a plan recipient's id")
    party: str = Field(default="", max_length=200, description="who asks, in words")
    party_kind: str = Field(default="", max_length=40, description="court, law_enforcement, ...")
    legal_reference: str = Field(default="", max_length=200)
    document: str = Field(default="", description="the order or consent form, base64")
    document_name: str = Field(default="", max_length=200)


class DecisionIn(Schema):
    """A decision on a waiting request; an approval may keep fewer fields or records."""

    decision: str = Field(description="approve, refuse or withdraw")
    reason: str = Field(default="", max_length=2000, description="why (kept in the register)")
    fields: list[str] | None = Field(default=None, description="the fields kept (narrowing)")
    records: list[str] | None = Field(default=None, description="the records kept (narrowing)")
    prohibited_until: datetime | None = Field(
        default=None, description="a prohibition of notice ends then"
    )
    prohibition_reason: str = Field(default="", max_length=1000)


class DeliverIn(Schema):
    """How the objections of people are decided before delivery."""

    drop: list[str] = Field(default_factory=list, description="case references left out")
    confirm: dict[str, str] = Field(
        default_factory=dict, description="case reference -> why their objection is overruled"
    )
    max_fetches: int = Field(default=3, ge=1, le=20)


class DisclosedRecordOut(Schema):
    """One record a request names (no personal value)."""

    record: UUID | None
    released: bool
    objected: datetime | None


class DisclosureOut(Schema):
    """A disclosure request and where it stands (no personal value, no document)."""

    id: UUID
    dataset: str
    recipient: str
    party: str
    party_kind: str
    ground: str
    legal_reference: str
    document_name: str
    has_document: bool
    fields_asked: list[str]
    fields_released: list[str]
    state: str = Field(description="requested, approved, refused, withdrawn, delivered, expired")
    compliance: str = Field(description="none, partial or full")
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision: str
    deliver_after: datetime | None
    delivered_at: datetime | None
    records: list[DisclosedRecordOut]


def out(view: DisclosureView) -> DisclosureOut:
    """The API form of a request."""
    data = {**view.__dict__, "records": [r.__dict__ for r in view.records]}
    return DisclosureOut(**data)


def _document(text: str) -> bytes | None:
    if not text:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidValue("the document is not valid base64") from None


@router.post(
    "/disclosures",
    response={201: DisclosureOut, **STEP_ERRORS},
    summary="Open a disclosure request",
    operation_id="openDisclosure",
)
def open_request(request: HttpRequest, body: DisclosureIn) -> Status[DisclosureOut]:
    """Open a request to disclose ``fields`` of ``records`` to a plan recipient or, on a
    legal order, an outside party. Refused (403, with the reason, and kept as refused)
    when the plan does not allow it; 400 for bad input; 404 for a case not in scope."""
    view = open_disclosure(
        get_vault(),
        actor_of(request),
        dataset=body.dataset,
        ground=body.ground,
        records=body.records,
        fields=body.fields,
        recipient=body.recipient,
        party=body.party,
        party_kind=body.party_kind,
        legal_reference=body.legal_reference,
        document=_document(body.document),
        document_name=body.document_name,
    )
    return Status(201, out(view))


@router.get(
    "/disclosures",
    response={200: list[DisclosureOut], **READ_ERRORS},
    summary="Disclosure requests, waiting ones first",
    operation_id="listDisclosures",
)
def list_requests(request: HttpRequest) -> list[DisclosureOut]:
    """The latest disclosure requests, those waiting first (audited)."""
    return [out(v) for v in list_disclosures(get_vault(), actor_of(request))]


@router.get(
    "/disclosures/{disclosure_id}",
    response={200: DisclosureOut, **READ_ERRORS},
    summary="One disclosure request",
    operation_id="getDisclosure",
)
def get_request(request: HttpRequest, disclosure_id: str) -> DisclosureOut:
    """One disclosure request (audited)."""
    return out(get_disclosure(get_vault(), actor_of(request), disclosure_id))


@router.get(
    "/disclosures/{disclosure_id}/document",
    response={200: None, **READ_ERRORS},
    summary="The legal document of a disclosure request",
    operation_id="getDisclosureDocument",
)
def get_document(request: HttpRequest, disclosure_id: str) -> HttpResponse:
    """The document, decrypted, for the requester and the approvers only (audited)."""
    name, content = read_document(get_vault(), actor_of(request), disclosure_id)
    response = HttpResponse(content, content_type="application/octet-stream")
    safe = "".join(c for c in name if c.isalnum() or c in "._- ") or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/disclosures/{disclosure_id}/decision",
    response={200: DisclosureOut, **STEP_ERRORS},
    summary="Approve, narrow, refuse or withdraw a disclosure request",
    operation_id="decideDisclosure",
)
def decide(request: HttpRequest, disclosure_id: str, body: DecisionIn) -> DisclosureOut:
    """An approver approves (keeping fewer ``fields`` or ``records``: a partial
    compliance) or refuses, with a reason; never their own request (403). The
    requester withdraws a waiting request."""
    view = decide_disclosure(
        get_vault(),
        actor_of(request),
        disclosure_id,
        body.decision,
        reason=body.reason,
        fields=body.fields,
        records=body.records,
        prohibited_until=body.prohibited_until,
        prohibition_reason=body.prohibition_reason,
    )
    return out(view)


class DeliveredOut(Schema):
    """A disclosure just delivered: the link and (without a recipient key) the passphrase,
    shown this once only; give the passphrase by another channel."""

    disclosure: DisclosureOut
    link: str
    passphrase: str | None
    method: str = Field(description="public_key or passphrase")
    expires: datetime


@router.post(
    "/disclosures/{disclosure_id}/delivery",
    response={201: DeliveredOut, **STEP_ERRORS},
    summary="Deliver an approved disclosure, encrypted",
    operation_id="deliverDisclosure",
)
def deliver(request: HttpRequest, disclosure_id: str, body: DeliverIn) -> Status[DeliveredOut]:
    """An approver (not the requester) delivers an approved request once the people told
    have had their time to object, each objection decided (``drop`` or ``confirm``). The
    package is encrypted to the plan recipient's public key, or under a passphrase
    answered here once. 403 when the rule refuses; 400 for bad input."""
    try:
        done = deliver_disclosure(
            get_vault(),
            actor_of(request),
            disclosure_id,
            drop=body.drop,
            confirm=body.confirm,
            max_fetches=body.max_fetches,
        )
    except DeliveryError as error:
        raise InvalidValue(str(error)) from None
    answer = DeliveredOut(
        disclosure=out(done.disclosure),
        link=done.path,
        passphrase=done.passphrase,
        method=done.method,
        expires=done.expires,
    )
    return Status(201, answer)
