"""API routes of the incident register: list and open incidents, read one, change what
is known, tick its checklist, add notes, record the notices made, contain or close it,
and read the notice drafts.

Every route calls only the incident services, which decide by the plan and audit each
step. Handlers (roles that read the audit log) see everything; the oversight body's
members read the register without descriptions, notes or records. A service token is
not a person: it is refused (403).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from steward import clock
from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.api.schemas import ErrorOut
from steward.vault.rules.incident import MAX_COUNT, MAX_TITLE, Clock
from steward.vault.runtime import get_vault
from steward.vault.services.access import NotFound
from steward.vault.services.incident_register import (
    IncidentView,
    get_incident,
    list_incidents,
    notice_drafts,
)
from steward.vault.services.incidents import (
    MAX_DESCRIPTION,
    MAX_LINKED,
    MAX_NOTE,
    add_note,
    change_state,
    open_incident,
    record_notice,
    tick_step,
    update_incident,
)

router = Router(tags=["incidents"])
STEP_ERRORS = {**READ_ERRORS, 400: ErrorOut}


class IncidentIn(Schema):
    """A new incident. The title and counts are kept in clear: they must name nobody."""

    kind: str = Field(max_length=40, description="breach, loss, unauthorized_access, ...")
    title: str = Field(max_length=MAX_TITLE)
    detected_at: datetime = Field(description="when it was detected (the clocks start here)")
    description: str = Field(default="", max_length=MAX_DESCRIPTION, description="encrypted")
    datasets: list[str] = Field(default_factory=list, max_length=100)
    records_affected: int = Field(default=0, ge=0, le=MAX_COUNT)
    people_affected: int = Field(default=0, ge=0, le=MAX_COUNT)
    personal_data: bool = True


class IncidentChangeIn(Schema):
    """What is now known; fields left out do not change. Records are case references in
    the caller's own scope, added to the links."""

    records_affected: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    people_affected: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    datasets: list[str] | None = Field(default=None, max_length=100)
    records: list[str] | None = Field(default=None, max_length=MAX_LINKED)
    personal_data: bool | None = None


class StepIn(Schema):
    """Tick (``done: true``) or untick a checklist step."""

    done: bool = True


class NoteIn(Schema):
    """A note: an action taken or a finding (encrypted)."""

    text: str = Field(max_length=MAX_NOTE)


class NoticeIn(Schema):
    """A notice made: to the ``authority`` or to the ``people`` affected."""

    notice: str = Field(max_length=20, description="authority or people")
    made_at: datetime | None = Field(default=None, description="when; now if left out")


class StateIn(Schema):
    """Contain or close; closing with steps not ticked needs a reason."""

    state: str = Field(max_length=20, description="contained or closed")
    reason: str = Field(default="", max_length=MAX_NOTE)


class ClockOut(Schema):
    """One deadline: none, running, due_soon, overdue, kept or missed."""

    state: str
    due: datetime | None
    done_at: datetime | None
    seconds_left: int | None


class StepOut(Schema):
    position: int
    text: str
    done_at: datetime | None
    done_by: str | None


class NoteOut(Schema):
    at: datetime
    by: str
    text: str


class IncidentOut(Schema):
    """An incident; ``description``, ``notes`` and ``records`` are null for readers who
    do not handle incidents."""

    id: UUID
    kind: str
    title: str
    state: str
    detected_at: datetime
    opened_at: datetime
    opened_by: str
    datasets: list[str]
    records_affected: int
    people_affected: int
    personal_data: bool
    authority: ClockOut
    people: ClockOut
    closed_at: datetime | None
    closed_by: str | None
    steps: list[StepOut]
    records_linked: int
    details: bool
    description: str | None
    notes: list[NoteOut] | None
    records: list[UUID] | None


class DraftOut(Schema):
    """A notice draft to edit and send; ``translated`` is false when the plan's language
    is not English (the draft is the English text)."""

    audience: str
    language: str
    written_in: str
    translated: bool
    subject: str
    body: str


def out(view: IncidentView) -> IncidentOut:
    """The API form of an incident."""

    def clock_out(c: Clock) -> ClockOut:
        left = int(c.left.total_seconds()) if c.left is not None else None
        return ClockOut(state=c.state.value, due=c.due, done_at=c.done_at, seconds_left=left)

    data = {
        **view.__dict__,
        "authority": clock_out(view.authority),
        "people": clock_out(view.people),
        "steps": [s.__dict__ for s in view.steps],
        "notes": [n.__dict__ for n in view.notes] if view.notes is not None else None,
        "records": list(view.records) if view.records is not None else None,
    }
    return IncidentOut(**data)


@router.get(
    "/incidents",
    response={200: list[IncidentOut], **READ_ERRORS},
    summary="The incident register, overdue clocks first",
    operation_id="listIncidents",
)
def list_all(request: HttpRequest) -> list[IncidentOut]:
    """The latest incidents, those with an overdue clock first (audited)."""
    return [out(v) for v in list_incidents(get_vault(), actor_of(request), clock.now())]


@router.post(
    "/incidents",
    response={201: IncidentOut, **STEP_ERRORS},
    summary="Open an incident",
    operation_id="openIncident",
)
def open_one(request: HttpRequest, body: IncidentIn) -> Status[IncidentOut]:
    """Open an incident; its deadlines and checklist are made from the plan now."""
    view = open_incident(get_vault(), actor_of(request), **body.dict())
    return Status(201, out(view))


@router.get(
    "/incidents/{incident_id}",
    response={200: IncidentOut, **READ_ERRORS},
    summary="One incident",
    operation_id="getIncident",
)
def get_one(request: HttpRequest, incident_id: str) -> IncidentOut:
    """One incident (audited)."""
    return out(get_incident(get_vault(), actor_of(request), incident_id, clock.now()))


@router.patch(
    "/incidents/{incident_id}",
    response={200: IncidentOut, **STEP_ERRORS},
    summary="Change what is known of an incident",
    operation_id="updateIncident",
)
def update(request: HttpRequest, incident_id: str, body: IncidentChangeIn) -> IncidentOut:
    """Change the counts, the datasets, or link records in the caller's scope."""
    view = update_incident(get_vault(), actor_of(request), incident_id, **body.dict())
    return out(view)


@router.post(
    "/incidents/{incident_id}/steps/{position}",
    response={200: IncidentOut, **STEP_ERRORS},
    summary="Tick or untick a checklist step",
    operation_id="tickIncidentStep",
)
def step(request: HttpRequest, incident_id: str, position: int, body: StepIn) -> IncidentOut:
    """Tick (or untick) step ``position`` of the checklist (audited)."""
    if not 0 < position < 10_000:
        raise NotFound("the checklist has no such step")
    return out(tick_step(get_vault(), actor_of(request), incident_id, position, done=body.done))


@router.post(
    "/incidents/{incident_id}/notes",
    response={201: IncidentOut, **STEP_ERRORS},
    summary="Add a note to an incident",
    operation_id="addIncidentNote",
)
def note(request: HttpRequest, incident_id: str, body: NoteIn) -> Status[IncidentOut]:
    """Add a note (encrypted; read by handlers only)."""
    return Status(201, out(add_note(get_vault(), actor_of(request), incident_id, body.text)))


@router.post(
    "/incidents/{incident_id}/notices",
    response={200: IncidentOut, **STEP_ERRORS},
    summary="Record a notice made",
    operation_id="recordIncidentNotice",
)
def notice(request: HttpRequest, incident_id: str, body: NoticeIn) -> IncidentOut:
    """Record that the notice to the authority or the people was made; its clock then
    reads kept or missed."""
    view = record_notice(get_vault(), actor_of(request), incident_id, body.notice, body.made_at)
    return out(view)


@router.post(
    "/incidents/{incident_id}/state",
    response={200: IncidentOut, **STEP_ERRORS},
    summary="Contain or close an incident",
    operation_id="changeIncidentState",
)
def state(request: HttpRequest, incident_id: str, body: StateIn) -> IncidentOut:
    """Contain or close; closing with steps not ticked needs a reason."""
    view = change_state(get_vault(), actor_of(request), incident_id, body.state, body.reason)
    return out(view)


@router.get(
    "/incidents/{incident_id}/drafts",
    response={200: list[DraftOut], **READ_ERRORS},
    summary="The notice drafts of an incident",
    operation_id="getIncidentDrafts",
)
def drafts(request: HttpRequest, incident_id: str) -> list[DraftOut]:
    """The drafts to the authority and to the people affected (handlers only)."""
    made = notice_drafts(get_vault(), actor_of(request), incident_id)
    return [DraftOut(**d.__dict__, translated=d.translated) for d in made]
