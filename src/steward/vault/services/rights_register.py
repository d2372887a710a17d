"""The register of people's rights requests: one row per use of a right.

Every service that carries out a right (a copy, a correction, a withdrawal, an erasure,
a new access code) registers it here, in the transaction of the action itself, so the
register the privacy officer answers from is complete. The deadline is the plan's
``rights.respond_within`` after the request was received.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from steward.policy.model import Plan
from steward.vault.models import Record, RightsRequest


def due_for(plan: Plan, received: datetime) -> datetime | None:
    """When a request received at ``received`` must be answered; ``None`` when the plan
    sets no deadline (``rights.respond_within`` absent)."""
    within = plan.rights.respond_within
    return received + timedelta(days=within.days) if within is not None else None


def register(
    plan: Plan,
    subject_id: UUID | str,
    kind: RightsRequest.Kind,
    *,
    now: datetime,
    record: Record | None = None,
    field: str = "",
    purpose: str = "",
    done: bool = False,
    by_person: bool = True,
    decision: str = "",
) -> RightsRequest:
    """Register one use of a right; call inside the action's transaction.

    ``done`` marks a right carried out at once (the decision is then the outcome,
    e.g. "corrected"); otherwise the request stays open until staff answer it.
    ``decision`` must hold no personal value. A proposed correction's value is stored
    by the caller, encrypted, in :attr:`RightsRequest.proposed`.
    """
    return RightsRequest.objects.create(
        subject_id=subject_id,
        record=record,
        dataset=record.dataset if record is not None else "",
        kind=kind,
        field=field,
        purpose=purpose,
        received=now,
        due=due_for(plan, now),
        status=RightsRequest.Status.DONE if done else RightsRequest.Status.OPEN,
        by_person=by_person,
        decided_at=now if done else None,
        decision=decision,
    )
