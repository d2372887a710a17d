"""Retention, for the roles the plan lets read the audit log (the privacy officer).

Shows what falls due in the next 30 days (counts by dataset), what the last sweep
deleted (counts), and a warning when the sweep did not run when due. Nothing personal.
"""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from steward import clock
from steward.vault.audit_actions import AuditAction
from steward.vault.runtime import get_vault
from steward.vault.services.actors import Actor
from steward.vault.services.retention_status import read_retention_status
from steward.vault.services.staff_sessions import record_refusal
from steward.vault.views.staff_common import error_page, page, staff_page


@require_GET
@staff_page
def retention_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """What is due soon, what the last sweep did, and whether it ran when due."""
    vault = get_vault()
    if not actor.role.reads_audit:
        record_refusal(
            vault, actor.ref, AuditAction.RETENTION_READ, "role does not read the audit log"
        )
        reason = f"the role '{actor.role.id}' may not see retention"
        return error_page(request, 403, "Not allowed", reason, actor)
    try:
        state = read_retention_status(vault, now=clock.now())
    except DatabaseError:
        return error_page(request, 503, "Not available", "retention cannot be read now", actor)
    labels = {d.id: d.label for d in vault.plan.datasets}
    due = [(labels.get(d, d), d, n) for d, n in sorted(state.due.items())]
    context = {"state": state, "due": due}
    return page(request, "steward/staff/retention.html", context, actor=actor)
