"""Closing a case, and reopening it, with a reason; both audited.

The decision is :func:`~steward.vault.rules.case_status.decide_status_change`, a pure
rule of the plan; this service fetches the facts it needs, carries the decision out
(``Record.status`` and ``Record.closed``) and audits it (``record.close`` or
``record.reopen``, with the reason as typed) in the same transaction. Refusals are
audited too. A record out of the actor's scope is answered exactly like one that does
not exist.

Whatever closing must also do (the plan's retention from ``case_closure``) runs inside
the same transaction, right after the status is written (see :func:`close_case`).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.audit import Outcome
from steward.errors import StewardError
from steward.vault.audit_actions import AuditAction
from steward.vault.models import FieldValue, Record
from steward.vault.rules.case_status import (
    CaseChange,
    CaseState,
    Refusal,
    StatusDecision,
    Worker,
    decide_status_change,
    may_change_cases,
    reopen_deadline,
)
from steward.vault.rules.scope import RecordFacts, in_scope
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.retention_sweep import apply_retention

ACTIONS = {CaseChange.CLOSE: AuditAction.RECORD_CLOSE, CaseChange.REOPEN: AuditAction.RECORD_REOPEN}


class CaseConflict(StewardError):
    """The case is already in the state asked for (closing a closed case, ...)."""


@dataclass(frozen=True)
class CaseStatus:
    """Where a case stands after a close or a reopen.

    Attributes:
        reopen_until: the last moment a closed case may be reopened, if the plan
            limits it; ``None`` for an open case or when there is no limit.
    """

    record: UUID
    status: str
    closed: datetime | None
    reopen_until: datetime | None


def close_case(
    vault: Vault,
    actor: Actor,
    record_id: UUID | str,
    *,
    reason: str,
    now: datetime | None = None,
) -> CaseStatus:
    """Close the case ``record_id`` at ``now`` (default: the clock's time), for ``reason``.

    Raises:
        NotFound: no such record, or out of the actor's scope.
        AccessDenied: the plan does not let the actor close it, or the reason says
            nothing (audited).
        CaseConflict: the case is already closed (audited).
        AuditUnavailable: the close could not be audited; nothing changed.
    """
    return _change(vault, actor, record_id, CaseChange.CLOSE, reason, now or clock.now())


def reopen_case(
    vault: Vault,
    actor: Actor,
    record_id: UUID | str,
    *,
    reason: str,
    now: datetime | None = None,
) -> CaseStatus:
    """Reopen the closed case ``record_id`` at ``now`` (default: the clock's time).

    Raises:
        NotFound: no such record, or out of the actor's scope.
        AccessDenied: the plan does not let the actor reopen it: no grant, a reason
            that says nothing, past the plan's reopening window, or its details were
            deleted (audited).
        CaseConflict: the case is open (audited).
        AuditUnavailable: the reopening could not be audited; nothing changed.
    """
    return _change(vault, actor, record_id, CaseChange.REOPEN, reason, now or clock.now())


def may_change_status(vault: Vault, actor: Actor, dataset_id: str) -> bool:
    """Whether the actor may close or reopen cases of ``dataset_id`` (decides only;
    reads no case): whether the record page offers the buttons."""
    moment = clock.now()
    return may_change_cases(vault.plan, _worker(actor, moment), dataset_id, moment).allowed


def status_of(vault: Vault, record: Record) -> CaseStatus:
    """Where ``record`` stands (no decision, no audit: it holds no personal data)."""
    closed = record.closed if record.status == Record.Status.CLOSED else None
    until = reopen_deadline(vault.plan, closed) if closed is not None else None
    return CaseStatus(record.id, record.status, closed, until)


def details_purged(record: Record) -> bool:
    """Whether a closed case's details were deleted (nothing left to reopen).

    The retention sweep marks such records (``purged``); until a record carries that
    marker, a closed case with no stored values left counts as purged.
    """
    marker = getattr(record, "purged", None)
    if marker is not None:
        return bool(marker)
    if record.status != Record.Status.CLOSED:
        return False
    return not FieldValue.objects.filter(record_id=record.pk).exists()


def _change(
    vault: Vault,
    actor: Actor,
    record_id: UUID | str,
    change: CaseChange,
    reason: str,
    now: datetime,
) -> CaseStatus:
    row = _record(actor, record_id)
    target = f"record/{row.id}"
    action = ACTIONS[change]
    worker = _worker(actor, now)
    decision = decide_status_change(vault.plan, worker, _state(row), change, reason, now)
    if not decision:
        _refuse(vault, actor, action, target, decision)
    text = " ".join(reason.split())
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=row.pk)
        decision = decide_status_change(vault.plan, worker, _state(locked), change, reason, now)
        if decision:
            if change is CaseChange.CLOSE:
                locked.status, locked.closed = Record.Status.CLOSED, now
            else:
                # A case is reopened because the person came back: that is a contact.
                locked.status, locked.closed = Record.Status.OPEN, None
                locked.last_contact = now
            locked.save(update_fields=["status", "closed", "last_contact", "updated"])
            audit(vault, actor=actor.ref, action=action, obj=target, purpose=text)
            if change is CaseChange.CLOSE:
                # Purposes that keep nothing after closure (keep: 0d from: case_closure)
                # let go now, through the one deletion service, in this transaction.
                apply_retention(vault, [locked.id], now=now, actor=actor)
                locked.refresh_from_db()
    if not decision:
        _refuse(vault, actor, action, target, decision)
    return status_of(vault, locked)


def _worker(actor: Actor, now: datetime) -> Worker:
    return Worker(role=actor.role, expired=actor.expired(now), mfa_verified=actor.mfa_verified)


def _state(row: Record) -> CaseState:
    closed = row.closed if row.status == Record.Status.CLOSED else None
    if row.status == Record.Status.CLOSED and closed is None:
        closed = row.updated  # closed before the time of closing was kept
    return CaseState(row.dataset, closed, details_purged(row))


def _record(actor: Actor, record_id: UUID | str) -> Record:
    try:
        key = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
        row = Record.objects.get(pk=key)
    except (ValueError, Record.DoesNotExist):
        raise NotFound("no such record") from None
    if not in_scope(actor.reach, RecordFacts(row.assigned_to_id, row.team, row.subject_id)):
        raise NotFound("no such record")
    return row


def _refuse(
    vault: Vault, actor: Actor, action: AuditAction, target: str, decision: StatusDecision
) -> NoReturn:
    """Audit a refused change (best effort: the refusal stands regardless) and raise."""
    with suppress(AuditUnavailable), transaction.atomic():
        audit(vault, actor=actor.ref, action=action, obj=target, outcome=Outcome.DENIED)
    if decision.refusal is Refusal.STATE:
        raise CaseConflict(decision.message)
    raise AccessDenied(decision.message)
