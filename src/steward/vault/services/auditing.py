"""Writing audit entries inside the action's own transaction, failing closed."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from steward.audit import AuditError, AuditEvent, AuditWriteError, Outcome
from steward.vault.audit_actions import AuditAction
from steward.vault.runtime import Vault
from steward.vault.services.checkpoints import checkpoint_in_background, crossed_entry_threshold


class AuditUnavailable(AuditWriteError):
    """The audit entry could not be written, so the action it records must not happen."""


def audit(
    vault: Vault,
    *,
    actor: str,
    action: AuditAction,
    obj: str,
    fields: Iterable[str] = (),
    purpose: str = "",
    outcome: Outcome = Outcome.ALLOWED,
) -> None:
    """Append an audit entry; must run inside the action's ``transaction.atomic()``.

    The log's lock (see :mod:`steward.vault.audit_store`) is taken here and held until
    the action's transaction ends, so concurrent actions, in this process or another,
    wait for each other's entries instead of failing. An entry that completes a
    multiple of the checkpoint schedule's entry count has a checkpoint signed in the
    background once the action commits (:mod:`steward.vault.services.checkpoints`).

    Raises:
        AuditUnavailable: the entry could not be written; roll the action back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditUnavailable("audit entries must be written inside the action's transaction")
    event = AuditEvent(
        actor=actor,
        action=action,
        object=obj,
        fields=tuple(fields),
        purpose=purpose,
        outcome=outcome,
    )
    try:
        entry = vault.audit.append(event)
    except AuditError as error:
        raise AuditUnavailable(f"the action was not carried out: {error}") from None
    if crossed_entry_threshold(entry.seq):
        transaction.on_commit(lambda: checkpoint_in_background(vault))
