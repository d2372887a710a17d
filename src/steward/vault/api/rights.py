"""API routes of the privacy officer's queue of people's rights requests: list them, read
one, decide one.

Every route calls only :class:`~steward.vault.services.rights_requests.RightsQueue`,
which decides by the plan (the roles of ``steward.policy.rights_officer_roles``) and
audits each read and decision. Answering a person is a person's act: a service token is
refused (403); staff use their signed-in session. No response holds a personal value: a
proposed correction is never returned, only whether one is waiting.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.api.schemas import ErrorOut
from steward.vault.runtime import get_vault
from steward.vault.services.rights_requests import (
    MAX_LIMIT,
    RequestClosed,
    RightsQueue,
    RightsRequestView,
)

router = Router(tags=["rights"])
LIST_ERRORS = {**READ_ERRORS, 400: ErrorOut}
DECIDE_ERRORS = {**READ_ERRORS, 400: ErrorOut, 409: ErrorOut, 410: ErrorOut}


class RightsFilter(Schema):
    """Which requests to list, and which page of them."""

    status: str | None = Field(None, description="open, done or refused; all when absent")
    kind: str | None = Field(
        None,
        description="access, export, correction, erasure, withdrawal, consent or "
        "code_reissue; all when absent",
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="at most this many requests")
    offset: int = Field(0, ge=0, le=1_000_000, description="skip this many, in queue order")


class DecisionIn(Schema):
    """A decision on an open request, with the reason the person will see."""

    decision: str = Field(
        max_length=20,
        description="apply (a correction), carry_out (an erasure), answered (any other "
        "kind, after the person was given what they asked for) or refuse",
    )
    reason: str = Field(
        max_length=1000, description="why, in a few words; shown to the person; no values"
    )


class RightsRequestOut(Schema):
    """A rights request as the privacy officer sees it (no personal values)."""

    id: int
    record: UUID | None = Field(description="the case the request is about, if one")
    dataset: str = Field(description="the case's dataset")
    kind: str = Field(description="what the person asked for")
    field: str = Field(description="the field a correction or question is about, if one")
    purpose: str = Field(description="the purpose concerned, if one")
    received: datetime
    due: datetime | None = Field(description="the deadline (rights.respond_within)")
    overdue: bool = Field(description="open with its deadline passed")
    status: str = Field(description="open, done or refused")
    by_person: bool = Field(description="made by the person with their code, not by staff")
    decided_by: str | None = Field(description="the user name of who decided it")
    decided_at: datetime | None
    decision: str = Field(description="the reason given with the decision")
    proposed: bool = Field(description="a proposed correction is waiting (never shown)")
    person_erased: bool = Field(description="the person was erased since")
    decisions: list[str] = Field(description="the decisions the request can still receive")


def _out(view: RightsRequestView) -> RightsRequestOut:
    return RightsRequestOut(**{**view.__dict__, "decisions": list(view.decisions)})


def _queue() -> RightsQueue:
    return RightsQueue(get_vault())


@router.get(
    "/rights/requests",
    response={200: list[RightsRequestOut], **LIST_ERRORS},
    summary="People's rights requests, overdue first",
    operation_id="listRightsRequests",
)
def list_requests(request: HttpRequest, filters: Query[RightsFilter]) -> list[RightsRequestOut]:
    """The register of rights requests in queue order: overdue first (oldest deadline
    first), then by deadline, then by when received; requests without a deadline last.
    For the roles that answer rights requests (403 otherwise, and for service tokens).
    The read is audited."""
    views = _queue().list(
        actor_of(request),
        status=filters.status,
        kind=filters.kind,
        limit=filters.limit,
        offset=filters.offset,
    )
    return [_out(v) for v in views]


@router.get(
    "/rights/requests/{request_id}",
    response={200: RightsRequestOut, **READ_ERRORS},
    summary="One rights request",
    operation_id="getRightsRequest",
)
def get_request(request: HttpRequest, request_id: int) -> RightsRequestOut:
    """One request's facts and the decisions it can still receive. Audited."""
    return _out(_queue().get(actor_of(request), request_id))


@router.post(
    "/rights/requests/{request_id}/decide",
    response={200: RightsRequestOut, **DECIDE_ERRORS},
    summary="Decide a rights request",
    operation_id="decideRightsRequest",
)
def decide_request(request: HttpRequest, request_id: int, body: DecisionIn) -> RightsRequestOut:
    """Decide an open request with a reason and carry the decision out: a correction
    applied is stored (checked again like intake); an erasure carried out deletes what no
    legal obligation keeps; any other request is marked answered. 400 for a decision that
    does not fit or a reason that says nothing; 409 for a request decided already; 410
    when the person was erased since (an erasure is then simply marked done)."""
    try:
        view = _queue().decide(actor_of(request), request_id, body.decision, body.reason)
    except RequestClosed as error:
        raise HttpError(409, str(error)) from None
    return _out(view)
