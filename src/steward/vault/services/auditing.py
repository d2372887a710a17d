"""Writing audit entries inside the action's own transaction, failing closed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from django.db import transaction

from steward.audit import AuditEvent, Outcome
from steward.audit.errors import AuditConflictError, AuditError, AuditWriteError
from steward.vault.runtime import Vault

ATTEMPTS: Final = 5


class AuditUnavailable(AuditWriteError):
    """The audit entry could not be written, so the action it records must not happen."""


def audit(
    vault: Vault,
    *,
    actor: str,
    action: str,
    obj: str,
    fields: Iterable[str] = (),
    purpose: str = "",
    outcome: Outcome = Outcome.ALLOWED,
) -> None:
    """Append an audit entry; must run inside the action's ``transaction.atomic()``.

    A concurrent writer taking the same entry number is retried a few times.

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
    for _ in range(ATTEMPTS):
        try:
            vault.audit.append(event)
            return
        except AuditConflictError:
            continue
        except AuditError as error:
            raise AuditUnavailable(f"the action was not carried out: {error}") from None
    raise AuditUnavailable("the action was not carried out: the audit log is too busy")
