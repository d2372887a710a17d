"""API routes of a person's notices of disclosure (``/api/me/notices``), with their
access code as the credential (``Authorization: AccessCode <code>``).

Only notices that were sent are listed; held ones never appear. An objection answers
202 (registered; staff answer it), 404 for a notice that is not the person's, 409 when
objection is closed (delivered, past the deadline, already objected), 400 for a missing
or too long reason. Never a value.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from steward.vault.api.own_choices import ERRORS
from steward.vault.api.person_auth import PERSON_AUTH, person_of
from steward.vault.api.schemas import ErrorOut
from steward.vault.rules.disclosure_notice import MAX_REASON
from steward.vault.runtime import get_vault
from steward.vault.services.own_notices import ObjectionClosed, object_to, own_notices

router = Router(tags=["rights"])


class NoticeOut(Schema):
    """A disclosure of the person's data they were told of."""

    id: int = Field(description="the notice's number, to object to it")
    recipient: str = Field(description="who receives the data")
    ground: str = Field(description="the legal ground, in words")
    legal_reference: str
    fields: list[str] = Field(description="labels of the fields disclosed")
    sent: datetime = Field(description="when the person was told")
    deadline: datetime | None = Field(description="until when the person may object")
    state: str = Field(description="open (not delivered yet), done (delivered) or stopped")
    objected: datetime | None
    may_object: bool
    why_not: str = Field(description="why objection is closed (empty when open)")


class ObjectionIn(Schema):
    """Why the person objects."""

    reason: str = Field(max_length=MAX_REASON, description="why, in a few words")


class ObjectionOut(Schema):
    """The objection, registered as a rights request."""

    request: int = Field(description="the row of the rights register")
    due: datetime | None = Field(description="when staff must answer by")


@router.get(
    "/me/notices",
    auth=PERSON_AUTH,
    response={200: list[NoticeOut], **ERRORS},
    summary="The disclosures of the person's data they were told of",
    operation_id="listOwnNotices",
)
def list_notices(request: HttpRequest) -> list[NoticeOut]:
    """Each sent notice, newest first: to whom, on what ground, which fields, when, and
    until when the person may object. Audited."""
    return [
        NoticeOut(**{**n.__dict__, "fields": list(n.fields)})
        for n in own_notices(get_vault(), person_of(request))
    ]


@router.post(
    "/me/notices/{notice_id}/objection",
    auth=PERSON_AUTH,
    response={202: ObjectionOut, 400: ErrorOut, 409: ErrorOut, **ERRORS},
    summary="Object to a disclosure of the person's data",
    operation_id="objectToDisclosure",
)
def object_notice(
    request: HttpRequest, notice_id: int, body: ObjectionIn
) -> Status[ObjectionOut] | Status[ErrorOut]:
    """Registers the objection (202): the data is not delivered before staff answer it.
    404: not a notice of the person's; 409: objection closed; 400: no reason."""
    try:
        made = object_to(get_vault(), person_of(request), notice_id, body.reason)
    except ObjectionClosed as closed:
        return Status(409, ErrorOut(detail=str(closed)))
    return Status(202, ObjectionOut(request=made.request, due=made.due))
