"""The incident register as staff see it: the list (overdue clocks first) and one
incident, audited (``incident.read``).

Handlers (roles that read the audit log) see everything, the description and the notes
decrypted, and the linked records that their own scope reaches. The oversight body's
members see the register only: kinds, counts, clocks, states and the checklist, never
the description, the notes or the records (:func:`~steward.vault.rules.incident.
reads_details`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction

from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record
from steward.vault.models_response import Incident
from steward.vault.rules.incident import (
    Clock,
    ClockState,
    clock_of,
    decide_handle,
    decide_read,
    kind_label,
    reads_details,
)
from steward.vault.rules.incident_notice import AUDIENCES, IncidentFacts, NoticeDraft, draft_notice
from steward.vault.rules.scope import RecordFacts, in_scope
from steward.vault.runtime import Vault
from steward.vault.services.access import NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.disclosure_register import deny_audited
from steward.vault.services.disclosures import standing_of

__all__ = [
    "REGISTER_OBJECT",
    "IncidentView",
    "NoteView",
    "StepView",
    "check_handler",
    "get_incident",
    "list_incidents",
    "load_incident",
    "notice_drafts",
    "place_of",
    "view_of",
]

REGISTER_OBJECT: Final = "incident/register"
DATASET: Final = "incident"
_URGENCY: Final = {
    ClockState.OVERDUE: 0,
    ClockState.DUE_SOON: 1,
    ClockState.RUNNING: 2,
    ClockState.MISSED: 3,
}


@dataclass(frozen=True)
class StepView:
    """One checklist step (its text comes from the plan)."""

    position: int
    text: str
    done_at: datetime | None
    done_by: str | None


@dataclass(frozen=True)
class NoteView:
    """A note written by a handler (decrypted for handlers only)."""

    at: datetime
    by: str
    text: str


@dataclass(frozen=True)
class IncidentView:
    """An incident as the reader may see it. ``details`` says whether the description,
    notes and records are shown (``None`` otherwise)."""

    id: UUID
    kind: str
    title: str
    state: str
    detected_at: datetime
    opened_at: datetime
    opened_by: str
    datasets: tuple[str, ...]
    records_affected: int
    people_affected: int
    personal_data: bool
    authority: Clock
    people: Clock
    closed_at: datetime | None
    closed_by: str | None
    steps: tuple[StepView, ...]
    records_linked: int
    details: bool
    description: str | None
    notes: tuple[NoteView, ...] | None
    records: tuple[UUID, ...] | None

    @property
    def kind_label(self) -> str:
        """The kind in plain words (``"Key or password exposed"``)."""
        return kind_label(self.kind)

    @property
    def steps_open(self) -> int:
        """How many steps are not ticked."""
        return sum(1 for s in self.steps if s.done_at is None)

    @property
    def urgency(self) -> int:
        """Sorts the register: overdue clocks first, then due soon, running, missed."""
        states = (self.authority.state, self.people.state)
        return min(_URGENCY.get(s, 4) for s in states)


def place_of(incident_id: UUID, field: str) -> tuple[str, dict[str, str]]:
    """The key ring subject of an incident's texts (a key of its own, never a
    person's) and the place a text's ciphertext is bound to."""
    place = {"dataset": DATASET, "record": str(incident_id), "field": field}
    return f"incident:{incident_id}", place


def load_incident(incident_id: UUID | str, *, lock: bool = False) -> Incident:
    """The stored incident.

    Raises:
        NotFound: no such incident (or a malformed id).
    """
    try:
        key = incident_id if isinstance(incident_id, UUID) else UUID(str(incident_id))
    except ValueError:
        raise NotFound("no such incident") from None
    rows = Incident.objects.all()
    if lock:
        rows = rows.select_for_update()
    found = rows.filter(pk=key).first()
    if found is None:
        raise NotFound("no such incident")
    return found


def _names(ids: set[int | None]) -> dict[int, str]:
    keys = [i for i in ids if i is not None]
    return dict(User.objects.filter(pk__in=keys).values_list("id", "username"))


def _reachable(actor: Actor, found: Incident) -> tuple[UUID, ...]:
    rows = Record.objects.filter(
        pk__in=found.records.exclude(record=None).values_list("record_id", flat=True)
    ).order_by("id")
    return tuple(
        r.id
        for r in rows
        if in_scope(actor.reach, RecordFacts(r.assigned_to_id, r.team, r.subject_id))
    )


def view_of(vault: Vault, actor: Actor, found: Incident, now: datetime) -> IncidentView:
    """The reader's view of ``found`` at ``now`` (decrypts for handlers only; does not
    audit: the callers do)."""
    details = reads_details(actor.role)
    steps = list(found.steps.all())
    notes = list(found.notes.all()) if details else []
    names = _names({found.opened_by_id, found.closed_by_id} | {s.done_by_id for s in steps}
                   | {n.by_id for n in notes})  # fmt: skip
    description = None
    shown_notes = None
    if details:
        description = ""
        if found.description:
            _, place = place_of(found.id, "description")
            description = vault.keyring.decrypt(bytes(found.description), **place).decode()
        shown_notes = tuple(
            NoteView(
                n.at,
                names.get(n.by_id, ""),
                vault.keyring.decrypt(
                    bytes(n.text), **place_of(found.id, f"note/{n.pk}")[1]
                ).decode(),
            )
            for n in notes
        )
    return IncidentView(
        id=found.id,
        kind=found.kind,
        title=found.title,
        state=found.state,
        detected_at=found.detected_at,
        opened_at=found.opened_at,
        opened_by=names.get(found.opened_by_id, ""),
        datasets=tuple(found.datasets),
        records_affected=found.records_affected,
        people_affected=found.people_affected,
        personal_data=found.personal_data,
        authority=clock_of(found.authority_due, found.authority_notified_at, now),
        people=clock_of(found.people_due, found.people_notified_at, now),
        closed_at=found.closed_at,
        closed_by=names.get(found.closed_by_id) if found.closed_by_id else None,
        steps=tuple(
            StepView(
                s.position, s.text, s.done_at, names.get(s.done_by_id) if s.done_by_id else None
            )
            for s in steps
        ),
        records_linked=found.records.exclude(record=None).count(),
        details=details,
        description=description,
        notes=shown_notes,
        records=_reachable(actor, found) if details else None,
    )


def check_handler(vault: Vault, actor: Actor, target: str, action: AuditAction) -> None:
    """Refuse (audited) unless the actor may handle incidents.

    Raises:
        AccessDenied: with the rule's reason.
    """
    allowed = decide_handle(vault.plan, standing_of(actor))
    if not allowed:
        deny_audited(vault, actor, action, target, allowed.reason)


def _check_reader(vault: Vault, actor: Actor, target: str) -> None:
    allowed = decide_read(vault.plan, standing_of(actor))
    if not allowed:
        deny_audited(vault, actor, AuditAction.INCIDENT_READ, target, allowed.reason)


def list_incidents(
    vault: Vault, actor: Actor, now: datetime, *, limit: int = 200
) -> list[IncidentView]:
    """The latest incidents, those with an overdue clock first, then due soon, then the
    newest detected. Audited.

    Raises:
        AccessDenied: the actor may not read the register (audited).
        AuditUnavailable: nothing is returned.
    """
    _check_reader(vault, actor, REGISTER_OBJECT)
    with transaction.atomic():
        rows = list(Incident.objects.order_by("-detected_at", "-id")[: max(1, min(limit, 1000))])
        views = [view_of(vault, actor, r, now) for r in rows]
        audit(vault, actor=actor.ref, action=AuditAction.INCIDENT_READ, obj=REGISTER_OBJECT)
    views.sort(key=lambda v: (v.state == "closed", v.urgency))
    return views


def get_incident(
    vault: Vault, actor: Actor, incident_id: UUID | str, now: datetime
) -> IncidentView:
    """One incident. Audited.

    Raises:
        NotFound: no such incident.
        AccessDenied: the actor may not read the register (audited).
        AuditUnavailable, KeyStoreError: nothing is returned.
    """
    found = load_incident(incident_id)
    target = f"incident/{found.id}"
    _check_reader(vault, actor, target)
    with transaction.atomic():
        view = view_of(vault, actor, found, now)
        audit(vault, actor=actor.ref, action=AuditAction.INCIDENT_READ, obj=target)
    return view


def notice_drafts(vault: Vault, actor: Actor, incident_id: UUID | str) -> list[NoticeDraft]:
    """The drafts of the notice to the authority and to the people affected, made from
    the incident's clear facts and the plan (no title, description or note). For
    handlers only. Audited (``incident.read``).

    Raises:
        NotFound: no such incident.
        AccessDenied: not a handler (audited).
        AuditUnavailable: nothing is returned.
    """
    found = load_incident(incident_id)
    target = f"incident/{found.id}/drafts"
    check_handler(vault, actor, target, AuditAction.INCIDENT_READ)
    facts = IncidentFacts(
        kind=found.kind,
        detected_at=found.detected_at,
        datasets=tuple(found.datasets),
        records_affected=found.records_affected,
        people_affected=found.people_affected,
        personal_data=found.personal_data,
        steps_done=tuple(found.steps.filter(done_at__isnull=False).values_list("text", flat=True)),
        authority_due=found.authority_due,
        people_due=found.people_due,
        contained=found.state != "open",
    )
    with transaction.atomic():
        audit(vault, actor=actor.ref, action=AuditAction.INCIDENT_READ, obj=target)
    return [draft_notice(vault.plan, facts, audience) for audience in AUDIENCES]
