"""``GET /api/retention``: where retention stands, for roles that read the audit log.

Counts only: what falls due in the next 30 days by dataset, the sweep's health, and
what its last successful run deleted. The read is audited (``retention.read``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema

from steward import clock
from steward.vault.api.audit_readers import require_audit_reader
from steward.vault.api.auth import actor_of
from steward.vault.api.schemas import ErrorOut
from steward.vault.audit_actions import AuditAction
from steward.vault.runtime import get_vault
from steward.vault.services.auditing import audit
from steward.vault.services.retention_status import read_retention_status

router = Router(tags=["retention"])

ACTION: Final = AuditAction.RETENTION_READ
TARGET: Final = "retention"


class DueOut(Schema):
    """How many records of one dataset have something falling due soon."""

    dataset: str
    records: int


class RetentionOut(Schema):
    """Retention at one moment (counts only)."""

    horizon_days: int
    due: list[DueOut]
    sweep_health: str = Field(description="ok, overdue, failing, never run, not scheduled")
    warning: str = Field(description="empty unless the sweep did not run when due")
    last_success: datetime | None
    last_summary: str = Field(description="what the last successful sweep did, in counts")


@router.get(
    "/retention",
    response={200: RetentionOut, 401: ErrorOut, 403: ErrorOut, 503: ErrorOut},
    summary="Where retention stands",
    operation_id="getRetention",
)
def retention(request: HttpRequest) -> RetentionOut:
    """What falls due in the next 30 days (counts by dataset), whether the daily sweep
    ran when due, and what its last successful run deleted. Only roles with
    ``reads_audit``; audited."""
    actor = actor_of(request)
    vault = get_vault()
    require_audit_reader(vault, actor, what="retention", action=ACTION, target=TARGET)
    state = read_retention_status(vault, now=clock.now())
    with transaction.atomic():
        audit(vault, actor=actor.ref, action=ACTION, obj=TARGET)
    last = state.last_success
    return RetentionOut(
        horizon_days=state.horizon_days,
        due=[DueOut(dataset=d, records=n) for d, n in sorted(state.due.items())],
        sweep_health=state.job.health.value,
        warning=state.warning,
        last_success=last.started if last else None,
        last_summary=last.message if last else "",
    )
