"""Staff pages of community alerts (``/staff/alerts/``): the list, and one alert with
the forms to edit its text, review it, record the partner's approval, publish it or
withdraw it.

Every step goes through :mod:`steward.vault.services.community_alerts` (decided by the
plan, audited). Answers 403 to roles that do not handle incidents, 404 to an unknown
alert, 400 with the form shown again for bad input, 503 when the audit log cannot be
written.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_POST

from steward import clock
from steward.vault.models_response import CommunityAlert
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.community_alerts import (
    alert_step,
    default_redactor,
    draft_from_incident,
    edit_alert,
    handled_alert,
    handled_alerts,
)
from steward.vault.views.staff import service_error
from steward.vault.views.staff_common import page, staff_page

LIST: Final = "steward/staff/alerts.html"
ONE: Final = "steward/staff/alert.html"
DONE: Final = {
    "review": "Marked as read: nothing in it identifies anyone.",
    "approve": "The partner's approval is recorded.",
    "publish": "Published on the public alerts page and in its feed.",
}


@require_POST
@staff_page
def alert_from_incident(request: HttpRequest, actor: Actor, incident_id: UUID) -> HttpResponse:
    """Draft an alert from the incident (its description read, audited, and redacted)."""
    try:
        alert = draft_from_incident(get_vault(), actor, incident_id, clock.now())
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    messages.success(request, "Alert drafted. Read it before it is published.")
    return HttpResponseRedirect(f"/staff/alerts/{alert.id}/")


@require_GET
@staff_page
def alerts_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every alert, newest first, with its state."""
    try:
        alerts = handled_alerts(get_vault(), actor)
    except AccessDenied as error:
        return service_error(request, error, actor)
    context = {"alerts": alerts, "alerts_need_approval": _partner_approval()}
    return page(request, LIST, context, actor=actor)


def _partner_approval() -> bool:
    rules = get_vault().plan.operations.community_alerts
    return bool(rules and rules.partner_approval)


def _one(request: HttpRequest, actor: Actor, alert_id: UUID, **extra: object) -> HttpResponse:
    try:
        alert = handled_alert(get_vault(), actor, alert_id)
    except (AccessDenied, NotFound) as error:
        return service_error(request, error, actor)
    context = {"alert": alert, "partner_approval": _partner_approval()}
    status = 400 if extra.get("error") else 200
    return page(request, ONE, {**context, **extra}, status=status, actor=actor)


@require_GET
@staff_page
def alert_page(request: HttpRequest, actor: Actor, alert_id: UUID) -> HttpResponse:
    """One alert: its text as it would be published, its history and the next steps."""
    return _one(request, actor, alert_id)


@require_POST
@staff_page
def alert_edit(request: HttpRequest, actor: Actor, alert_id: UUID) -> HttpResponse:
    """Store a new title and text (redacted again); the alert goes back to draft."""
    title = request.POST.get("title", "")
    body = request.POST.get("body", "")
    try:
        edit_alert(get_vault(), actor, alert_id, title, body, default_redactor())
    except InvalidValue as error:
        return _one(request, actor, alert_id, error=str(error), title=title, body=body)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    again = "read and approved" if _partner_approval() else "read"
    messages.success(request, f"Text saved. It must be {again} again before it is published.")
    return HttpResponseRedirect(f"/staff/alerts/{alert_id}/")


def _done(step: str, alert: CommunityAlert) -> str:
    """What the step did, in plain words."""
    if step == "withdraw":
        if alert.published_at is not None:
            return "Withdrawn: it is no longer on the public page or in the feed."
        return "Withdrawn: it will not be published."
    return DONE[step]


@require_POST
@staff_page
def alert_decide(request: HttpRequest, actor: Actor, alert_id: UUID) -> HttpResponse:
    """Review, approve (with a note of how the partner approved), publish or withdraw."""
    step = request.POST.get("step", "")
    note = request.POST.get("note", "")
    try:
        moved = alert_step(get_vault(), actor, alert_id, step, note)
    except InvalidValue as error:
        return _one(request, actor, alert_id, error=str(error), note=note)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    messages.success(request, _done(step, moved))
    return HttpResponseRedirect(f"/staff/alerts/{alert_id}/")
