"""The privacy officer's queue of people's rights requests: read it, count it, decide.

The decisions are the pure rules of :mod:`steward.vault.rules.rights_queue`; this
service fetches the facts, carries each decision out and audits it in the same
transaction (``rights.read``, ``rights.decide``; refusals too), failing closed.

A request names no personal value: the queue shows the case it is about (record id),
the dataset, the field name, the purpose, dates and status. A decision's reason goes
to the audit log (as its purpose) and is shown to the person; never a value.

Carrying a decision out:

- a correction applied: the proposed value (encrypted under the person's key, bound to
  the request and the field) is decrypted, checked again like intake, stored through
  :func:`~steward.vault.services.record_writes.store_value` (re-encrypted, re-indexed),
  and the proposal is cleared;
- an erasure carried out: everything no legal obligation keeps goes through the
  deletion service: the whole person (:func:`~.deletion.erase_subject`, their key
  shredded) when nothing is kept, else the fields not kept (:func:`~.deletion.purge_fields`);
- any other request answered, or a request refused: only the register changes.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Final, NoReturn
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet

from steward import clock
from steward.audit import Outcome
from steward.errors import StewardError
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record, RightsRequest
from steward.vault.rules.intake import value_problem
from steward.vault.rules.own_choices import Holding, erasure_route
from steward.vault.rules.rights_queue import (
    Officer,
    QueueDecision,
    decide_request,
    decisions_for,
    is_overdue,
    may_handle,
    queue_key,
    status_after,
)
from steward.vault.rules.unreadable import Unreadable
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.deletion import erase_subject, purge_fields
from steward.vault.services.record_views import ValueUnreadable, decrypt_value
from steward.vault.services.record_writes import store_value
from steward.vault.services.retention_sweep import facts_of

__all__ = [
    "PROPOSAL_DATASET",
    "RequestClosed",
    "RightsCounts",
    "RightsQueue",
    "RightsRequestView",
    "open_counts",
]

LIST_OBJECT: Final = "rights/requests"
PROPOSAL_DATASET: Final = "rights-request"
"""The ``dataset`` a proposed correction is encrypted for (its record is the request id)."""
MAX_LIMIT: Final = 500
ERASED: Final = (
    "the person was erased since this request was made: nothing of theirs can be "
    "changed or given any more; refuse the request with a reason"
)


class RequestClosed(StewardError):
    """The request is decided already (done or refused): a decision is final."""


@dataclass(frozen=True)
class RightsRequestView:
    """A rights request as the privacy officer sees it: references, dates, no values.

    Attributes:
        record: the case the request is about (``None`` for the person as a whole).
        overdue: open with its deadline passed.
        proposed: a proposed correction is waiting (its value is not shown).
        person_erased: the person was erased since.
        decisions: the decisions the request can still receive.
    """

    id: int
    record: UUID | None
    dataset: str
    kind: str
    field: str
    purpose: str
    received: datetime
    due: datetime | None
    overdue: bool
    status: str
    by_person: bool
    decided_by: str | None
    decided_at: datetime | None
    decision: str
    proposed: bool
    person_erased: bool
    decisions: tuple[str, ...]


@dataclass(frozen=True)
class RightsCounts:
    """How many requests are open, and how many of those are overdue (for a badge)."""

    open: int
    overdue: int


def open_counts(now: datetime) -> RightsCounts:
    """Open and overdue requests in the register at ``now``: counts only, nothing personal.

    The caller decides who sees them (the staff navigation shows them to the roles of
    :func:`steward.policy.rights_officer_roles`).
    """
    open_rows = RightsRequest.objects.filter(status=RightsRequest.Status.OPEN)
    return RightsCounts(open_rows.count(), open_rows.filter(due__lt=now).count())


class RightsQueue:
    """Lists, counts and decides people's rights requests, as the plan says."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    # -- reading ----------------------------------------------------------------------

    def allowed(self, actor: Actor) -> bool:
        """Whether the actor may see and decide the register (decides only; no audit)."""
        return bool(may_handle(self.vault.plan, _officer(actor)))

    def list(
        self,
        actor: Actor,
        *,
        status: str | None = None,
        kind: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[RightsRequestView]:
        """The requests in queue order (overdue first; see
        :func:`~steward.vault.rules.rights_queue.queue_key`), filtered by ``status`` and
        ``kind`` when given. Audited (``rights.read``); holds no personal values.

        Raises:
            AccessDenied: the actor may not see the register (audited).
            InvalidValue: an unknown status or kind.
            AuditUnavailable: nothing is returned.
        """
        self._check(actor, AuditAction.RIGHTS_READ, LIST_OBJECT)
        query = RightsRequest.objects.all()
        if status:
            if status not in RightsRequest.Status.values:
                raise InvalidValue(f"status must be one of {', '.join(RightsRequest.Status)}")
            query = query.filter(status=status)
        if kind:
            if kind not in RightsRequest.Kind.values:
                raise InvalidValue(f"kind must be one of {', '.join(RightsRequest.Kind)}")
            query = query.filter(kind=kind)
        now = clock.now()
        keys = sorted(
            queue_key(s, due, received, now, pk)
            for pk, s, due, received in query.values_list("id", "status", "due", "received")
        )
        start = max(0, offset)
        wanted = [key[-1] for key in keys[start : start + max(1, min(limit, MAX_LIMIT))]]
        with transaction.atomic():
            rows = {r.id: r for r in _rows(RightsRequest.objects.filter(pk__in=wanted))}
            audit(self.vault, actor=actor.ref, action=AuditAction.RIGHTS_READ, obj=LIST_OBJECT)
        return [_view(rows[pk], now) for pk in wanted if pk in rows]

    def get(self, actor: Actor, request_id: int | str) -> RightsRequestView:
        """One request. Audited (``rights.read`` on ``rights/<id>``).

        Raises:
            AccessDenied: the actor may not see the register (audited).
            NotFound: no such request.
            AuditUnavailable: nothing is returned.
        """
        key = _key(request_id)
        self._check(actor, AuditAction.RIGHTS_READ, f"rights/{key}")
        with transaction.atomic():
            row = _rows(RightsRequest.objects.filter(pk=key)).first()
            if row is None:
                raise NotFound("no such rights request")
            audit(self.vault, actor=actor.ref, action=AuditAction.RIGHTS_READ, obj=f"rights/{key}")
        return _view(row, clock.now())

    def counts(self, actor: Actor) -> RightsCounts:
        """Open and overdue requests, for a badge. Not audited (counts only).

        Raises:
            AccessDenied: the actor may not see the register (audited).
        """
        self._check(actor, AuditAction.RIGHTS_READ, LIST_OBJECT)
        return open_counts(clock.now())

    # -- deciding ---------------------------------------------------------------------

    def decide(
        self, actor: Actor, request_id: int | str, decision: str, reason: str
    ) -> RightsRequestView:
        """Decide an open request with a reason, carry the decision out and audit it
        (``rights.decide`` on ``rights/<id>``, the reason as its purpose), all in one
        transaction: if any part fails, nothing is decided.

        Raises:
            AccessDenied: the actor may not decide (audited).
            NotFound: no such request.
            RequestClosed: the request is done or refused already.
            InvalidValue: the decision does not fit the request, the reason says
                nothing, or a proposed correction no longer fits the field.
            ValueUnreadable: the person was erased since (an erasure is then marked
                done instead), or the proposal cannot be decrypted.
            AuditUnavailable, KeyStoreError: nothing was decided.
        """
        key = _key(request_id)
        target = f"rights/{key}"
        self._check(actor, AuditAction.RIGHTS_DECIDE, target)
        text = " ".join(reason.split())
        now = clock.now()
        with transaction.atomic():
            row = RightsRequest.objects.select_for_update().filter(pk=key).first()
            if row is None:
                raise NotFound("no such rights request")
            if row.status != RightsRequest.Status.OPEN:
                raise RequestClosed(
                    f"rights request {key} is {row.status} already: a decided request is final"
                )
            verdict = decide_request(
                self.vault.plan, _officer(actor), row.kind, row.status, decision, reason
            )
            if not verdict:
                raise InvalidValue(verdict.reason)
            chosen = QueueDecision(decision)
            erased = row.subject.erased is not None
            if erased and chosen in (QueueDecision.APPLY, QueueDecision.ANSWERED):
                raise ValueUnreadable(Unreadable.ERASED)
            if chosen is QueueDecision.APPLY:
                self._apply(row)
            elif chosen is QueueDecision.CARRY_OUT and not erased:
                self._erase(actor, row, now)
            row.status = status_after(chosen)
            row.decided_by_id = actor.user_id
            row.decided_at = now
            row.decision = text
            row.save(update_fields=["status", "decided_by", "decided_at", "decision", "proposed"])
            audit(
                self.vault,
                actor=actor.ref,
                action=AuditAction.RIGHTS_DECIDE,
                obj=target,
                fields=[row.field] if row.field else [],
                purpose=f"{row.kind} {chosen.value}: {text}",
            )
        return self.view_after(row, now)

    def view_after(self, row: RightsRequest, now: datetime) -> RightsRequestView:
        """The view of a request this service just decided (no audit: it was)."""
        fresh = _rows(RightsRequest.objects.filter(pk=row.pk)).get()
        return _view(fresh, now)

    def _apply(self, row: RightsRequest) -> None:
        """Store the proposed correction and clear the proposal; inside the decision."""
        record = row.record
        if record is None or record.purged is not None or not row.field:
            raise InvalidValue("the case this correction is about is no longer held")
        if row.proposed is None:
            raise InvalidValue("this request holds no proposed value to apply")
        try:
            dataset = self.vault.plan.dataset(record.dataset)
            spec = dataset.field(row.field)
        except KeyError:
            raise InvalidValue(
                "the plan no longer has the field this correction is about"
            ) from None
        value = decrypt_value(
            self.vault.keyring, bytes(row.proposed), PROPOSAL_DATASET, str(row.id), row.field
        )
        problem = value_problem(spec, value)
        if problem:
            raise InvalidValue(f"{dataset.id}.{spec.name}: {problem}")
        store_value(self.vault, record, dataset, spec, value.strip())
        row.proposed = None

    def _erase(self, actor: Actor, row: RightsRequest, now: datetime) -> None:
        """Erase what no legal obligation keeps of the person; inside the decision."""
        records = list(Record.objects.filter(subject_id=row.subject_id, purged__isnull=True))
        reason = f"rights request {row.id}"
        drop: dict[UUID | str, set[str]] = {}
        kept_any = False
        for record, facts in facts_of(records):
            route = erasure_route(self.vault.plan, [Holding(facts)], now)
            kept = {k.field for k in route.kept}
            kept_any = kept_any or bool(kept)
            gone = set(facts.stored) - kept
            if gone:
                drop[record.id] = gone
        if not kept_any:
            erase_subject(self.vault, row.subject_id, reason=reason, actor=actor, now=now)
        elif drop:
            purge_fields(self.vault, drop, reason=reason, actor=actor, now=now)

    # -- refusals -----------------------------------------------------------------------

    def _check(self, actor: Actor, action: AuditAction, target: str) -> None:
        allowed = may_handle(self.vault.plan, _officer(actor))
        if not allowed:
            self._deny(actor, action, target, allowed.reason)

    def _deny(self, actor: Actor, action: AuditAction, target: str, reason: str) -> NoReturn:
        """Audit a refusal (best effort: the refusal stands regardless) and refuse."""
        with suppress(AuditUnavailable), transaction.atomic():
            audit(self.vault, actor=actor.ref, action=action, obj=target, outcome=Outcome.DENIED)
        raise AccessDenied(reason)


def _officer(actor: Actor) -> Officer:
    return Officer(
        role=actor.role,
        user_id=actor.user_id,
        expired=actor.expired(),
        mfa_verified=actor.mfa_verified,
    )


def _key(request_id: int | str) -> int:
    try:
        key = int(str(request_id))
    except ValueError:
        key = 0
    if not 0 < key < 2**63:
        raise NotFound("no such rights request")
    return key


def _rows(query: QuerySet[RightsRequest]) -> QuerySet[RightsRequest]:
    return query.select_related("subject", "decided_by")


def _view(row: RightsRequest, now: datetime) -> RightsRequestView:
    decided_by = row.decided_by.get_username() if row.decided_by is not None else None
    return RightsRequestView(
        id=row.id,
        record=row.record_id,
        dataset=row.dataset,
        kind=row.kind,
        field=row.field,
        purpose=row.purpose,
        received=row.received,
        due=row.due,
        overdue=is_overdue(row.status, row.due, now),
        status=row.status,
        by_person=row.by_person,
        decided_by=decided_by,
        decided_at=row.decided_at,
        decision=row.decision,
        proposed=row.proposed is not None,
        person_erased=row.subject.erased is not None,
        decisions=tuple(d.value for d in decisions_for(row.kind, row.status)),
    )
