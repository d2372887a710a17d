"""A person's notices of disclosure, on their own page and through the API, and their
objection to one.

Only notices that were sent are shown: a notice a prohibition still holds back is never
visible, not even as a count. Each notice says to whom the data goes, on what legal
ground and reference, which fields, when the person was told and until when they may
object (:func:`~steward.vault.rules.disclosure_notice.objection_refusal`).

An objection sets ``objected`` on the person's released items of that disclosure (the
approver then decides; the delivery must not go ahead for them before), registers a
rights request of kind ``objection`` (the person's reason encrypted under their own
key, like a proposed correction) and is audited (``disclosure.object``); a refused one
is audited too. Reading the notices is audited (``own.read``, purpose ``notices``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.policy import Plan
from steward.vault.audit_actions import AuditAction
from steward.vault.models import RightsRequest
from steward.vault.models_egress import DisclosureItem, DisclosureNotice, DisclosureRequest
from steward.vault.rules.disclosure_notice import (
    DisclosureState,
    objection_reason_problem,
    objection_refusal,
)
from steward.vault.runtime import Vault
from steward.vault.services.access import InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.own_records import ChoiceRefused, person_of, refuse
from steward.vault.services.rights_register import register

__all__ = [
    "ObjectionClosed",
    "ObjectionOutcome",
    "PersonNotice",
    "notices_of",
    "object_to",
    "own_notices",
]

OBJECTION_DATASET: Final = "rights-request"
"""The ``dataset`` an objection's reason is encrypted for (its record is the request id)."""
OBJECTION_FIELD: Final = "objection"
_STATES: Final[dict[str, DisclosureState]] = {
    DisclosureRequest.State.REQUESTED: DisclosureState.OPEN,
    DisclosureRequest.State.APPROVED: DisclosureState.OPEN,
    DisclosureRequest.State.DELIVERED: DisclosureState.DONE,
    DisclosureRequest.State.EXPIRED: DisclosureState.DONE,
    DisclosureRequest.State.REFUSED: DisclosureState.STOPPED,
    DisclosureRequest.State.WITHDRAWN: DisclosureState.STOPPED,
}


class ObjectionClosed(ChoiceRefused):
    """The person may no longer object (delivered, past the deadline, already objected,
    or the disclosure will not go ahead); the message says so plainly (answered 409)."""


@dataclass(frozen=True)
class PersonNotice:
    """One notice of disclosure as the person sees it (their own page, the API).

    Attributes:
        id: the notice's number (to object to it).
        recipient: who receives the data (the plan recipient's name, or the party).
        ground: the legal ground, in words; ``legal_reference`` the order or law.
        fields: labels of the fields disclosed.
        sent: when the person was told; ``deadline`` until when they may object
            (``None``: no time was given).
        state: ``open`` (not delivered yet), ``done`` (delivered) or ``stopped``.
        objected: when the person objected, if they did.
        may_object: whether they may object now; ``why_not`` otherwise.
    """

    id: int
    recipient: str
    ground: str
    legal_reference: str
    fields: tuple[str, ...]
    sent: datetime
    deadline: datetime | None
    state: str
    objected: datetime | None
    may_object: bool
    why_not: str


@dataclass(frozen=True)
class ObjectionOutcome:
    """The objection registered: the rights request and when staff must answer by."""

    request: int
    due: datetime | None


def _state(disclosure: DisclosureRequest) -> DisclosureState:
    if disclosure.delivered_at is not None:
        return DisclosureState.DONE
    return _STATES.get(str(disclosure.state), DisclosureState.OPEN)


def _recipient(plan: Plan, disclosure: DisclosureRequest) -> str:
    named = next((r.name for r in plan.recipients if r.id == disclosure.recipient), "")
    return named or disclosure.party or disclosure.recipient or "an outside party"


def _field_labels(plan: Plan, disclosure: DisclosureRequest) -> tuple[str, ...]:
    try:
        specs = {s.name: s.label for s in plan.dataset(disclosure.dataset).fields}
    except KeyError:
        specs = {}
    names = disclosure.fields_released or disclosure.fields_asked or []
    return tuple(specs.get(str(name), str(name)) for name in names)


def _objected(subject_id: UUID, disclosure: DisclosureRequest) -> datetime | None:
    moments: list[datetime] = [
        m
        for m in DisclosureItem.objects.filter(
            disclosure=disclosure, subject_id=subject_id, objected__isnull=False
        ).values_list("objected", flat=True)
        if m is not None
    ]
    return min(moments, default=None)


def _view(plan: Plan, notice: DisclosureNotice, now: datetime) -> PersonNotice:
    disclosure = notice.disclosure
    objected = _objected(notice.subject_id, disclosure)
    state = _state(disclosure)
    why_not = objection_refusal(
        sent=notice.sent,
        deliver_after=disclosure.deliver_after,
        state=state,
        objected=objected is not None,
        now=now,
    )
    assert notice.sent is not None  # only sent notices are read
    return PersonNotice(
        id=notice.pk,
        recipient=_recipient(plan, disclosure),
        ground=disclosure.ground.replace("_", " "),
        legal_reference=disclosure.legal_reference,
        fields=_field_labels(plan, disclosure),
        sent=notice.sent,
        deadline=disclosure.deliver_after if disclosure.deliver_after else None,
        state=state.value,
        objected=objected,
        may_object=why_not is None,
        why_not=why_not or "",
    )


def notices_of(
    vault: Vault, subject_id: UUID | str, *, now: datetime | None = None
) -> list[PersonNotice]:
    """The sent notices of ``subject_id``, newest first (held ones never appear). Not
    audited: :func:`own_notices` is the person's audited read."""
    when = now or clock.now()
    rows = (
        DisclosureNotice.objects.filter(subject_id=subject_id, sent__isnull=False)
        .select_related("disclosure")
        .order_by("-sent", "-id")
    )
    return [_view(vault.plan, row, when) for row in rows]


def own_notices(vault: Vault, actor: Actor, *, now: datetime | None = None) -> list[PersonNotice]:
    """The signed-in person's sent notices; the read is audited (``own.read``).

    Raises:
        ChoiceRefused: the actor is not a person with their code.
        AuditUnavailable: nothing is returned.
    """
    subject = person_of(actor)
    found = notices_of(vault, subject, now=now)
    with transaction.atomic():
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.OWN_READ,
            obj=f"subject/{subject}",
            purpose="notices",
        )
    return found


def object_to(
    vault: Vault, actor: Actor, notice_id: int | str, reason: str, *, now: datetime | None = None
) -> ObjectionOutcome:
    """Object, as the signed-in person, to the disclosure of notice ``notice_id``.

    Raises:
        NotFound: no sent notice of theirs has that number (a held one, another
            person's and one that does not exist are answered alike); audited.
        ObjectionClosed: delivered, past the deadline, already objected, or the
            disclosure will not go ahead; audited.
        InvalidValue: no reason, or a reason too long; audited.
        AuditUnavailable, KeyStoreError: nothing was recorded.
    """
    subject = person_of(actor)
    when = now or clock.now()
    obj = f"subject/{subject}"
    action = AuditAction.DISCLOSURE_OBJECT
    notice = (
        DisclosureNotice.objects.filter(
            pk=int(notice_id) if str(notice_id).isdigit() else -1,
            subject_id=subject,
            sent__isnull=False,
        )
        .select_related("disclosure")
        .first()
    )
    if notice is None:
        refuse(vault, actor, action, obj, "no such notice of yours", error=NotFound)
    seen = _view(vault.plan, notice, when)
    if not seen.may_object:
        refuse(vault, actor, action, obj, seen.why_not, error=ObjectionClosed)
    problem = objection_reason_problem(reason)
    if problem is not None:
        refuse(vault, actor, action, obj, problem, error=InvalidValue)
    with transaction.atomic():
        items = DisclosureItem.objects.select_for_update().filter(
            disclosure=notice.disclosure, subject_id=subject, released=True
        )
        first = next((i.record for i in items if i.record is not None), None)
        items.update(objected=when)
        request = register(
            vault.plan, subject, RightsRequest.Kind.OBJECTION, now=when, record=first
        )
        request.proposed = vault.keyring.encrypt(
            str(subject),
            reason.strip().encode("utf-8"),
            dataset=OBJECTION_DATASET,
            record=str(request.id),
            field=OBJECTION_FIELD,
        )
        request.save(update_fields=["proposed"])
        audit(vault, actor=actor.ref, action=action, obj=obj, purpose="objection registered")
    return ObjectionOutcome(request=request.pk, due=request.due)
