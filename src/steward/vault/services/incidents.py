"""Handling incidents: opening one (its deadlines and checklist computed from the plan),
changing what is known of it, ticking its steps, writing notes, recording the notices
made, containing and closing it. Each step is decided by the pure rules
(:mod:`steward.vault.rules.incident`) and audited in the same transaction; if the audit
entry cannot be written nothing changes.

The description and the notes often name the people an incident touched: they are
encrypted with the key ring under a key of the incident's own (``incident:<id>``), each
ciphertext bound to its row and field (dataset ``incident``, record the incident id,
field ``description`` or ``note/<note id>``). The title, kind, counts, dates and states
are kept clear: they are what the register, the clocks and the review are made of, so
the title must name nobody (the form says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final
from uuid import UUID, uuid4

from django.db import transaction

from steward import clock
from steward.vault.audit_actions import AuditAction
from steward.vault.models_response import Incident, IncidentNote, IncidentRecord, IncidentStep
from steward.vault.rules.incident import (
    NOTIFY_AUTHORITY,
    NOTIFY_PEOPLE,
    IncidentState,
    checklist,
    count_refusal,
    deadlines,
    opening_refusal,
    transition_refusal,
)
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.incident_register import (
    IncidentView,
    check_handler,
    load_incident,
    place_of,
    view_of,
)
from steward.vault.services.staff_reasons import record_in_scope

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_LINKED",
    "MAX_NOTE",
    "NOTICES",
    "add_note",
    "change_state",
    "open_incident",
    "record_notice",
    "tick_step",
    "update_incident",
]

MAX_DESCRIPTION: Final = 20_000
MAX_NOTE: Final = 5_000
MAX_LINKED: Final = 1_000
NOTICES: Final = ("authority", "people")


def _text(value: str, what: str, limit: int) -> str:
    text = value.strip()
    if len(text) > limit:
        raise InvalidValue(f"the {what} is longer than {limit:,} characters")
    return text


def _datasets(vault: Vault, datasets: Sequence[str]) -> list[str]:
    known = {d.id for d in vault.plan.datasets}
    names = list(dict.fromkeys(d.strip() for d in datasets if d.strip()))
    for name in names:
        if name not in known:
            raise InvalidValue(f"the plan has no dataset '{name}'")
    return names


def _person(actor: Actor) -> int:
    """The acting person's account (the rule has already refused a service token)."""
    if actor.user_id is None:
        raise AccessDenied("incidents are handled by a person with a staff account")
    return actor.user_id


def _refuse(why: str | None) -> None:
    if why:
        raise InvalidValue(why)


def open_incident(
    vault: Vault,
    actor: Actor,
    *,
    kind: str,
    title: str,
    detected_at: datetime | None,
    description: str = "",
    datasets: Sequence[str] = (),
    records_affected: int = 0,
    people_affected: int = 0,
    personal_data: bool = True,
) -> IncidentView:
    """Open an incident: its notice deadlines (detection plus the plan's durations)
    and its checklist (the plan's response plan, and the notices) are made now and
    never move. The description is encrypted. Audited (``incident.open``).

    Raises:
        AccessDenied: the actor may not handle incidents (audited; nothing stored).
        InvalidValue: a bad kind, title, time, count, dataset or a description too long
            (nothing stored).
        AuditUnavailable: nothing stored.
    """
    check_handler(vault, actor, "incident/new", AuditAction.INCIDENT_OPEN)
    now = clock.now()
    _refuse(opening_refusal(kind, title, detected_at, now, (records_affected, people_affected)))
    assert detected_at is not None  # checked just above
    text = _text(description, "description", MAX_DESCRIPTION)
    names = _datasets(vault, datasets)
    made_id = uuid4()
    due = deadlines(vault.plan, detected_at)
    sealed = None
    if text:
        subject, place = place_of(made_id, "description")
        sealed = vault.keyring.encrypt(subject, text.encode(), **place)
    with transaction.atomic():
        made = Incident.objects.create(
            id=made_id,
            kind=kind,
            title=" ".join(title.split()),
            description=sealed,
            detected_at=detected_at,
            opened_at=now,
            opened_by_id=_person(actor),
            datasets=names,
            records_affected=records_affected,
            people_affected=people_affected,
            personal_data=personal_data,
            authority_due=due.authority,
            people_due=due.people,
        )
        IncidentStep.objects.bulk_create(
            IncidentStep(incident=made, position=n, text=step)
            for n, step in enumerate(checklist(vault.plan), start=1)
        )
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.INCIDENT_OPEN,
            obj=f"incident/{made.id}",
            purpose=kind,
        )
        return view_of(vault, actor, made, now)


def _check(vault: Vault, actor: Actor, incident_id: UUID | str, action: AuditAction) -> None:
    """Refuse (audited, outside any transaction so the refusal stays in the log) unless
    the actor handles incidents."""
    check_handler(vault, actor, f"incident/{load_incident(incident_id).id}", action)


def _open_for_change(vault: Vault, actor: Actor, incident_id: UUID | str) -> Incident:
    """The incident, locked, once it is known not to be closed (inside the caller's
    transaction; the caller checked the actor with :func:`_check` before it)."""
    found = load_incident(incident_id, lock=True)
    if found.state == IncidentState.CLOSED:
        raise InvalidValue("the incident is closed: nothing more changes")
    return found


def update_incident(
    vault: Vault,
    actor: Actor,
    incident_id: UUID | str,
    *,
    records_affected: int | None = None,
    people_affected: int | None = None,
    datasets: Sequence[str] | None = None,
    records: Sequence[str] | None = None,
    personal_data: bool | None = None,
) -> IncidentView:
    """Change what is known: the counts, the datasets, whether personal data is
    involved, and links to records (by case reference; each must be in the actor's own
    scope: links are added, never removed). Audited (``incident.update``, the fields
    changed; never a value).

    Raises:
        NotFound: no such incident, or a case out of the actor's scope (nothing changed).
        AccessDenied: not a handler (audited).
        InvalidValue: a bad count or dataset, too many records, a closed incident.
        AuditUnavailable: nothing changed.
    """
    counts = [c for c in (records_affected, people_affected) if c is not None]
    _refuse(count_refusal(counts))
    now = clock.now()
    _check(vault, actor, incident_id, AuditAction.INCIDENT_UPDATE)
    with transaction.atomic():
        found = _open_for_change(vault, actor, incident_id)
        changed: list[str] = []
        if records_affected is not None:
            found.records_affected = records_affected
            changed.append("records_affected")
        if people_affected is not None:
            found.people_affected = people_affected
            changed.append("people_affected")
        if datasets is not None:
            found.datasets = _datasets(vault, datasets)
            changed.append("datasets")
        if personal_data is not None:
            found.personal_data = personal_data
            changed.append("personal_data")
        if records:
            if len(records) > MAX_LINKED:
                raise InvalidValue(f"link at most {MAX_LINKED} records at a time")
            rows = {record_in_scope(actor, r).id for r in records}
            known = set(found.records.values_list("record_id", flat=True))
            IncidentRecord.objects.bulk_create(
                IncidentRecord(incident=found, record_id=r) for r in rows - known
            )
            if found.records_affected < found.records.count():
                found.records_affected = found.records.count()
            changed.append("records")
        found.save()
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.INCIDENT_UPDATE,
            obj=f"incident/{found.id}",
            fields=changed,
            purpose="update",
        )
        return view_of(vault, actor, found, now)


def tick_step(
    vault: Vault, actor: Actor, incident_id: UUID | str, position: int, *, done: bool = True
) -> IncidentView:
    """Tick (or untick) checklist step ``position``. Audited (``incident.step``).

    Raises:
        NotFound: no such incident or step.
        AccessDenied: not a handler (audited).
        InvalidValue: a closed incident.
        AuditUnavailable: nothing changed.
    """
    now = clock.now()
    _check(vault, actor, incident_id, AuditAction.INCIDENT_STEP)
    with transaction.atomic():
        found = _open_for_change(vault, actor, incident_id)
        step = found.steps.filter(position=position).first()
        if step is None:
            raise NotFound("the checklist has no such step")
        step.done_at, step.done_by_id = (now, actor.user_id) if done else (None, None)
        step.save()
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.INCIDENT_STEP,
            obj=f"incident/{found.id}/step/{position}",
            purpose="done" if done else "undone",
        )
        return view_of(vault, actor, found, now)


def add_note(vault: Vault, actor: Actor, incident_id: UUID | str, text: str) -> IncidentView:
    """Add a note (an action taken, a finding), encrypted. Audited (``incident.note``).

    Raises:
        NotFound, AccessDenied (audited), AuditUnavailable: as :func:`tick_step`.
        InvalidValue: an empty or long note, a closed incident.
    """
    words = _text(text, "note", MAX_NOTE)
    if not words:
        raise InvalidValue("the note is empty")
    now = clock.now()
    _check(vault, actor, incident_id, AuditAction.INCIDENT_NOTE)
    with transaction.atomic():
        found = _open_for_change(vault, actor, incident_id)
        _write_note(vault, actor, found, words, now)
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.INCIDENT_NOTE,
            obj=f"incident/{found.id}",
        )
        return view_of(vault, actor, found, now)


def _write_note(vault: Vault, actor: Actor, found: Incident, text: str, now: datetime) -> None:
    note = IncidentNote.objects.create(incident=found, at=now, by_id=_person(actor), text=b"")
    subject, place = place_of(found.id, f"note/{note.pk}")
    note.text = vault.keyring.encrypt(subject, text.encode(), **place)
    note.save(update_fields=["text"])


def record_notice(
    vault: Vault,
    actor: Actor,
    incident_id: UUID | str,
    notice: str,
    made_at: datetime | None = None,
) -> IncidentView:
    """Record that the notice to the ``authority`` or to the ``people`` affected was made
    (at ``made_at``, by default now); ticks its checklist step. The clock then reads
    kept or missed. Audited (``incident.update``).

    Raises:
        InvalidValue: an unknown notice, a time in the future or before detection, a
            notice already recorded, a closed incident.
        NotFound, AccessDenied (audited), AuditUnavailable: as :func:`tick_step`.
    """
    if notice not in NOTICES:
        raise InvalidValue("the notice is one of authority or people")
    now = clock.now()
    when = made_at or now
    if when.tzinfo is None:
        raise InvalidValue("the time of the notice needs its time zone")
    if when > now:
        raise InvalidValue("the notice time is in the future")
    _check(vault, actor, incident_id, AuditAction.INCIDENT_UPDATE)
    with transaction.atomic():
        found = _open_for_change(vault, actor, incident_id)
        if when < found.detected_at:
            raise InvalidValue("the notice time is before the incident was detected")
        field = f"{notice}_notified_at"
        if getattr(found, field) is not None:
            raise InvalidValue(f"the notice to the {notice} is already recorded")
        setattr(found, field, when)
        found.save()
        prefix = NOTIFY_AUTHORITY if notice == "authority" else NOTIFY_PEOPLE
        found.steps.filter(text__startswith=prefix, done_at__isnull=True).update(
            done_at=when, done_by_id=actor.user_id
        )
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.INCIDENT_UPDATE,
            obj=f"incident/{found.id}",
            fields=[field],
            purpose=f"notice: {notice}",
        )
        return view_of(vault, actor, found, now)


def change_state(
    vault: Vault, actor: Actor, incident_id: UUID | str, target: str, reason: str = ""
) -> IncidentView:
    """Contain or close the incident. Closing with steps not ticked needs ``reason``,
    which is kept as an encrypted note. Audited (``incident.update``).

    Raises:
        InvalidValue: an unknown state, a move the rule refuses (with its reason).
        NotFound, AccessDenied (audited), AuditUnavailable: as :func:`tick_step`.
    """
    try:
        wanted = IncidentState(target)
    except ValueError:
        raise InvalidValue("the state is one of contained or closed") from None
    text = _text(reason, "reason", MAX_NOTE)
    now = clock.now()
    _check(vault, actor, incident_id, AuditAction.INCIDENT_UPDATE)
    with transaction.atomic():
        found = load_incident(incident_id, lock=True)
        steps_open = found.steps.filter(done_at__isnull=True).count()
        _refuse(transition_refusal(IncidentState(found.state), wanted, steps_open, text))
        found.state = wanted.value
        if wanted is IncidentState.CLOSED:
            found.closed_at, found.closed_by_id = now, actor.user_id
        found.save()
        if text:
            _write_note(vault, actor, found, f"{wanted.value}: {text}", now)
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.INCIDENT_UPDATE,
            obj=f"incident/{found.id}",
            fields=["state"],
            purpose=wanted.value,
        )
        return view_of(vault, actor, found, now)
