"""The API route that verifies the audit log, for roles that read the audit."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Final

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from ninja import Router

from steward.audit import Outcome, VerifierKey, load_public_key, verify_log
from steward.vault.api.auth import actor_of
from steward.vault.api.schemas import AuditReportOut, ErrorOut
from steward.vault.runtime import Vault, get_vault
from steward.vault.services.access import AccessDenied
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit

router = Router(tags=["audit"])

VERIFIER_KEY_FILE: Final = "audit-signing.pub"
ACTION: Final = "audit.verify"
TARGET: Final = "audit/log"


@router.get(
    "/audit/verify",
    response={200: AuditReportOut, 401: ErrorOut, 403: ErrorOut, 503: ErrorOut},
    summary="Verify the audit log",
    operation_id="verifyAuditLog",
)
def verify(request: HttpRequest) -> AuditReportOut:
    """Check every audit entry and the stored checkpoints (signatures too, when the
    vault's keys folder holds the checkpoint verifier key). Only roles with
    ``reads_audit`` may ask; the verification is itself audited."""
    actor = actor_of(request)
    vault = get_vault()
    _gate(vault, actor)
    key = _verifier()
    with transaction.atomic():
        report = verify_log(vault.audit.store, public_key=key)
        audit(vault, actor=actor.ref, action=ACTION, obj=TARGET)
    return AuditReportOut(
        ok=report.ok,
        size=report.size,
        root_hash=report.root_hash.hex(),
        first_bad_index=report.first_bad_index,
        problem=report.problem.value if report.problem else None,
        reason=report.reason,
        checkpoints_checked=report.checkpoints_checked,
        signatures_checked=key is not None,
    )


def _gate(vault: Vault, actor: Actor) -> None:
    """Refuse (and audit the refusal, best effort) unless the actor may read the audit."""
    reason = ""
    if not actor.role.reads_audit:
        reason = f"the role '{actor.role.id}' may not read the audit log"
    elif actor.expired():
        reason = "this account's temporary access has ended"
    elif actor.role.mfa and not actor.mfa_verified:
        reason = "this role must sign in with a second factor"
    if not reason:
        return
    with suppress(AuditUnavailable), transaction.atomic():
        audit(vault, actor=actor.ref, action=ACTION, obj=TARGET, outcome=Outcome.DENIED)
    raise AccessDenied(reason)


def _verifier() -> VerifierKey | None:
    config = getattr(settings, "CONFIG", None)
    keys_dir: Path | None = getattr(config, "keys_dir", None)
    if keys_dir is None or not (keys_dir / VERIFIER_KEY_FILE).exists():
        return None
    return load_public_key(keys_dir / VERIFIER_KEY_FILE)
