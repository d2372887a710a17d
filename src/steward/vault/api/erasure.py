"""API routes over erasures: ask for one, list them, approve, refuse or cancel one.

Every route calls only :class:`~steward.vault.services.erasure.ErasureService`, which
decides by the plan (``rights.erasure``, ``rights.erasure_approval``) and audits each
step. Erasure is a person's act: a service token is refused (403); staff use their
signed-in session. An approval carries the erasure out at once.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.api.schemas import ErrorOut
from steward.vault.runtime import get_vault
from steward.vault.services.erasure import ErasureService, ErasureView

router = Router(tags=["erasure"])
STEP_ERRORS = {**READ_ERRORS, 400: ErrorOut, 410: ErrorOut}


class ErasureIn(Schema):
    """Why the person should be erased: a few words, never their name or contacts."""

    reason: str = Field(max_length=1000, description="why, in a few words (kept)")


class ErasureOut(Schema):
    """An erasure request and where it stands (no personal values)."""

    id: int
    record: UUID | None = Field(description="the case the person was found by")
    dataset: str
    state: str = Field(description="requested, approved, done, refused or cancelled")
    reason: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    done_at: datetime | None


def _out(view: ErasureView) -> ErasureOut:
    return ErasureOut(**view.__dict__)


def _service() -> ErasureService:
    return ErasureService(get_vault())


@router.get(
    "/erasure",
    response={200: list[ErasureOut], **READ_ERRORS},
    summary="Erasure requests and where they stand",
    operation_id="listErasures",
)
def list_erasures(request: HttpRequest) -> list[ErasureOut]:
    """The latest erasure requests, newest first, for the roles that ask for or approve
    erasures (403 otherwise). The read is audited."""
    return [_out(v) for v in _service().list_requests(actor_of(request))]


@router.post(
    "/records/{record_id}/erasure",
    response={201: ErasureOut, **STEP_ERRORS},
    summary="Ask for the erasure of the person a case is about",
    operation_id="requestErasure",
)
def request_erasure(request: HttpRequest, record_id: UUID, body: ErasureIn) -> Status[ErasureOut]:
    """File an erasure request for the person of this case, with a reason. Where the plan
    requires a second person, another approves it; otherwise it is carried out at once
    (``state: done``). 403 for roles the plan does not let ask, or a request already under
    way; 400 for a reason that says nothing or repeats the person's own values; 410 for a
    person erased already."""
    return Status(201, _out(_service().request(actor_of(request), record_id, body.reason)))


def _step(request: HttpRequest, request_id: int, step: str) -> ErasureOut:
    service = _service()
    return _out(getattr(service, step)(actor_of(request), request_id))


@router.post(
    "/erasure/{request_id}/approve",
    response={200: ErasureOut, **STEP_ERRORS},
    summary="Approve an erasure request, and carry it out",
    operation_id="approveErasure",
)
def approve_erasure(request: HttpRequest, request_id: int) -> ErasureOut:
    """Approve someone else's erasure request: the person is erased at once (their data
    key destroyed, their values, blind indexes, consents and access code deleted).
    Never the requester's own when the plan requires a second person (403)."""
    return _step(request, request_id, "approve")


@router.post(
    "/erasure/{request_id}/refuse",
    response={200: ErasureOut, **STEP_ERRORS},
    summary="Turn an erasure request down",
    operation_id="refuseErasure",
)
def refuse_erasure(request: HttpRequest, request_id: int) -> ErasureOut:
    """Turn a waiting erasure request down; nothing is erased."""
    return _step(request, request_id, "refuse")


@router.post(
    "/erasure/{request_id}/cancel",
    response={200: ErasureOut, **STEP_ERRORS},
    summary="Withdraw an erasure request",
    operation_id="cancelErasure",
)
def cancel_erasure(request: HttpRequest, request_id: int) -> ErasureOut:
    """Withdraw a waiting erasure request (its requester, or an approver)."""
    return _step(request, request_id, "cancel")
