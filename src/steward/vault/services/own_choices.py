"""What a person's privacy settings page (and ``GET /api/me/consents``) shows: each
purpose that asks for their consent, their current answer, its history, and whether
they may withdraw it or agree to it now. Decided by the pure rules of
:mod:`steward.vault.rules.own_choices`; reading it is audited (``own.read``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from steward.policy.model import LegalBasis
from steward.vault.audit_actions import AuditAction
from steward.vault.rules.own_choices import (
    decide_give,
    decide_withdrawal,
    person_states,
)
from steward.vault.rules.reveal import ConsentState
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.consents import ConsentAnswer, consent_history
from steward.vault.services.own_records import own_records, person_of, states_and_stored

__all__ = ["ConsentChoice", "choices_of"]


@dataclass(frozen=True)
class ConsentChoice:
    """One consent purpose on the person's page (no personal value).

    Attributes:
        purpose: the purpose id.
        label: the purpose's label; ``consent_text`` what the opt-in said.
        state: ``agreed``, ``not agreed`` or ``withdrawn``.
        history: every answer, oldest first.
        may_withdraw / may_give: what the rules allow now, with ``why_not`` otherwise.
        by_guardian: some answer was given by a guardian.
    """

    purpose: str
    label: str
    consent_text: str
    state: str
    history: tuple[ConsentAnswer, ...]
    may_withdraw: bool
    may_give: bool
    why_not: str
    by_guardian: bool

    @property
    def last_change(self) -> datetime | None:
        """When the answer last changed (given or withdrawn)."""
        moments = [a.withdrawn or a.given for a in self.history]
        return max(moments) if moments else None


def choices_of(vault: Vault, actor: Actor) -> list[ConsentChoice]:
    """The person's consent purposes, in plan order: those their forms ask for or that
    they answered. The read is audited (``own.read``, purpose ``consents``).

    Raises:
        ChoiceRefused: the actor is not a person with their code.
        AuditUnavailable: nothing is returned.
    """
    subject = person_of(actor)
    plan = vault.plan
    records = own_records(subject)
    states, stored = states_and_stored(records)
    person = person_states(states.values())
    history = consent_history(subject)
    asked = set(person) | {a.purpose for a in history}
    for record in records:
        try:
            dataset = plan.dataset(record.dataset)
        except KeyError:
            continue
        asked |= {p for spec in dataset.collected_fields for p in spec.purposes}
    out: list[ConsentChoice] = []
    for purpose in plan.purposes:
        if purpose.id not in asked or purpose.legal_basis is not LegalBasis.CONSENT:
            continue
        withdrawal = decide_withdrawal(plan, purpose.id, person)
        gives = [
            decide_give(plan, purpose.id, r.dataset, states[r.id], stored[r.id]) for r in records
        ]
        may_give = any(gives)
        why_not = ""
        if not withdrawal and not may_give:
            why_not = next((d.reason for d in gives), "") or withdrawal.reason
        own = tuple(a for a in history if a.purpose == purpose.id)
        out.append(
            ConsentChoice(
                purpose=purpose.id,
                label=purpose.label,
                consent_text=purpose.consent_text or "",
                state=person.get(purpose.id, ConsentState.NOT_AGREED).value,
                history=own,
                may_withdraw=withdrawal.allowed,
                may_give=may_give,
                why_not=why_not,
                by_guardian=any(a.by_guardian for a in own),
            )
        )
    with transaction.atomic():
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.OWN_READ,
            obj=f"subject/{subject}",
            purpose="consents",
        )
    return out
