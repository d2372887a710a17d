"""The oversight body's periodic review: a report computed for a period, stored as an
:class:`~steward.vault.models_response.OversightReview`, and the outcome its members
record.

The report (JSON, no personal value: figures, dates, states, kinds, staff usernames)
covers, for ``[period start 00:00 UTC, period end + 1 day 00:00 UTC)``:

- ``plan``: the plan versions first loaded in the period and what changed;
- ``disclosures``: requests by outcome and ground, records and people (banded), extracts
  and aggregate releases (the transparency tally, parties named);
- ``incidents``: those detected in the period with each notice deadline kept, missed,
  running or not required, and the totals;
- ``rights``: requests received by kind, response times of those answered (median and
  longest, in days) and how many were overdue (answered late, or open past due at the
  period's end);
- ``operations``: runs of the retention sweep, backups and restore drills (count,
  failures) and the last restore drill;
- ``access``: reveals and denials by role and staff member, and unusual access.

:func:`generate_review` stores one report per period (idempotent). The scheduled job
``oversight-review`` (:data:`OVERSIGHT_REVIEW`) generates the next one when the plan's
``governance.review_every`` says it is due. :func:`record_outcome` is the only write a
member makes, once per review, audited.
"""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final, NoReturn

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from steward import clock
from steward.audit import Outcome as AuditOutcome
from steward.policy import Plan
from steward.vault.audit_actions import AuditAction
from steward.vault.models import JobRun, PlanVersion, RightsRequest
from steward.vault.models_response import Incident, OversightReview
from steward.vault.rules.oversight import (
    DeadlineFacts,
    deadline_status,
    may_record_outcome,
    next_review_period,
    response_times,
)
from steward.vault.rules.schedule import DEFAULT_INTERVAL, duration_interval
from steward.vault.rules.staff_standing import StaffStanding
from steward.vault.rules.transparency import period_between
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.jobs import Job, JobContext, Schedule
from steward.vault.services.oversight import count_access, plan_history, read_audited
from steward.vault.services.transparency import build_report

__all__ = [
    "MAX_OUTCOME_CHARS",
    "OVERSIGHT_REVIEW",
    "REVIEW_JOB_NAME",
    "compute_report",
    "generate_review",
    "list_reviews",
    "read_review",
    "record_outcome",
    "review_document",
    "review_due",
]

REVIEW_JOB_NAME: Final = "oversight-review"
MAX_OUTCOME_CHARS: Final = 20_000
FORMAT: Final = "steward-oversight-review/1"
SWEEP_JOB: Final = "retention-sweep"
BACKUP_JOB: Final = "backup"
DRILL_JOB: Final = "restore-drill"


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time(), tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC),
    )


def compute_report(vault: Vault, start: date, end: date, now: datetime) -> dict[str, Any]:
    """The review report of the days ``start`` .. ``end`` (both included) as JSON values,
    as things stand at ``now``. No decision, no audit.

    Raises:
        PeriodError: the period ends before it starts or is longer than ten years.
        AuditError: the audit log cannot be read.
    """
    period = period_between(start, end)
    low, high = _bounds(start, end)
    transparency = build_report(vault, period, public=False, now=now).as_json()
    return {
        "format": FORMAT,
        "organization": vault.plan.organization.name,
        "plan_version": vault.plan.version,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "generated": now.isoformat(),
        "plan": {"versions": plan_history(low, high)},
        "disclosures": {
            key: transparency[key]
            for key in ("smallest_group", "requests", "records", "people", "extracts")
        }
        | {"aggregates": transparency["aggregates"]},
        "incidents": _incidents(low, high, now),
        "rights": _rights(low, high, now),
        "operations": _operations(low, high),
        "access": count_access(vault, low, high).as_json(),
    }


def _incidents(low: datetime, high: datetime, now: datetime) -> dict[str, Any]:
    rows = Incident.objects.filter(detected_at__gte=low, detected_at__lt=high).order_by(
        "detected_at"
    )
    listed: list[dict[str, Any]] = []
    totals: Counter[str] = Counter()
    for row in rows:
        authority = deadline_status(
            DeadlineFacts(row.authority_due, row.authority_notified_at), now
        )
        people = deadline_status(DeadlineFacts(row.people_due, row.people_notified_at), now)
        totals[f"authority_{authority}"] += 1
        totals[f"people_{people}"] += 1
        listed.append(
            {
                "id": str(row.id),
                "kind": row.kind,
                "state": row.state,
                "detected_at": row.detected_at.isoformat(),
                "records_affected": row.records_affected,
                "people_affected": row.people_affected,
                "authority_notice": authority,
                "people_notice": people,
            }
        )
    return {
        "count": len(listed),
        "open": sum(1 for i in listed if i["state"] != Incident.State.CLOSED),
        "deadlines_missed": totals["authority_missed"] + totals["people_missed"],
        "deadlines_kept": totals["authority_kept"] + totals["people_kept"],
        "list": listed,
    }


def _rights(low: datetime, high: datetime, now: datetime) -> dict[str, Any]:
    rows = list(
        RightsRequest.objects.filter(received__gte=low, received__lt=high).values(
            "kind", "status", "received", "due", "decided_at"
        )
    )
    answered = [
        (r["received"], r["decided_at"])
        for r in rows
        if r["status"] != RightsRequest.Status.OPEN and r["decided_at"] is not None
    ]
    moment = min(now, high)
    overdue = sum(
        1
        for r in rows
        if r["due"] is not None
        and (
            (r["decided_at"] is not None and r["decided_at"] > r["due"])
            or (r["status"] == RightsRequest.Status.OPEN and moment > r["due"])
        )
    )
    return {
        "received": len(rows),
        "by_kind": dict(sorted(Counter(r["kind"] for r in rows).items())),
        "open": sum(1 for r in rows if r["status"] == RightsRequest.Status.OPEN),
        "refused": sum(1 for r in rows if r["status"] == RightsRequest.Status.REFUSED),
        "response_days": response_times(answered).as_json(),
        "overdue": overdue,
    }


def _operations(low: datetime, high: datetime) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for job in (SWEEP_JOB, BACKUP_JOB, DRILL_JOB):
        runs = JobRun.objects.filter(job=job, started__gte=low, started__lt=high)
        result[job] = {
            "runs": runs.count(),
            "failed": runs.filter(outcome=JobRun.Outcome.FAILED).count(),
            "succeeded": runs.filter(outcome=JobRun.Outcome.SUCCEEDED).count(),
        }
    last = (
        JobRun.objects.filter(job=DRILL_JOB, started__lt=high).order_by("-started", "-id").first()
    )
    result["last_restore_drill"] = (
        None
        if last is None
        else {
            "started": last.started.isoformat(),
            "outcome": last.outcome,
            "in_period": last.started >= low,
        }
    )
    return result


def generate_review(
    vault: Vault,
    start: date,
    end: date,
    *,
    actor_ref: str = "system/jobs",
    user_id: int | None = None,
    now: datetime | None = None,
) -> tuple[OversightReview, bool]:
    """Store the review of ``start`` .. ``end`` (one per period) and audit it
    (``oversight.review`` on ``oversight/review/<id>``). Returns the review and whether
    it was made now (``False``: it already existed, and is left as it was).

    Raises:
        PeriodError: see :func:`compute_report`.
        AuditUnavailable: nothing is stored.
    """
    moment = now or clock.now()
    existing = OversightReview.objects.filter(period_start=start, period_end=end).first()
    if existing is not None:
        return existing, False
    report = compute_report(vault, start, end, moment)
    try:
        with transaction.atomic():
            review = OversightReview.objects.create(
                period_start=start,
                period_end=end,
                generated_at=moment,
                generated_by_id=user_id,
                report=report,
            )
            audit(
                vault,
                actor=actor_ref,
                action=AuditAction.OVERSIGHT_REVIEW,
                obj=f"oversight/review/{review.id}",
                purpose=f"generated for {start} to {end}",
            )
    except IntegrityError:
        return OversightReview.objects.get(period_start=start, period_end=end), False
    return review, True


def review_every_days(plan: Plan) -> int | None:
    """The plan's ``governance.review_every`` in days, or ``None`` when it sets none."""
    every = plan.governance.review_every
    return None if every is None else max(duration_interval(every).days, 1)


def review_due(vault: Vault, today: date) -> tuple[date, date] | None:
    """The next period to review when its review is due by ``today``, else ``None``.
    The first period starts the day the vault first loaded a plan."""
    every = review_every_days(vault.plan)
    if every is None:
        return None
    first = PlanVersion.objects.order_by("first_loaded").values_list("first_loaded", flat=True)
    first_day = first[0].date() if first else today
    reviewed = list(OversightReview.objects.values_list("period_start", "period_end"))
    return next_review_period(reviewed, every, first_day, today)


def review_schedule(plan: Plan) -> Schedule:
    """Checked daily when the plan sets ``governance.review_every``."""
    every = plan.governance.review_every
    if every is None:
        return Schedule(None, "the plan sets no governance.review_every")
    return Schedule(DEFAULT_INTERVAL, f"daily check; governance.review_every: {every}")


def run_review(context: JobContext) -> str:
    """Generate every review that is due (catching up on missed periods)."""
    made: list[str] = []
    today = clock.now().date()
    while (period := review_due(context.vault, today)) is not None:
        review, created = generate_review(
            context.vault, period[0], period[1], actor_ref=context.actor
        )
        if not created:
            break
        made.append(f"{review.period_start} to {review.period_end}")
    if not made:
        return "no review is due"
    return "review report generated for " + "; ".join(made)


OVERSIGHT_REVIEW = Job(REVIEW_JOB_NAME, "Oversight review report", review_schedule, run_review)


# -- reads and the outcome ----------------------------------------------------------------


def list_reviews(vault: Vault, actor: Actor) -> list[OversightReview]:
    """Every review, newest period first. Audited.

    Raises:
        AccessDenied, AuditUnavailable: see :func:`~.oversight.read_audited`.
    """
    with transaction.atomic():
        read_audited(vault, actor, "reviews")
        return list(OversightReview.objects.order_by("-period_end"))


def _review(review_id: str, *, lock: bool = False) -> OversightReview:
    rows = OversightReview.objects.select_for_update() if lock else OversightReview.objects
    try:
        return rows.get(pk=review_id)
    except (OversightReview.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound("no such review") from None


def read_review(vault: Vault, actor: Actor, review_id: str) -> OversightReview:
    """One review. Audited (``oversight.read`` on ``oversight/review/<id>``).

    Raises:
        AccessDenied, AuditUnavailable: see :func:`~.oversight.read_audited`.
        NotFound: no such review (said after the decision, so outsiders learn nothing).
    """
    with transaction.atomic():
        read_audited(vault, actor, "reviews")
        return _review(review_id)


def record_outcome(
    vault: Vault, actor: Actor, review_id: str, text: str, *, now: datetime | None = None
) -> OversightReview:
    """Record the review's outcome (the members' conclusions, in their words), once.

    Raises:
        AccessDenied: the actor does not oversee, or the outcome is already recorded
            (the refusal is audited).
        InvalidValue: the text is empty or longer than :data:`MAX_OUTCOME_CHARS`.
        NotFound: no such review.
        AuditUnavailable: nothing is recorded.
    """
    standing = StaffStanding(actor.role, actor.user_id, actor.expired(), actor.mfa_verified)
    decision = may_record_outcome(standing, recorded=False)
    if not decision:
        _refuse(vault, actor, review_id, decision.reason)
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidValue("write the review's outcome: it may not be empty")
    if len(cleaned) > MAX_OUTCOME_CHARS:
        raise InvalidValue(f"the outcome is longer than {MAX_OUTCOME_CHARS} characters")
    moment = now or clock.now()
    with transaction.atomic():
        review = _review(review_id, lock=True)
        decision = may_record_outcome(standing, recorded=review.outcome_at is not None)
        if decision:
            review.outcome = cleaned
            review.outcome_at = moment
            review.outcome_by_id = actor.user_id
            review.save(update_fields=["outcome", "outcome_at", "outcome_by"])
            audit(
                vault,
                actor=actor.ref,
                action=AuditAction.OVERSIGHT_REVIEW,
                obj=f"oversight/review/{review.id}",
                purpose="outcome recorded",
            )
            return review
    return _refuse(vault, actor, review_id, decision.reason)


def review_document(review: OversightReview) -> dict[str, Any]:
    """A review as JSON values: its period, report and outcome."""
    return {
        "id": str(review.id),
        "period_start": review.period_start.isoformat(),
        "period_end": review.period_end.isoformat(),
        "generated_at": review.generated_at.isoformat(),
        "report": review.report,
        "outcome": review.outcome or None,
        "outcome_at": review.outcome_at.isoformat() if review.outcome_at else None,
        "outcome_by": review.outcome_by.get_username() if review.outcome_by else None,
    }


def _refuse(vault: Vault, actor: Actor, review_id: str, reason: str) -> NoReturn:
    with suppress(AuditUnavailable), transaction.atomic():
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.OVERSIGHT_REVIEW,
            obj=f"oversight/review/{review_id}"[:128],
            outcome=AuditOutcome.DENIED,
        )
    raise AccessDenied(reason)
