"""The audit browser and the verifier, for roles the plan lets read the audit log.

Looking at the audit log is itself audited, before anything is shown: if that entry
cannot be written, nothing is shown.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from steward.audit import (
    AuditEntry,
    AuditError,
    parse_checkpoint,
    read_checkpoint_notes,
    verify_log,
)
from steward.vault.audit_actions import AuditAction
from steward.vault.audit_store import DatabaseAuditStore
from steward.vault.runtime import Vault, get_vault
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.checkpoints import configured_policy, keys_dir, verifier_key
from steward.vault.services.staff_sessions import record_refusal
from steward.vault.views.staff_common import error_page, page, staff_page

PAGE_SIZE = 50
AUDIT_OBJECT = "audit/log"
UNAUDITED = "refused because it could not be audited; nothing was shown. Try again later."


def _refused(request: HttpRequest, actor: Actor, action: AuditAction) -> HttpResponse | None:
    """A 403 (audited) unless the actor's role reads the audit log."""
    if actor.role.reads_audit:
        return None
    record_refusal(get_vault(), actor.ref, action, "role does not read the audit log")
    reason = f"the role '{actor.role.id}' may not read the audit log"
    return error_page(request, 403, "Not allowed", reason, actor)


def _page(vault: Vault, number: int) -> tuple[list[AuditEntry], int]:
    """Entries of page ``number`` (newest first) and the log's size."""
    size = vault.audit.size()
    stop = max(0, size - (number - 1) * PAGE_SIZE)
    start = max(0, stop - PAGE_SIZE)
    return list(reversed(list(vault.audit.entries(start, stop)))), size


@require_GET
@staff_page
def audit_browser(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A page of audit entries, newest first: references are keyed hashes, shown short."""
    refused = _refused(request, actor, AuditAction.AUDIT_READ)
    if refused is not None:
        return refused
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        return error_page(request, 400, "Bad request", "the page number must be 1 or more", actor)
    number = int(raw)
    vault = get_vault()
    try:
        with transaction.atomic():
            audit(vault, actor=actor.ref, action=AuditAction.AUDIT_READ, obj=AUDIT_OBJECT)
        entries, size = _page(vault, number)
    except AuditUnavailable:
        return error_page(request, 503, "Not available", UNAUDITED, actor)
    except AuditError:
        return error_page(request, 503, "Not available", "the audit log cannot be read", actor)
    context = {
        "entries": entries,
        "size": size,
        "page": number,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if (number * PAGE_SIZE) < size else None,
    }
    return page(request, "steward/staff/audit.html", context, actor=actor)


@require_POST
@staff_page
def audit_verify(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Check the whole audit log against every stored checkpoint and the witness folder's
    copies, and show the report with how many checkpoints there are."""
    refused = _refused(request, actor, AuditAction.AUDIT_VERIFY)
    if refused is not None:
        return refused
    vault = get_vault()
    try:
        with transaction.atomic():
            audit(vault, actor=actor.ref, action=AuditAction.AUDIT_VERIFY, obj=AUDIT_OBJECT)
    except AuditUnavailable:
        return error_page(request, 503, "Not available", UNAUDITED, actor)
    try:
        key = verifier_key(keys_dir())
        witness = configured_policy().witness_dir
        kept = read_checkpoint_notes(witness) if witness is not None and witness.is_dir() else []
        report = verify_log(vault.audit.store, public_key=key, kept=kept)
        stored = _stored(vault)
    except AuditError as error:
        return error_page(request, 503, "Not available", str(error), actor)
    context = {
        "report": report,
        "root": report.root_hash.hex(),
        "signed": key is not None,
        "stored": len(stored),
        "newest": stored[-1] if stored else None,
        "witness": witness,
        "kept": len(kept),
    }
    return page(request, "steward/staff/audit_verify.html", context, actor=actor)


def _stored(vault: Vault) -> list[dict[str, object]]:
    """The stored checkpoints, oldest first: size and when each was stored."""
    store = vault.audit.store
    if not isinstance(store, DatabaseAuditStore):
        return [{"size": parse_checkpoint(note).size, "time": None} for note in store.checkpoints()]
    return [
        {"size": parse_checkpoint(note).size, "time": when}
        for note, when in store.checkpoint_times()
    ]
