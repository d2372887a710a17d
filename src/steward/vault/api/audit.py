"""The API route that verifies the audit log, for roles that read the audit."""

from __future__ import annotations

from typing import Final

from django.db import transaction
from django.http import HttpRequest
from ninja import Router

from steward.audit import read_checkpoint_notes, verify_log
from steward.vault.api.audit_readers import require_audit_reader
from steward.vault.api.auth import actor_of
from steward.vault.api.schemas import AuditReportOut, ErrorOut
from steward.vault.audit_actions import AuditAction
from steward.vault.runtime import get_vault
from steward.vault.services.auditing import audit
from steward.vault.services.checkpoints import configured_policy, keys_dir, verifier_key

router = Router(tags=["audit"])

ACTION: Final = AuditAction.AUDIT_VERIFY
TARGET: Final = "audit/log"


@router.get(
    "/audit/verify",
    response={200: AuditReportOut, 401: ErrorOut, 403: ErrorOut, 503: ErrorOut},
    summary="Verify the audit log",
    operation_id="verifyAuditLog",
)
def verify(request: HttpRequest) -> AuditReportOut:
    """Check every audit entry against the stored checkpoints and the witness folder's
    copies (signatures too, when the vault's keys folder holds the checkpoint verifier
    key). Only roles with ``reads_audit`` may ask; the verification is itself audited."""
    actor = actor_of(request)
    vault = get_vault()
    require_audit_reader(vault, actor, what="the audit log", action=ACTION, target=TARGET)
    key = verifier_key(keys_dir())
    witness = configured_policy().witness_dir
    kept = read_checkpoint_notes(witness) if witness is not None and witness.is_dir() else []
    with transaction.atomic():
        report = verify_log(vault.audit.store, public_key=key, kept=kept)
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
