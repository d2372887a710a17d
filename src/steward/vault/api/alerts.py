"""API routes of community alerts, for the roles that handle incidents.

* ``GET /api/alerts``: every alert, newest first, with its state;
* ``POST /api/incidents/{id}/alert``: draft an alert from an incident;
* ``GET /api/alerts/{id}``: one alert;
* ``POST /api/alerts/{id}/text``: a new title and text (redacted again; back to draft);
* ``POST /api/alerts/{id}/decision``: review, approve (with a note of how the partner
  approved), publish or withdraw.

Every route calls :mod:`steward.vault.services.community_alerts` (decided by the plan,
audited): 403 with the reason for a refused step or another role, 404 for an unknown
alert, 400 for bad input. Published alerts are public at ``/alerts/`` and
``/alerts/feed.xml``.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from steward import clock
from steward.vault.api.auth import actor_of
from steward.vault.api.disclosures import STEP_ERRORS
from steward.vault.api.records import READ_ERRORS
from steward.vault.models_response import CommunityAlert
from steward.vault.runtime import get_vault
from steward.vault.services.community_alerts import (
    alert_step,
    default_redactor,
    draft_from_incident,
    edit_alert,
    handled_alert,
    handled_alerts,
)

router = Router(tags=["alerts"])


class AlertOut(Schema):
    """An alert: its redacted text and where it stands (no personal value)."""

    id: UUID
    title: str
    body: str
    state: str = Field(description="draft, reviewed, approved, published or withdrawn")
    drafted_at: datetime
    reviewed_at: datetime | None
    partner_approved_at: datetime | None
    partner_approval_note: str
    published_at: datetime | None


class AlertTextIn(Schema):
    """A new title and text for an alert."""

    title: str = Field(max_length=200)
    body: str = Field(max_length=20_000)


class AlertStepIn(Schema):
    """The next step of an alert."""

    step: str = Field(description="review, approve, publish or withdraw")
    note: str = Field(default="", max_length=500, description="how the partner approved")


def alert_out(alert: CommunityAlert) -> AlertOut:
    """The API shape of ``alert``."""
    return AlertOut(
        id=alert.id,
        title=alert.title,
        body=alert.body,
        state=alert.state,
        drafted_at=alert.drafted_at,
        reviewed_at=alert.reviewed_at,
        partner_approved_at=alert.partner_approved_at,
        partner_approval_note=alert.partner_approval_note,
        published_at=alert.published_at,
    )


@router.get(
    "/alerts",
    response={200: list[AlertOut], **READ_ERRORS},
    summary="Community alerts, newest first",
    operation_id="listAlerts",
)
def list_alerts(request: HttpRequest) -> list[AlertOut]:
    """Every alert, for a role that handles incidents (403 otherwise)."""
    return [alert_out(a) for a in handled_alerts(get_vault(), actor_of(request))]


@router.post(
    "/incidents/{incident_id}/alert",
    response={201: AlertOut, **STEP_ERRORS},
    summary="Draft a community alert from an incident",
    operation_id="draftAlert",
)
def draft(request: HttpRequest, incident_id: str) -> Status[AlertOut]:
    """Draft an alert from the incident's kind, month, title and description, the last
    two with personal data replaced by placeholders (redacted by Steward)."""
    made = draft_from_incident(get_vault(), actor_of(request), incident_id, clock.now())
    return Status(201, alert_out(made))


@router.get(
    "/alerts/{alert_id}",
    response={200: AlertOut, **READ_ERRORS},
    summary="One community alert",
    operation_id="getAlert",
)
def get_alert(request: HttpRequest, alert_id: str) -> AlertOut:
    """One alert (404 when there is none)."""
    return alert_out(handled_alert(get_vault(), actor_of(request), alert_id))


@router.post(
    "/alerts/{alert_id}/text",
    response={200: AlertOut, **STEP_ERRORS},
    summary="Change an alert's title and text",
    operation_id="editAlert",
)
def edit(request: HttpRequest, alert_id: str, body: AlertTextIn) -> AlertOut:
    """Store a new title and text, redacted again; a reviewed or approved alert goes
    back to draft. Refused (403) once published or withdrawn."""
    vault, actor = get_vault(), actor_of(request)
    return alert_out(edit_alert(vault, actor, alert_id, body.title, body.body, default_redactor()))


@router.post(
    "/alerts/{alert_id}/decision",
    response={200: AlertOut, **STEP_ERRORS},
    summary="Review, approve, publish or withdraw an alert",
    operation_id="decideAlert",
)
def decide(request: HttpRequest, alert_id: str, body: AlertStepIn) -> AlertOut:
    """Move the alert on; 403 with the reason when the plan's rule refuses the step."""
    return alert_out(alert_step(get_vault(), actor_of(request), alert_id, body.step, body.note))
