"""API routes of a person's own data (``/api/me...``), with their access code as the
credential (``Authorization: AccessCode <code>``, :data:`PERSON_AUTH`).

The routes call only :mod:`steward.vault.services.own_data` and
:mod:`steward.vault.services.own_copy`, which read through the access service as the
person, register each use of a right and audit it. A record of another person is
answered 404, exactly like a record that does not exist; errors are answered by
:mod:`.errors` and never repeat a value.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from steward.vault.api.person_auth import PERSON_AUTH, person_of
from steward.vault.api.schemas import ErrorOut, ProblemsOut
from steward.vault.runtime import get_vault
from steward.vault.services.own_copy import copy
from steward.vault.services.own_data import ask_for_hidden, correct, list_requests, overview
from steward.vault.services.own_history import RequestEntry

router = Router(tags=["own data"])

ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 422: ProblemsOut, 503: ErrorOut}


class OwnFieldOut(Schema):
    """One field of the person's record, in clear, with why and how long it is held."""

    field: str = Field(description="the field's name in the plan")
    label: str = Field(description="the question on the form")
    value: str = Field(description="the value in clear; '' when nothing is stored")
    unreadable: str = Field(description="why the value cannot be read (erased, ...); '' if it can")
    purposes: list[str] = Field(description="labels of the purposes the field serves")
    legal_bases: list[str] = Field(description="each purpose's legal basis, in plain words")
    retention: list[str] = Field(description="how long each purpose keeps it, in plain words")
    due: datetime | None = Field(description="when the value is due to go, if known yet")
    correction: str = Field(description="direct, request (checked by staff) or refused")
    correction_note: str = Field(description="why, in a sentence")


class OwnRecordOut(Schema):
    """One of the person's records (a form they filled in)."""

    reference: str = Field(description="the record's reference, as on the receipt")
    dataset: str = Field(description="the form's id in the plan")
    dataset_label: str
    received: datetime
    status: str = Field(description="open or closed")
    fields: list[OwnFieldOut]
    staff_only_fields: list[str] = Field(
        description="labels of fields held but not shown; ask for them with "
        "POST /api/me/access-requests"
    )


class ConsentOut(Schema):
    """One consent answer, and its withdrawal if any."""

    record: str
    purpose: str
    label: str
    granted: bool
    given: datetime
    withdrawn: datetime | None
    by_guardian: bool


class RequestOut(Schema):
    """One of the person's rights requests (the register's row; never a value)."""

    id: int
    kind: str = Field(description="access, export, correction, erasure, ...")
    record: str | None
    field: str
    received: datetime
    due: datetime | None = Field(description="when staff must answer by")
    status: str = Field(description="open, done or refused")
    decision: str


class AccessOut(Schema):
    """One access to the person's records by someone else (a role, never a name unless
    the plan shows staff names)."""

    when: datetime
    who: str
    action: str
    outcome: str


class OverviewOut(Schema):
    """Everything the person's own page shows."""

    records: list[OwnRecordOut]
    consents: list[ConsentOut]
    requests: list[RequestOut]
    accesses: list[AccessOut] | None = Field(
        description="who accessed the records; null when the audit log cannot be read now"
    )
    may_copy: bool
    may_correct: bool


class CorrectionIn(Schema):
    """A correction of one field of one of the person's records."""

    record: str = Field(max_length=64, description="the record's reference")
    field: str = Field(max_length=63, description="the field's name")
    value: str = Field(max_length=10000, description="the corrected value")


class CorrectionOut(Schema):
    """What became of the correction."""

    outcome: Literal["corrected", "requested"] = Field(
        description="corrected at once (200), or sent to staff as a request (202)"
    )
    request: int = Field(description="the register's request id")
    due: datetime | None = Field(description="when staff must answer a request by")


class CopyQuery(Schema):
    """Which format of copy."""

    format: Literal["json", "csv"] = Field("json", description="json or csv")


@router.get(
    "/me",
    auth=PERSON_AUTH,
    response={200: OverviewOut, **ERRORS},
    summary="The person's own data, with purposes, retention and who accessed it",
    operation_id="ownOverview",
)
def own_overview(request: HttpRequest) -> OverviewOut:
    """Every record of the person with the fields their role reads, in clear (masking
    protects people from staff, not from themselves), the staff-only fields by label,
    the consent history, their requests and who accessed their records. Audited."""
    seen = overview(get_vault(), person_of(request))
    return OverviewOut(
        records=[
            OwnRecordOut(
                reference=r.reference,
                dataset=r.dataset,
                dataset_label=r.dataset_label,
                received=r.received,
                status=r.status,
                staff_only_fields=list(r.hidden),
                fields=[
                    OwnFieldOut(
                        field=f.name,
                        label=f.label,
                        value=f.value,
                        unreadable=f.unreadable,
                        purposes=list(f.purposes),
                        legal_bases=list(f.legal_bases),
                        retention=list(f.retention),
                        due=f.due,
                        correction=f.correction.value,
                        correction_note=f.reason,
                    )
                    for f in r.fields
                ],
            )
            for r in seen.records
        ],
        consents=[
            ConsentOut(
                record=str(c.record),
                purpose=c.purpose,
                label=c.label,
                granted=c.granted,
                given=c.given,
                withdrawn=c.withdrawn,
                by_guardian=c.by_guardian,
            )
            for c in seen.consents
        ],
        requests=[_request_out(r) for r in seen.requests],
        accesses=None
        if seen.accesses is None
        else [
            AccessOut(when=a.when, who=a.who, action=a.action, outcome=a.outcome)
            for a in seen.accesses
        ],
        may_copy=seen.may_copy,
        may_correct=seen.may_correct,
    )


@router.get(
    "/me/copy",
    auth=PERSON_AUTH,
    response={200: None, **ERRORS},
    summary="A copy of the person's data (JSON or CSV download)",
    operation_id="ownCopy",
    openapi_extra={
        "responses": {
            "200": {
                "description": "the copy, as an attachment",
                "content": {"application/json": {}, "text/csv": {}},
            }
        }
    },
)
def own_copy(request: HttpRequest, asked: Query[CopyQuery]) -> HttpResponse:
    """The person's data, consent history and requests, as a download (the shapes are
    described in the documentation of people's rights). Registered as a done export
    request and audited; refused (403) where the plan offers no copies."""
    made = copy(get_vault(), person_of(request), asked.format)
    response = HttpResponse(made.body, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/me/corrections",
    auth=PERSON_AUTH,
    response={200: CorrectionOut, 202: CorrectionOut, 400: ErrorOut, 404: ErrorOut, **ERRORS},
    summary="Correct a field of the person's record, or ask staff to",
    operation_id="ownCorrect",
)
def own_correct(request: HttpRequest, body: CorrectionIn) -> Status[CorrectionOut]:
    """Fields the person's role may write are corrected at once (200), validated like
    the form; other fields they see become a request for staff (202). Fields they do
    not see, never recorded or not corrected under the plan: 403. Another person's
    record: 404. A value of the wrong form: 400 (the value is never repeated)."""
    done = correct(get_vault(), person_of(request), body.record, body.field, body.value)
    answer = CorrectionOut(
        outcome="corrected" if done.direct else "requested", request=done.request, due=done.due
    )
    return Status(200 if done.direct else 202, answer)


@router.post(
    "/me/access-requests",
    auth=PERSON_AUTH,
    response={202: RequestOut, **ERRORS},
    summary="Ask for the fields the person's page does not show",
    operation_id="ownAskHidden",
)
def own_ask(request: HttpRequest) -> Status[RequestOut]:
    """Registers an access request that staff answer by its due date (202). Refused
    (403) when everything held is already shown."""
    made = ask_for_hidden(get_vault(), person_of(request))
    return Status(202, _request_out(made))


@router.get(
    "/me/requests",
    auth=PERSON_AUTH,
    response={200: list[RequestOut], **ERRORS},
    summary="The person's rights requests and where each stands",
    operation_id="ownRequests",
)
def own_requests(request: HttpRequest) -> list[RequestOut]:
    """Every request of the person, newest first: kind, when received, when due,
    status and the decision (never a value). Audited."""
    return [_request_out(r) for r in list_requests(get_vault(), person_of(request))]


def _request_out(entry: RequestEntry) -> RequestOut:
    return RequestOut(
        id=entry.id,
        kind=entry.kind,
        record=str(entry.record) if entry.record else None,
        field=entry.field,
        received=entry.received,
        due=entry.due,
        status=entry.status,
        decision=entry.decision,
    )
