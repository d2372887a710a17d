"""The disclosure requests as staff see them: the list (waiting ones first), one
request, and which steps the one reading may take. Holds no personal value: records
are named by their case reference, people not at all.

Reading is for staff in good standing whose role approves disclosures or may export
something (so may ask for one); every read is audited (``disclosure.read``).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Final, NoReturn
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction

from steward.audit import Outcome
from steward.vault.audit_actions import AuditAction
from steward.vault.models_egress import DisclosureRequest
from steward.vault.rules.disclosure import (
    DONE_BY,
    DisclosureState,
    DisclosureStep,
    Pending,
    decide_step,
)
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit

__all__ = [
    "REGISTER_OBJECT",
    "DisclosedRecord",
    "DisclosureView",
    "deny_audited",
    "get_disclosure",
    "list_disclosures",
    "load_request",
    "pending_of",
    "save_decided",
    "steps_for",
    "view_of",
]

REGISTER_OBJECT: Final = "disclosure/register"
_ORDER: Final = {
    DisclosureState.REQUESTED: 0,
    DisclosureState.APPROVED: 1,
}


@dataclass(frozen=True)
class DisclosedRecord:
    """One record a request names: its case reference, whether approval released it,
    and when its person objected (if they did)."""

    record: UUID | None
    released: bool
    objected: datetime | None


@dataclass(frozen=True)
class DisclosureView:
    """A disclosure request as staff see it: no personal value, no document."""

    id: UUID
    dataset: str
    recipient: str
    party: str
    party_kind: str
    ground: str
    legal_reference: str
    document_name: str
    has_document: bool
    fields_asked: tuple[str, ...]
    fields_released: tuple[str, ...]
    state: str
    compliance: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision: str
    deliver_after: datetime | None
    delivered_at: datetime | None
    records: tuple[DisclosedRecord, ...]


def load_request(disclosure_id: UUID | str, *, lock: bool = False) -> DisclosureRequest:
    """The stored request.

    Raises:
        NotFound: no such request (or a malformed id).
    """
    try:
        key = disclosure_id if isinstance(disclosure_id, UUID) else UUID(str(disclosure_id))
    except ValueError:
        raise NotFound("no such disclosure request") from None
    rows = DisclosureRequest.objects.all()
    if lock:
        rows = rows.select_for_update()
    found = rows.filter(pk=key).first()
    if found is None:
        raise NotFound("no such disclosure request")
    return found


def pending_of(found: DisclosureRequest) -> Pending:
    """What the rule looks at on a stored request."""
    return Pending(
        DisclosureState(found.state),
        found.requested_by_id,
        found.deliver_after,
        found.items.filter(objected__isnull=False, released=True).count(),
    )


def _username(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id).values_list("username", flat=True).first()


def view_of(found: DisclosureRequest) -> DisclosureView:
    """The staff view of a stored request (reads its items)."""
    items = found.items.order_by("id").values_list("record_id", "released", "objected")
    return DisclosureView(
        id=found.id,
        dataset=found.dataset,
        recipient=found.recipient,
        party=found.party,
        party_kind=found.party_kind,
        ground=found.ground,
        legal_reference=found.legal_reference,
        document_name=found.document_name,
        has_document=bool(found.document),
        fields_asked=tuple(found.fields_asked),
        fields_released=tuple(found.fields_released),
        state=found.state,
        compliance=found.compliance,
        requested_by=_username(found.requested_by_id) or "",
        requested_at=found.requested_at,
        decided_by=_username(found.decided_by_id),
        decided_at=found.decided_at,
        decision=found.decision,
        deliver_after=found.deliver_after,
        delivered_at=found.delivered_at,
        records=tuple(DisclosedRecord(r, rel, obj) for r, rel, obj in items),
    )


def _reader_refusal(vault: Vault, actor: Actor) -> str | None:
    rules = vault.plan.disclosure
    if rules is None:
        return "the plan allows no disclosures (it has no disclosure section)"
    standing = StaffStanding(actor.role, actor.user_id, actor.expired(), actor.mfa_verified)
    refusal = standing_refusal(standing, DONE_BY)
    if refusal:
        return refusal
    if actor.role.id in rules.approver_roles or not actor.role.export.empty:
        return None
    return f"the plan does not let the role '{actor.role.id}' handle disclosures"


def deny_audited(
    vault: Vault, actor: Actor, action: AuditAction, target: str, why: str
) -> NoReturn:
    """Audit a refused step (best effort: the refusal stands regardless) and refuse.

    Raises:
        AccessDenied: always, with ``why``.
    """
    with suppress(AuditUnavailable), transaction.atomic():
        audit(vault, actor=actor.ref, action=action, obj=target, outcome=Outcome.DENIED)
    raise AccessDenied(why)


def save_decided(vault: Vault, actor: Actor, found: DisclosureRequest, purpose: str) -> None:
    """Save a request just decided and audit it (``disclosure.decide``, with the fields
    released); inside the decision's transaction.

    Raises:
        AuditUnavailable: roll the decision back.
    """
    found.save()
    audit(
        vault,
        actor=actor.ref,
        action=AuditAction.DISCLOSURE_DECIDE,
        obj=f"disclosure/{found.id}",
        fields=found.fields_released,
        purpose=purpose,
    )


def _checked(vault: Vault, actor: Actor, target: str) -> None:
    why = _reader_refusal(vault, actor)
    if why:
        deny_audited(vault, actor, AuditAction.DISCLOSURE_READ, target, why)


def list_disclosures(vault: Vault, actor: Actor, *, limit: int = 200) -> list[DisclosureView]:
    """The latest requests, those waiting for a decision or a delivery first, then the
    newest. Audited.

    Raises:
        AccessDenied: the actor may not handle disclosures (audited).
        AuditUnavailable: nothing is returned.
    """
    _checked(vault, actor, REGISTER_OBJECT)
    with transaction.atomic():
        rows = list(
            DisclosureRequest.objects.order_by("-requested_at", "-id")[: max(1, min(limit, 1000))]
        )
        audit(vault, actor=actor.ref, action=AuditAction.DISCLOSURE_READ, obj=REGISTER_OBJECT)
    rows.sort(key=lambda r: _ORDER.get(DisclosureState(r.state), 2))
    return [view_of(r) for r in rows]


def get_disclosure(vault: Vault, actor: Actor, disclosure_id: UUID | str) -> DisclosureView:
    """One request. Audited.

    Raises:
        NotFound: no such request.
        AccessDenied: the actor may not handle disclosures (audited).
        AuditUnavailable: nothing is returned.
    """
    found = load_request(disclosure_id)
    target = f"disclosure/{found.id}"
    _checked(vault, actor, target)
    with transaction.atomic():
        audit(vault, actor=actor.ref, action=AuditAction.DISCLOSURE_READ, obj=target)
    return view_of(found)


def steps_for(
    vault: Vault, actor: Actor, view: DisclosureView, now: datetime
) -> Sequence[DisclosureStep]:
    """The steps the actor may take on a request shown (to show its buttons)."""
    found = load_request(view.id)
    pending = pending_of(found)
    standing = StaffStanding(actor.role, actor.user_id, actor.expired(), actor.mfa_verified)
    return [
        step
        for step in DisclosureStep
        if decide_step(vault.plan, standing, step, pending, now=now).allowed
    ]
