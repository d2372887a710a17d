"""A person's consent answers, as the reveal rules read them."""

from __future__ import annotations

from uuid import UUID

from steward.policy.model import FieldSpec
from steward.vault.models import Consent, Record
from steward.vault.rules.reveal import ConsentState, reveal_purposes
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor


def consent_states(record: Record) -> dict[str, ConsentState]:
    """The state of each consent-based purpose for ``record``'s person.

    Agreed: the answer given with this record was yes and is not withdrawn. Withdrawn:
    the person withdrew that purpose on any of their records (a withdrawal is the
    person's, not one form's). A purpose with no answer is absent (not agreed).
    """
    states: dict[str, ConsentState] = {}
    rows = Consent.objects.filter(subject_id=record.subject_id).values_list(
        "record_id", "purpose", "granted", "withdrawn"
    )
    withdrawn: set[str] = set()
    for record_id, purpose, granted, when_withdrawn in rows:
        if when_withdrawn is not None:
            withdrawn.add(purpose)
        elif record_id == record.id:
            states[purpose] = ConsentState.AGREED if granted else ConsentState.NOT_AGREED
    states.update(dict.fromkeys(withdrawn, ConsentState.WITHDRAWN))
    return states


def reveal_choices(
    vault: Vault, actor: Actor, record_id: UUID, spec: FieldSpec
) -> list[tuple[str, str | None]]:
    """For the reveal dialog: each purpose of ``spec`` with why ``actor`` cannot reveal
    the record's value for it now, or ``None`` when it can. Reads only consent answers;
    the caller has already checked the record is in the actor's scope."""
    record = Record.objects.filter(pk=record_id).first()
    states = consent_states(record) if record is not None else {}
    return reveal_purposes(vault.plan, actor.role, spec, states, today=actor.today())
