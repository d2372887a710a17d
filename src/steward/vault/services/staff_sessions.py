"""Audit entries for staff sessions: sign-ins, failures, second factors and sign-outs.

Actors are written as ``staff/<user id>`` once the account is known, and as
``login/<typed name>`` before; the audit log stores only keyed hashes of both, so a
mistyped name (which may be a password) never reaches the log in clear. The purpose
holds a fixed reason code only.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Final

from django.db import transaction

from steward.audit import Outcome
from steward.vault.audit_actions import AuditAction
from steward.vault.runtime import Vault
from steward.vault.services.auditing import AuditUnavailable, audit

SESSION_OBJECT: Final = "staff/session"


def login_actor(username: str) -> str:
    """The actor reference of a sign-in attempt made under ``username`` (hashed by the log)."""
    return f"login/{username.strip().lower()[:150]}"


def staff_actor(user_id: int) -> str:
    """The actor reference of staff account ``user_id``."""
    return f"staff/{user_id}"


def record_success(vault: Vault, actor: str, action: AuditAction, reason: str = "") -> None:
    """Audit a successful session step (``session.login``, ``session.mfa``...).

    Fails closed: the caller must not complete the step when this raises.

    Raises:
        AuditUnavailable: the entry could not be written.
    """
    with transaction.atomic():
        audit(vault, actor=actor, action=action, obj=SESSION_OBJECT, purpose=reason)


def record_refusal(vault: Vault, actor: str, action: AuditAction, reason: str) -> None:
    """Audit a refused step (a failed sign-in, a wrong code, a page the role may not see).

    Best effort: a refusal stands even when it cannot be audited.
    """
    with suppress(AuditUnavailable), transaction.atomic():
        audit(
            vault,
            actor=actor,
            action=action,
            obj=SESSION_OBJECT,
            purpose=reason,
            outcome=Outcome.DENIED,
        )
