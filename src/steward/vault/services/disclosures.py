"""Disclosing identified records on a legal ground: opened by one staff member, decided
by another, and nothing leaves before the approval.

The decisions are pure rules (:mod:`steward.vault.rules.disclosure`); this service
fetches the facts (the records in the requester's scope, the people's consent
answers), stores and audits each step in the same transaction. A request the rule
refuses is kept, ``refused``, with the reason, and :class:`DisclosureRefused` is
raised: refusals are part of the register.

The legal document (the order, the consent form) belongs to no one person: it is
encrypted with the key ring under a key of its own, ``disclosure:<request id>``, and
the ciphertext is bound to the request (dataset ``disclosure``, record the request id,
field ``document``). Only the requester and the approvers read it, audited.

Reading the register is :mod:`steward.vault.services.disclosure_register`; the approved
payload and the delivery are :mod:`steward.vault.services.disclosure_delivery`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final
from uuid import UUID, uuid4

from django.db import transaction

from steward import clock
from steward.audit import Outcome
from steward.policy.model import LegalGround
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record
from steward.vault.models_egress import DisclosureItem, DisclosureRequest
from steward.vault.rules.disclosure import (
    DisclosureAsk,
    DisclosureState,
    DisclosureStep,
    compliance_of,
    decide_opening,
    decide_step,
    narrowing_refusal,
    prohibition_refusal,
)
from steward.vault.rules.staff_standing import StaffStanding
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.consents import consent_states_of
from steward.vault.services.disclosure_notices import owe_notices
from steward.vault.services.disclosure_register import (
    DisclosureView,
    deny_audited,
    load_request,
    pending_of,
    save_decided,
    view_of,
)
from steward.vault.services.staff_reasons import record_in_scope

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_RECORDS",
    "DisclosureRefused",
    "decide_disclosure",
    "document_place",
    "open_disclosure",
    "read_document",
    "standing_of",
]

MAX_RECORDS: Final = 1000
"""The most records one request names."""
MAX_DOCUMENT_BYTES: Final = 10 * 1024 * 1024
"""The largest document stored with a request (10 MiB)."""
MAX_TEXT: Final = 200
MAX_REASON: Final = 2000
DOCUMENT_DATASET: Final = "disclosure"
DOCUMENT_FIELD: Final = "document"
DECISIONS: Final = (DisclosureStep.APPROVE, DisclosureStep.REFUSE, DisclosureStep.WITHDRAW)


class DisclosureRefused(AccessDenied):
    """The rule refused the request when it was opened; it is stored ``refused``.

    ``disclosure_id`` is the stored request's id (for the register)."""

    def __init__(self, reason: str, disclosure_id: UUID) -> None:
        super().__init__(reason)
        self.disclosure_id = disclosure_id


def standing_of(actor: Actor) -> StaffStanding:
    """The rule's view of who acts."""
    return StaffStanding(
        role=actor.role,
        user_id=actor.user_id,
        expired=actor.expired(),
        mfa_verified=actor.mfa_verified,
    )


def document_place(disclosure_id: UUID) -> tuple[str, dict[str, str]]:
    """The key ring subject of a request's document and the place its ciphertext is
    bound to: a key of its own (``disclosure:<id>``), never a person's."""
    place = {"dataset": DOCUMENT_DATASET, "record": str(disclosure_id), "field": DOCUMENT_FIELD}
    return f"disclosure:{disclosure_id}", place


def _text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(value.split())
    if len(text) > limit:
        raise InvalidValue(f"the {what} is longer than {limit} characters")
    return text


def _records(actor: Actor, dataset: str, references: Sequence[str]) -> list[Record]:
    if not references:
        raise InvalidValue("name at least one record (its case reference)")
    if len(references) > MAX_RECORDS:
        raise InvalidValue(f"a request names at most {MAX_RECORDS} records")
    rows: dict[UUID, Record] = {}
    for reference in references:
        row = record_in_scope(actor, reference)
        if row.dataset != dataset:
            raise NotFound("no such case in this dataset")
        rows[row.id] = row
    return list(rows.values())


def open_disclosure(
    vault: Vault,
    actor: Actor,
    *,
    dataset: str,
    ground: str,
    records: Sequence[str],
    fields: Sequence[str],
    recipient: str = "",
    party: str = "",
    party_kind: str = "",
    legal_reference: str = "",
    document: bytes | None = None,
    document_name: str = "",
) -> DisclosureView:
    """Open a disclosure request: the records (by case reference, in the requester's
    scope) and fields of ``dataset`` asked for ``recipient`` (a plan recipient) or an
    outside ``party``, on ``ground``, with the legal reference and the document.

    Raises:
        NotFound: no such dataset, or a case not in the dataset or the actor's scope.
        InvalidValue: no record, too many, a text or document too long, a legal order
            without its reference.
        AccessDenied: a service token (nothing is stored; audited).
        DisclosureRefused: the rule refused it; it is stored ``refused`` with the
            reason, and audited as denied.
        AuditUnavailable: nothing was stored.
    """
    try:
        spec = vault.plan.dataset(dataset)
    except KeyError:
        raise NotFound(f"there is no dataset '{dataset}'") from None
    if actor.user_id is None:
        deny_audited(vault, actor, AuditAction.DISCLOSURE_REQUEST, f"dataset/{dataset}",
              "a disclosure is asked for by a person with a staff account")  # fmt: skip
    rows = _records(actor, dataset, records)
    reference = _text(legal_reference, "legal reference")
    legal_order = ground in {g.value for g in LegalGround} and LegalGround(ground).is_legal_order
    if legal_order and not reference:
        raise InvalidValue("a legal order needs its reference (the case or docket number)")
    if document is not None and len(document) > MAX_DOCUMENT_BYTES:
        raise InvalidValue(f"the document is larger than {MAX_DOCUMENT_BYTES // 1024 // 1024} MiB")
    names = list(dict.fromkeys(f.strip() for f in fields if f.strip()))
    states = consent_states_of(rows)
    ask = DisclosureAsk(
        spec,
        ground,
        tuple(names),
        recipient.strip(),
        _text(party, "party"),
        tuple(states[r.id] for r in rows),
    )
    verdict = decide_opening(vault.plan, standing_of(actor), ask)
    made_id, now = uuid4(), clock.now()
    sealed = None
    if document:
        subject, place = document_place(made_id)
        sealed = vault.keyring.encrypt(subject, document, **place)
    with transaction.atomic():
        made = DisclosureRequest.objects.create(
            id=made_id,
            dataset=dataset,
            recipient=ask.recipient,
            party=ask.party,
            party_kind=_text(party_kind, "party kind", 40),
            ground=_text(ground, "ground", 40),
            legal_reference=reference,
            document=sealed,
            document_name=_text(document_name, "document name"),
            fields_asked=names,
            state=DisclosureState.REQUESTED if verdict else DisclosureState.REFUSED,
            requested_by_id=actor.user_id,
            requested_at=now,
            decided_at=None if verdict else now,
            decision="" if verdict else verdict.reason,
        )
        DisclosureItem.objects.bulk_create(
            DisclosureItem(disclosure=made, record=r, subject_id=r.subject_id) for r in rows
        )
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.DISCLOSURE_REQUEST,
            obj=f"disclosure/{made.id}",
            fields=names,
            purpose=ground if verdict else f"{ground}: {verdict.reason}",
            outcome=Outcome.ALLOWED if verdict else Outcome.DENIED,
        )
    if not verdict:
        raise DisclosureRefused(verdict.reason, made.id)
    return view_of(made)


def decide_disclosure(
    vault: Vault,
    actor: Actor,
    disclosure_id: UUID | str,
    step: DisclosureStep | str,
    *,
    reason: str = "",
    fields: Sequence[str] | None = None,
    records: Sequence[str] | None = None,
    prohibited_until: datetime | None = None,
    prohibition_reason: str = "",
) -> DisclosureView:
    """Approve (keeping ``fields`` of ``records`` when given: a narrowing), refuse or
    withdraw a waiting request. An approval or refusal needs a reason. An approval is
    decided again on the narrowed request with the consent answers of now, and may
    record a prohibition of notice (its end and reason). An approval owes each person
    of a released record a notice (:func:`~steward.vault.services.disclosure_notices.
    owe_notices`: sent now, or held until the prohibition ends) and sets
    ``deliver_after``: after the plan's ``objection_period`` when someone is told now.

    Raises:
        NotFound: no such request.
        InvalidValue: an unknown step, a missing or long reason, a narrowing that is
            not one, a prohibition without its reason or end.
        AccessDenied: the rule refuses the step (the requester approving their own
            request, a role that does not approve, a request not waiting; audited).
        AuditUnavailable: nothing changed.
    """
    try:
        wanted = DisclosureStep(step)
    except ValueError:
        wanted = None
    if wanted is None or wanted not in DECISIONS:
        raise InvalidValue("the decision is one of approve, refuse or withdraw")
    text = _text(reason, "reason", MAX_REASON)
    if wanted is not DisclosureStep.WITHDRAW and not text:
        raise InvalidValue("say why, in a few words: the reason is kept in the register")
    now = clock.now()
    with transaction.atomic():
        found = load_request(disclosure_id, lock=True)
        target = f"disclosure/{found.id}"
        allowed = decide_step(vault.plan, standing_of(actor), wanted, pending_of(found), now=now)
        if allowed and wanted is DisclosureStep.APPROVE:
            why = prohibition_refusal(vault.plan, prohibited_until, prohibition_reason, now)
            if why:
                raise InvalidValue(why)
            _approve(vault, actor, found, fields, records, now)
            owed = owe_notices(
                vault,
                found,
                at=now,
                prohibited_until=prohibited_until,
                prohibition_reason=prohibition_reason,
            )
            found.deliver_after = owed.deliver_after or now
        if allowed:
            found.state = {
                DisclosureStep.APPROVE: DisclosureState.APPROVED,
                DisclosureStep.REFUSE: DisclosureState.REFUSED,
                DisclosureStep.WITHDRAW: DisclosureState.WITHDRAWN,
            }[wanted]
            found.decided_by_id = actor.user_id
            found.decided_at = now
            found.decision = text
            save_decided(vault, actor, found, f"{wanted.value}: {found.compliance}")
    if not allowed:
        deny_audited(vault, actor, AuditAction.DISCLOSURE_DECIDE, target, allowed.reason)
    return view_of(found)


def _approve(
    vault: Vault,
    actor: Actor,
    found: DisclosureRequest,
    fields: Sequence[str] | None,
    records: Sequence[str] | None,
    now: datetime,
) -> None:
    """Keep what the approver keeps, decided again; inside the approval's transaction."""
    items = list(found.items.select_related("record"))
    asked_records = [str(i.record_id) for i in items if i.record_id is not None]
    kept_fields = list(fields) if fields is not None else list(found.fields_asked)
    kept_records = [str(r).strip() for r in records] if records is not None else asked_records
    why = narrowing_refusal(found.fields_asked, kept_fields, asked_records, kept_records)
    if why:
        raise InvalidValue(why)
    rows = [i.record for i in items if i.record is not None and str(i.record_id) in kept_records]
    states = consent_states_of(rows)
    ask = DisclosureAsk(
        vault.plan.dataset(found.dataset),
        found.ground,
        tuple(kept_fields),
        found.recipient,
        found.party,
        tuple(states[r.id] for r in rows),
    )
    again = decide_opening(vault.plan, standing_of(actor), ask)
    if not again:
        raise AccessDenied(f"the request cannot be approved as it stands now: {again.reason}")
    found.fields_released = kept_fields
    found.compliance = compliance_of(found.fields_asked, kept_fields, asked_records, kept_records)
    DisclosureItem.objects.filter(disclosure=found, record_id__in=[r.id for r in rows]).update(
        released=True
    )


def read_document(vault: Vault, actor: Actor, disclosure_id: UUID | str) -> tuple[str, bytes]:
    """The request's document (its file name and bytes), for its requester and the
    approvers only. Audited (``disclosure.read``), refusals too.

    Raises:
        NotFound: no such request, or it has no document.
        AccessDenied: the actor may not read it (audited).
        AuditUnavailable, KeyStoreError: nothing is returned.
    """
    found = load_request(disclosure_id)
    target = f"disclosure/{found.id}/document"
    allowed = decide_step(
        vault.plan, standing_of(actor), DisclosureStep.READ_DOCUMENT, pending_of(found)
    )
    if not allowed:
        deny_audited(vault, actor, AuditAction.DISCLOSURE_READ, target, allowed.reason)
    if not found.document:
        raise NotFound("this request has no document")
    _, place = document_place(found.id)
    with transaction.atomic():
        clear = vault.keyring.decrypt(bytes(found.document), **place)
        audit(vault, actor=actor.ref, action=AuditAction.DISCLOSURE_READ, obj=target)
    return found.document_name or "document", clear
