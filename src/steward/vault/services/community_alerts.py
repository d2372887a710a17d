"""Community alerts: drafted from an incident with personal data redacted, reviewed by a
person, approved by the partner concerned where the plan asks, then published on the
public page and feed (:mod:`steward.vault.views.alerts`).

Every step is decided by :mod:`steward.vault.rules.community_alert` and audited
(``alert.draft``, ``alert.decide``, ``alert.publish``); a refused step is audited too,
best effort. The text of a draft, and of every edit, passes through the redaction
function before it is stored, so an alert never holds what the redaction finds.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import NoReturn
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.audit import Outcome
from steward.vault.audit_actions import AuditAction
from steward.vault.models_response import CommunityAlert, Incident
from steward.vault.rules.community_alert import (
    AlertState,
    AlertStep,
    IncidentSummary,
    alert_text_problem,
    decide_alert_step,
    draft_alert,
    handles_alerts,
)
from steward.vault.rules.staff_standing import StaffStanding
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit

__all__ = [
    "Redactor",
    "alert_step",
    "default_redactor",
    "draft_community_alert",
    "draft_from_incident",
    "edit_alert",
    "handled_alert",
    "handled_alerts",
    "published_alerts",
    "require_handler",
]

Redactor = Callable[[str], str]
"""Replaces every personal-data span of a text with a typed placeholder."""

MAX_NOTE_CHARS = 500


def default_redactor() -> Redactor:
    """Steward's span redaction (:mod:`steward.deid.redact`), every kind it finds."""
    from steward.deid.redact import redact_text

    return lambda text: redact_text(text).text


def _standing(actor: Actor) -> StaffStanding:
    return StaffStanding(
        role=actor.role,
        user_id=actor.user_id,
        expired=actor.expired(),
        mfa_verified=actor.mfa_verified,
    )


def _deny(vault: Vault, actor: Actor, action: AuditAction, target: str, reason: str) -> NoReturn:
    """Audit a refused step (best effort: the refusal stands regardless)."""
    with suppress(AuditUnavailable), transaction.atomic():
        audit(
            vault,
            actor=actor.ref,
            action=action,
            obj=target,
            purpose=reason,
            outcome=Outcome.DENIED,
        )
    raise AccessDenied(reason)


def _target(alert_id: UUID | str) -> str:
    return f"alert/{alert_id}"


def _alert(alert_id: UUID | str) -> CommunityAlert:
    try:
        return CommunityAlert.objects.get(pk=UUID(str(alert_id)))
    except (ValueError, CommunityAlert.DoesNotExist):
        raise NotFound("there is no such alert") from None


def draft_community_alert(
    vault: Vault, actor: Actor, incident: Incident, description: str, redact: Redactor
) -> CommunityAlert:
    """Draft an alert from ``incident`` (its kind, month, title and ``description``, the
    last two redacted) and store it as a draft.

    Raises:
        AccessDenied: the actor does not handle incidents, or the plan makes no alerts
            (audited).
        AuditUnavailable: nothing was stored.
    """
    refusal = handles_alerts(vault.plan, _standing(actor))
    if refusal:
        _deny(vault, actor, AuditAction.ALERT_DRAFT, f"incident/{incident.id}", refusal)
    assert actor.user_id is not None  # handles_alerts refuses anyone without an account
    summary = IncidentSummary(incident.kind, incident.title, description, incident.detected_at)
    draft = draft_alert(summary, redact)
    with transaction.atomic():
        alert = CommunityAlert.objects.create(
            incident=incident,
            title=draft.title,
            body=draft.body,
            drafted_at=clock.now(),
            drafted_by_id=actor.user_id,
        )
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.ALERT_DRAFT,
            obj=_target(alert.id),
            purpose=f"from incident/{incident.id}",
        )
    return alert


def draft_from_incident(
    vault: Vault, actor: Actor, incident_id: UUID | str, now: datetime
) -> CommunityAlert:
    """Draft an alert from the incident: its description is read (audited, for those who
    handle incidents) and redacted with :func:`default_redactor`.

    Raises:
        NotFound: no such incident.
        AccessDenied: the actor does not handle alerts or incidents (audited).
        AuditUnavailable, KeyStoreError: nothing was stored.
    """
    from steward.vault.services.incident_register import get_incident, load_incident

    refusal = handles_alerts(vault.plan, _standing(actor))
    if refusal:
        _deny(vault, actor, AuditAction.ALERT_DRAFT, f"incident/{incident_id}", refusal)
    view = get_incident(vault, actor, incident_id, now)
    incident = load_incident(view.id)
    return draft_community_alert(vault, actor, incident, view.description or "", default_redactor())


def edit_alert(
    vault: Vault, actor: Actor, alert_id: UUID | str, title: str, body: str, redact: Redactor
) -> CommunityAlert:
    """Store a new title and text (redacted again); a reviewed or approved alert goes
    back to draft.

    Raises:
        NotFound: no such alert.
        InvalidValue: an empty or too long title or text; nothing is stored.
        AccessDenied: the rule refuses it (audited).
        AuditUnavailable: nothing was stored.
    """
    problem = alert_text_problem(title, body)
    if problem:
        raise InvalidValue(problem)
    return _move(vault, actor, alert_id, AlertStep.EDIT, title=redact(title), body=redact(body))


def alert_step(
    vault: Vault, actor: Actor, alert_id: UUID | str, step: AlertStep | str, note: str = ""
) -> CommunityAlert:
    """Review, approve (with ``note``: how the partner approved), publish or withdraw.

    Raises:
        NotFound: no such alert.
        InvalidValue: an unknown step, or an approval without a note.
        AccessDenied: the rule refuses it (audited).
        AuditUnavailable: nothing changed.
    """
    try:
        chosen = AlertStep(step)
    except ValueError:
        raise InvalidValue(f"the step is one of {', '.join(s.value for s in AlertStep)}") from None
    if chosen is AlertStep.EDIT:
        raise InvalidValue("an edit gives a new title and text")
    note = " ".join(note.split())
    if chosen is AlertStep.APPROVE and not note:
        raise InvalidValue("say how the partner approved it (for example, by email on a date)")
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidValue(f"the note is longer than {MAX_NOTE_CHARS} characters")
    return _move(vault, actor, alert_id, chosen, note=note)


def _move(
    vault: Vault,
    actor: Actor,
    alert_id: UUID | str,
    step: AlertStep,
    *,
    title: str = "",
    body: str = "",
    note: str = "",
) -> CommunityAlert:
    action = AuditAction.ALERT_PUBLISH if step is AlertStep.PUBLISH else AuditAction.ALERT_DECIDE
    with transaction.atomic():
        alert = CommunityAlert.objects.select_for_update().get(pk=_alert(alert_id).pk)
        to, reason = decide_alert_step(vault.plan, _standing(actor), AlertState(alert.state), step)
        if to is not None:
            _apply(alert, actor, step, to, title=title, body=body, note=note)
            audit(vault, actor=actor.ref, action=action, obj=_target(alert.id), purpose=step.value)
    if to is None:
        _deny(vault, actor, action, _target(alert.id), reason)
    return alert


def _apply(
    alert: CommunityAlert,
    actor: Actor,
    step: AlertStep,
    to: AlertState,
    *,
    title: str,
    body: str,
    note: str,
) -> None:
    now = clock.now()
    alert.state = to.value
    if step is AlertStep.EDIT:
        alert.title, alert.body = title, body
        alert.reviewed_at, alert.reviewed_by = None, None
        alert.partner_approved_at, alert.partner_approval_note = None, ""
    elif step is AlertStep.REVIEW:
        alert.reviewed_at, alert.reviewed_by_id = now, actor.user_id
    elif step is AlertStep.APPROVE:
        alert.partner_approved_at, alert.partner_approval_note = now, note
    elif step is AlertStep.PUBLISH:
        alert.published_at = now
    alert.save()


def require_handler(vault: Vault, actor: Actor) -> None:
    """Return if ``actor`` handles alerts.

    Raises:
        AccessDenied: they do not (not audited: alerts hold no personal data).
    """
    refusal = handles_alerts(vault.plan, _standing(actor))
    if refusal:
        raise AccessDenied(refusal)


def handled_alerts(vault: Vault, actor: Actor, limit: int = 100) -> list[CommunityAlert]:
    """Every alert, newest first, for a person who handles incidents.

    Raises:
        AccessDenied: anyone else (not audited: alerts hold no personal data).
    """
    require_handler(vault, actor)
    return list(CommunityAlert.objects.order_by("-drafted_at", "-id")[:limit])


def handled_alert(vault: Vault, actor: Actor, alert_id: UUID | str) -> CommunityAlert:
    """One alert, for a person who handles incidents.

    Raises:
        AccessDenied: anyone else.
        NotFound: no such alert.
    """
    require_handler(vault, actor)
    return _alert(alert_id)


def published_alerts(vault: Vault, limit: int = 50) -> list[CommunityAlert]:
    """The published alerts, newest first (empty when the plan publishes none)."""
    rules = vault.plan.operations.community_alerts
    if rules is None or not rules.publish:
        return []
    rows = CommunityAlert.objects.filter(state=CommunityAlert.State.PUBLISHED)
    return list(rows.order_by("-published_at", "-id")[:limit])
