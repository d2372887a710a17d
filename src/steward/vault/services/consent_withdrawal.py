"""A person withdraws a consent, or gives one later in their privacy settings.

Both are decided by the pure rules of :mod:`steward.vault.rules.own_choices` and carried
out in one transaction with their audit entry (``consent.withdraw``, ``consent.give``;
the purpose in the entry, never a value) and their row in the rights register. Refusals
are audited too.

A withdrawal sets ``withdrawn`` on the person's live yes answers for the purpose (every
record: a withdrawal is the person's), then runs retention at once on their records
(:func:`~steward.vault.services.retention_sweep.apply_retention`, the same function case
closing uses), so fields kept only for that purpose are deleted through the one
deletion service; fields another purpose still keeps stay until that purpose ends. From
then on the records no longer serve the purpose (exports leave them out:
:func:`~steward.vault.rules.own_choices.serves_purpose`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Consent, RightsRequest
from steward.vault.rules.own_choices import decide_give, decide_withdrawal, person_states
from steward.vault.runtime import Vault
from steward.vault.services.access import NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.own_records import (
    ChoiceRefused,
    audited_purpose,
    own_records,
    person_of,
    refuse,
    states_and_stored,
)
from steward.vault.services.retention_sweep import apply_retention
from steward.vault.services.rights_register import register

__all__ = ["ChoiceRefused", "GiveOutcome", "WithdrawalOutcome", "give", "withdraw"]


@dataclass(frozen=True)
class WithdrawalOutcome:
    """What a withdrawal did: answers ended, values deleted at once (counts only)."""

    purpose: str
    answers: int
    values_deleted: int
    records_purged: int
    request_id: int


@dataclass(frozen=True)
class GiveOutcome:
    """What giving consent did: the records the new yes answers were given on."""

    purpose: str
    records: tuple[UUID, ...]
    request_id: int


def withdraw(
    vault: Vault, actor: Actor, purpose: str, *, now: datetime | None = None
) -> WithdrawalOutcome:
    """Withdraw the person's consent to ``purpose`` on all their records, and delete at
    once what was kept only for it.

    Raises:
        ChoiceRefused: the rule refuses (the plan does not offer it, no such purpose, not
            consent-based, not agreed or already withdrawn); audited.
        AuditUnavailable, KeyStoreError: nothing was withdrawn or deleted.
    """
    subject = person_of(actor)
    when = now or clock.now()
    obj = f"subject/{subject}"
    records = own_records(subject)
    states, _ = states_and_stored(records)
    decision = decide_withdrawal(vault.plan, purpose, person_states(states.values()))
    if not decision:
        refuse(
            vault, actor, AuditAction.CONSENT_WITHDRAW, obj, decision.reason,
            purpose=audited_purpose(vault, purpose),
        )  # fmt: skip
    with transaction.atomic():
        live = Consent.objects.select_for_update().filter(
            subject_id=subject, purpose=purpose, granted=True, withdrawn__isnull=True
        )
        touched = set(live.values_list("record_id", flat=True))
        answers = live.update(withdrawn=when)
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.CONSENT_WITHDRAW,
            obj=obj,
            purpose=purpose,
        )
        first = next((r for r in records if r.id in touched), None)
        request = register(
            vault.plan,
            subject,
            RightsRequest.Kind.WITHDRAWAL,
            now=when,
            record=first,
            purpose=purpose,
            done=True,
            decision="consent withdrawn; data kept only for this purpose deleted",
        )
        report = apply_retention(vault, [r.id for r in records], now=when, actor=actor)
    return WithdrawalOutcome(
        purpose=purpose,
        answers=answers,
        values_deleted=sum(report.values.values()),
        records_purged=sum(report.records.values()),
        request_id=request.pk,
    )


def give(
    vault: Vault,
    actor: Actor,
    purpose: str,
    *,
    record_id: UUID | str | None = None,
    now: datetime | None = None,
) -> GiveOutcome:
    """Give the person's consent to ``purpose`` now (privacy settings): a new yes answer
    on ``record_id``, or on each of their records where the rule allows it.

    Raises:
        NotFound: ``record_id`` is not one of the person's records (audited).
        ChoiceRefused: the rule refuses on every record asked for (audited).
        AuditUnavailable: nothing was given.
    """
    subject = person_of(actor)
    when = now or clock.now()
    obj = f"subject/{subject}"
    records = own_records(subject)
    if record_id is not None:
        records = [r for r in records if str(r.id) == str(record_id)]
        if not records:
            refuse(
                vault, actor, AuditAction.CONSENT_GIVE, obj, "no such record of yours",
                purpose=audited_purpose(vault, purpose), error=NotFound,
            )  # fmt: skip
    states, stored = states_and_stored(records)
    decisions = [
        (r, decide_give(vault.plan, purpose, r.dataset, states[r.id], stored[r.id]))
        for r in records
    ]
    targets = [r for r, d in decisions if d]
    if not targets:
        reason = next(
            (d.reason for _, d in decisions), "none of your forms asks for consent to this purpose"
        )
        refuse(
            vault, actor, AuditAction.CONSENT_GIVE, obj, reason,
            purpose=audited_purpose(vault, purpose),
        )  # fmt: skip
    with transaction.atomic():
        for record in targets:
            answer = Consent.objects.create(
                subject_id=subject, record=record, purpose=purpose, granted=True
            )
            # ``given`` is set by the database on creation; it is the vault's clock here.
            Consent.objects.filter(pk=answer.pk).update(given=when)
            audit(
                vault,
                actor=actor.ref,
                action=AuditAction.CONSENT_GIVE,
                obj=f"record/{record.id}",
                purpose=purpose,
            )
        request = register(
            vault.plan,
            subject,
            RightsRequest.Kind.CONSENT,
            now=when,
            record=targets[0],
            purpose=purpose,
            done=True,
            decision="consent given",
        )
    return GiveOutcome(purpose, tuple(r.id for r in targets), request.pk)
