"""What the person-side services share: the person's own records, their stored fields
and consent states, and refusals that are audited before they are raised."""

from __future__ import annotations

from contextlib import suppress
from typing import NoReturn
from uuid import UUID

from django.db import transaction

from steward.audit import Outcome
from steward.vault.audit_actions import AuditAction
from steward.vault.models import FieldValue, Record
from steward.vault.rules.reveal import ConsentState
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.consents import consent_states_of

__all__ = [
    "ChoiceRefused",
    "audited_purpose",
    "own_records",
    "person_of",
    "refuse",
    "states_and_stored",
]


class ChoiceRefused(AccessDenied):
    """The person may not make this choice now; the message says why in plain words and
    never holds a personal value (answered 403 by the API)."""


def person_of(actor: Actor) -> UUID:
    """The person ``actor`` acts as.

    Raises:
        ChoiceRefused: the actor is not a person signed in with their own code.
    """
    if actor.subject_id is None:
        raise ChoiceRefused("only the person themself, with their access code, makes this choice")
    return actor.subject_id if isinstance(actor.subject_id, UUID) else UUID(str(actor.subject_id))


def audited_purpose(vault: Vault, purpose: str) -> str:
    """``purpose`` as the audit log may record it: a purpose id of the plan, or a fixed
    marker (text a person sent is never written to the log)."""
    return purpose if any(p.id == purpose for p in vault.plan.purposes) else "unknown purpose"


def own_records(subject_id: UUID) -> list[Record]:
    """The person's records not purged whole, oldest first."""
    return list(
        Record.objects.filter(subject_id=subject_id, purged__isnull=True).order_by("created", "id")
    )


def states_and_stored(
    records: list[Record],
) -> tuple[dict[UUID, dict[str, ConsentState]], dict[UUID, set[str]]]:
    """Consent states and stored field names (ciphertexts and clear values) of each
    record, in two queries; no value is read."""
    states = consent_states_of(records)
    stored: dict[UUID, set[str]] = {
        r.id: set(r.clear_values) if isinstance(r.clear_values, dict) else set() for r in records
    }
    for record_id, name in FieldValue.objects.filter(
        record_id__in=[r.id for r in records]
    ).values_list("record_id", "field"):
        stored[record_id].add(name)
    return states, stored


def refuse(
    vault: Vault,
    actor: Actor,
    action: AuditAction,
    obj: str,
    reason: str,
    *,
    purpose: str = "",
    error: type[Exception] = ChoiceRefused,
) -> NoReturn:
    """Audit a refused choice (best effort: the refusal never depends on it), then raise
    ``error(reason)``."""
    with suppress(AuditUnavailable), transaction.atomic():
        audit(
            vault,
            actor=actor.ref,
            action=action,
            obj=obj,
            purpose=purpose,
            outcome=Outcome.DENIED,
        )
    raise error(reason)
