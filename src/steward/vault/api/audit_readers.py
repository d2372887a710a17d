"""The gate of the API routes only audit readers may call (the audit log, retention).

A role reads them when the plan says ``reads_audit``, its access has not ended and, if
it needs one, it passed a second factor. A refusal is audited (best effort: an audit
that cannot be written does not turn a refusal into an error) and raised.
"""

from __future__ import annotations

from contextlib import suppress

from django.db import transaction

from steward.audit import Outcome
from steward.vault.audit_actions import AuditAction
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit


def require_audit_reader(
    vault: Vault, actor: Actor, *, what: str, action: AuditAction, target: str
) -> None:
    """Return if ``actor`` may read ``what`` (words for the refusal, e.g. "the audit log").

    Raises:
        AccessDenied: the role does not read the audit, its access ended, or it has
            not passed the second factor it needs; the refusal is audited as
            ``action`` on ``target`` when the audit can be written.
    """
    reason = ""
    if not actor.role.reads_audit:
        reason = f"the role '{actor.role.id}' may not read {what}"
    elif actor.expired():
        reason = "this account's temporary access has ended"
    elif actor.role.mfa and not actor.mfa_verified:
        reason = "this role must sign in with a second factor"
    if not reason:
        return
    with suppress(AuditUnavailable), transaction.atomic():
        audit(vault, actor=actor.ref, action=action, obj=target, outcome=Outcome.DENIED)
    raise AccessDenied(reason)
