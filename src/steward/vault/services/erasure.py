"""Erasing a person on request: asked for by one staff member, approved by another when
the plan says so, carried out by the one deletion service.

The decisions are :func:`~steward.vault.rules.erasure.decide_erasure`, a pure rule of the
plan; this service fetches the facts, carries each step out and audits it in the same
transaction (``erasure.request``, ``erasure.approve``, ``erasure.refuse``,
``erasure.cancel``); refusals are audited too. Carrying an erasure out is
:func:`~steward.vault.services.deletion.erase_subject` (``subject.erase``, the erasure
ledger, the shredded key), inside the approval's transaction: an approval that cannot
be carried out is not recorded.

A request names no personal value: it points to the person (``Subject``) and the case
they were found by, and its reason is refused if it repeats one of the person's own
searchable values (compared by blind index; nothing is decrypted).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Final, NoReturn
from uuid import UUID

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from steward import clock
from steward.audit import Outcome
from steward.vault.audit_actions import AuditAction
from steward.vault.models import ErasureRequest, Record
from steward.vault.rules.erasure import (
    Eraser,
    ErasureState,
    ErasureStep,
    Pending,
    decide_erasure,
    state_after,
)
from steward.vault.rules.unreadable import Unreadable
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, AccessService, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.deletion import erase_subject
from steward.vault.services.record_views import RecordView, ValueUnreadable
from steward.vault.services.staff_reasons import check_reason, record_in_scope

LIST_OBJECT: Final = "erasure/requests"
REASON_NAMES_PERSON: Final = (
    "the reason repeats one of the person's own values (a name, an email, a phone "
    "number); say why without them, since the reason is kept after the erasure"
)
_ACTION: Final = {
    ErasureStep.REQUEST: AuditAction.ERASURE_REQUEST,
    ErasureStep.APPROVE: AuditAction.ERASURE_APPROVE,
    ErasureStep.REFUSE: AuditAction.ERASURE_REFUSE,
    ErasureStep.CANCEL: AuditAction.ERASURE_CANCEL,
    ErasureStep.CARRY_OUT: AuditAction.ERASURE_APPROVE,
}


@dataclass(frozen=True)
class ErasureView:
    """An erasure request as staff see it: ids, people's user names, times; no values."""

    id: int
    record: UUID | None
    dataset: str
    state: str
    reason: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    done_at: datetime | None


@dataclass(frozen=True)
class ErasureRights:
    """What the actor may do with erasures at all (to show or hide forms and buttons)."""

    request: bool
    approve: bool


class ErasureService:
    """Asks for, approves, refuses, cancels and carries out erasures, as the plan says."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    # -- what the actor may do ------------------------------------------------------

    def rights(self, actor: Actor) -> ErasureRights:
        """Whether the actor may ask for erasures, and approve other people's. Decides
        only; reads no request."""
        plan, who = self.vault.plan, _eraser(actor)
        other = Pending(ErasureState.REQUESTED, -1)
        return ErasureRights(
            request=decide_erasure(plan, who, ErasureStep.REQUEST).allowed,
            approve=decide_erasure(plan, who, ErasureStep.APPROVE, other).allowed,
        )

    def steps_for(
        self, actor: Actor, views: list[ErasureView], steps: tuple[ErasureStep, ...]
    ) -> dict[int, list[ErasureStep]]:
        """Which of ``steps`` the actor may take on each request shown (one query)."""
        askers = dict(
            ErasureRequest.objects.filter(pk__in=[v.id for v in views]).values_list(
                "id", "requested_by_id"
            )
        )
        plan, who = self.vault.plan, _eraser(actor)
        return {
            view.id: [
                step
                for step in steps
                if view.id in askers
                and decide_erasure(
                    plan, who, step, Pending(ErasureState(view.state), askers[view.id])
                ).allowed
            ]
            for view in views
        }

    # -- finding the person -----------------------------------------------------------

    def find(self, actor: Actor, dataset_id: str, field: str, value: str) -> list[RecordView]:
        """The cases in the actor's scope whose searchable ``field`` equals ``value``: the
        look-up by blind index of :meth:`AccessService.find_records` (decided, audited).

        Raises:
            AccessDenied: the actor may not ask for erasures, or search that field.
            NotFound: no such dataset or field.
        """
        if not self.rights(actor).request:
            self._refuse(actor, ErasureStep.REQUEST, f"dataset/{dataset_id}", None)
        return AccessService(self.vault).find_records(actor, dataset_id, field, value).items

    # -- the steps --------------------------------------------------------------------

    def request(self, actor: Actor, record_id: UUID | str, reason: str) -> ErasureView:
        """Ask for the erasure of the person a case is about, with a reason.

        Where the plan needs no second person, the request is approved and carried out
        at once, by the person who asked.

        Raises:
            NotFound: no such case, or out of the actor's scope.
            ValueUnreadable: the person is erased already (410).
            InvalidValue: the reason says nothing, or repeats one of the person's values.
            AccessDenied: the plan does not let the actor ask (audited), or a request
                for this person is already under way.
            AuditUnavailable: nothing was asked for.
        """
        row = self._record(actor, record_id)
        target = f"subject/{row.subject_id}"
        if row.subject.erased is not None:
            raise ValueUnreadable(Unreadable.ERASED)
        latest = _latest(row.subject_id)
        pending = Pending(ErasureState(latest.state), latest.requested_by_id) if latest else None
        allowed = decide_erasure(self.vault.plan, _eraser(actor), ErasureStep.REQUEST, pending)
        if not allowed:
            self._refuse(actor, ErasureStep.REQUEST, target, allowed.reason)
        text = self._check_reason(row.subject_id, reason)
        asker = actor.user_id if actor.user_id is not None else 0  # the rule needs a person
        now = clock.now()
        try:
            with transaction.atomic():
                made = ErasureRequest.objects.create(
                    subject_id=row.subject_id,
                    record=row,
                    dataset=row.dataset,
                    reason=text,
                    requested_by_id=asker,
                    requested_at=now,
                )
                audit(self.vault, actor=actor.ref, action=AuditAction.ERASURE_REQUEST, obj=target)
                if state_after(self.vault.plan, ErasureStep.REQUEST) is ErasureState.APPROVED:
                    made.state = ErasureState.APPROVED.value
                    self._carry_out(actor, made, now)
        except IntegrityError:
            raise AccessDenied("an erasure of this person is already under way") from None
        return _view(made)

    def approve(self, actor: Actor, request_id: int | str) -> ErasureView:
        """Approve another person's erasure request and carry it out at once.

        Raises:
            NotFound: no such request.
            AccessDenied: the plan does not let the actor approve it (their own request,
                a role that does not approve, a request not waiting; audited).
            AuditUnavailable, KeyStoreError: nothing was approved or erased.
        """
        return self._decide(actor, request_id, ErasureStep.APPROVE)

    def refuse(self, actor: Actor, request_id: int | str) -> ErasureView:
        """Turn an erasure request down; nothing is erased.

        Raises:
            NotFound, AccessDenied, AuditUnavailable: as :meth:`approve`.
        """
        return self._decide(actor, request_id, ErasureStep.REFUSE)

    def cancel(self, actor: Actor, request_id: int | str) -> ErasureView:
        """Withdraw a request not yet approved (its requester, or an approver).

        Raises:
            NotFound, AccessDenied, AuditUnavailable: as :meth:`approve`.
        """
        return self._decide(actor, request_id, ErasureStep.CANCEL)

    # -- reading ----------------------------------------------------------------------

    def list_requests(self, actor: Actor, *, limit: int = 200) -> list[ErasureView]:
        """The latest erasure requests, newest first, for those who ask for or approve
        erasures. Audited (``erasure.read``); holds no personal values.

        Raises:
            AccessDenied: the actor may neither ask for nor approve erasures (audited).
            AuditUnavailable: nothing is returned.
        """
        rights = self.rights(actor)
        if not (rights.request or rights.approve):
            reason = f"the plan does not let the role '{actor.role.id}' handle erasures"
            self._deny(actor, AuditAction.ERASURE_READ, LIST_OBJECT, reason)
        with transaction.atomic():
            rows = list(
                ErasureRequest.objects.select_related("requested_by", "decided_by")[
                    : max(1, min(limit, 1000))
                ]
            )
            audit(self.vault, actor=actor.ref, action=AuditAction.ERASURE_READ, obj=LIST_OBJECT)
        return [_view(r) for r in rows]

    def of_record(self, record_id: UUID) -> ErasureView | None:
        """The latest erasure request about the person of a case the caller already
        read (no decision, no audit: the caller showed the case)."""
        subject = Record.objects.filter(pk=record_id).values_list("subject_id", flat=True).first()
        latest = _latest(subject) if subject is not None else None
        return _view(latest) if latest else None

    def erased_on(self, record_id: UUID) -> datetime | None:
        """When the person of a case the caller already read was erased, or ``None``."""
        found = Record.objects.filter(pk=record_id).values_list("subject__erased", flat=True)
        return found.first()

    # -- carrying out -----------------------------------------------------------------

    def _decide(self, actor: Actor, request_id: int | str, step: ErasureStep) -> ErasureView:
        try:
            key = int(str(request_id))
        except ValueError:
            key = 0
        if not 0 < key < 2**63:
            raise NotFound("no such erasure request")
        now = clock.now()
        with transaction.atomic():
            found = ErasureRequest.objects.select_for_update().filter(pk=key).first()
            if found is None:
                raise NotFound("no such erasure request")
            pending = Pending(ErasureState(found.state), found.requested_by_id)
            allowed = decide_erasure(self.vault.plan, _eraser(actor), step, pending)
            if allowed:
                found.state = state_after(self.vault.plan, step).value
                found.decided_by_id = actor.user_id
                found.decided_at = now
                found.save(update_fields=["state", "decided_by", "decided_at"])
                audit(
                    self.vault,
                    actor=actor.ref,
                    action=_ACTION[step],
                    obj=f"subject/{found.subject_id}",
                    purpose=f"erasure request {found.id}",
                )
                if step is ErasureStep.APPROVE:
                    self._carry_out(actor, found, now)
        if not allowed:
            self._refuse(actor, step, f"subject/{found.subject_id}", allowed.reason)
        found.refresh_from_db()
        return _view(found)

    def _carry_out(self, actor: Actor, found: ErasureRequest, now: datetime) -> None:
        """Erase the person of an approved request; inside the approval's transaction."""
        pending = Pending(ErasureState(found.state), found.requested_by_id)
        allowed = decide_erasure(self.vault.plan, _eraser(actor), ErasureStep.CARRY_OUT, pending)
        if not allowed:  # pragma: no cover - the approval just decided it
            raise AccessDenied(allowed.reason)
        erase_subject(
            self.vault,
            found.subject_id,
            reason=f"erasure request {found.id}",
            actor=actor,
            now=now,
        )
        found.state = ErasureState.DONE.value
        found.done_at = now
        if found.decided_by_id is None:
            found.decided_by_id = actor.user_id
            found.decided_at = now
        found.save(update_fields=["state", "done_at", "decided_by", "decided_at"])

    # -- facts ------------------------------------------------------------------------

    def _record(self, actor: Actor, record_id: UUID | str) -> Record:
        return record_in_scope(actor, record_id)

    def _check_reason(self, subject_id: UUID, reason: str) -> str:
        """The reason, if it says something and names no value of the person.

        Raises:
            InvalidValue: it does not.
        """
        return check_reason(self.vault, subject_id, reason, REASON_NAMES_PERSON)

    def _refuse(self, actor: Actor, step: ErasureStep, target: str, reason: str | None) -> NoReturn:
        why = reason or f"the plan does not let the role '{actor.role.id}' ask for erasures"
        self._deny(actor, _ACTION[step], target, why)

    def _deny(self, actor: Actor, action: AuditAction, target: str, reason: str) -> NoReturn:
        """Audit a refused step (best effort: the refusal stands regardless) and refuse."""
        with suppress(AuditUnavailable), transaction.atomic():
            audit(self.vault, actor=actor.ref, action=action, obj=target, outcome=Outcome.DENIED)
        raise AccessDenied(reason)


def _eraser(actor: Actor) -> Eraser:
    return Eraser(
        role=actor.role,
        user_id=actor.user_id,
        expired=actor.expired(),
        mfa_verified=actor.mfa_verified,
    )


def _latest(subject_id: UUID) -> ErasureRequest | None:
    return (
        ErasureRequest.objects.filter(subject_id=subject_id)
        .order_by("-requested_at", "-id")
        .first()
    )


def _username(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id).values_list("username", flat=True).first()


def _view(row: ErasureRequest) -> ErasureView:
    return ErasureView(
        id=row.id,
        record=row.record_id,
        dataset=row.dataset,
        state=row.state,
        reason=row.reason,
        requested_by=_username(row.requested_by_id) or "",
        requested_at=row.requested_at,
        decided_by=_username(row.decided_by_id),
        decided_at=row.decided_at,
        done_at=row.done_at,
    )
