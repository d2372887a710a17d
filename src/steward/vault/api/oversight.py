"""API routes of the oversight body (roles that ``oversee``; 403 for others), every call
audited:

* ``GET /api/oversight/checkpoints``: the stored checkpoints and the verification of the
  whole log against them.
* ``GET /api/oversight/statistics?from=&to=``: reveals and refusals by role and by staff
  member, and unusual access, for the days ``from`` .. ``to``; 400 for a bad period.
* ``GET /api/oversight/plan-changes``: every plan version with what changed.
* ``GET /api/oversight/reviews``: the review reports (periods and whether an outcome is
  recorded); ``GET /api/oversight/reviews/{id}``: one report with its outcome (404 when
  unknown).
* ``POST /api/oversight/reviews/{id}/outcome`` ``{"outcome": "..."}``: record the
  outcome once (400 empty or too long, 403 already recorded).

The disclosure register is ``GET /api/register`` (overseeing roles may read it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from steward.audit import AuditError
from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.api.schemas import ErrorOut
from steward.vault.rules.transparency import PeriodError, period_between
from steward.vault.runtime import get_vault
from steward.vault.services.oversight import (
    access_statistics,
    checkpoints_and_verification,
    plan_changes,
)
from steward.vault.services.oversight_review import (
    MAX_OUTCOME_CHARS,
    list_reviews,
    read_review,
    record_outcome,
    review_document,
)

router = Router(tags=["oversight"])


class PeriodFilter(Schema):
    """The days to count, both included."""

    start: date = Field(alias="from", description="the first day (YYYY-MM-DD)")
    end: date = Field(alias="to", description="the last day, included (YYYY-MM-DD)")


class ReviewOut(Schema):
    """A review report's period and state."""

    id: str
    period_start: date
    period_end: date
    outcome_recorded: bool


class OutcomeIn(Schema):
    """The oversight body's conclusions on a review."""

    outcome: str = Field(max_length=MAX_OUTCOME_CHARS)


@router.get(
    "/oversight/checkpoints",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="The audit log's checkpoints and their verification",
    operation_id="getOversightCheckpoints",
)
def checkpoints(request: HttpRequest) -> dict[str, Any]:
    """The stored checkpoints (entries covered, when stored) and whether the log still
    matches them. Audited."""
    try:
        return checkpoints_and_verification(get_vault(), actor_of(request))
    except AuditError as error:
        if type(error).__name__ == "AuditUnavailable":
            raise
        raise HttpError(503, "the audit log cannot be read") from None


@router.get(
    "/oversight/statistics",
    response={200: dict[str, Any], **READ_ERRORS, 400: ErrorOut},
    summary="Access statistics of a period",
    operation_id="getOversightStatistics",
)
def statistics(request: HttpRequest, filters: Query[PeriodFilter]) -> dict[str, Any]:
    """Reveals and refusals by role and staff member, and unusual access. Audited."""
    try:
        period = period_between(filters.start, filters.end)
    except PeriodError as error:
        raise HttpError(400, str(error)) from None
    return access_statistics(get_vault(), actor_of(request), *period.bounds).as_json()


@router.get(
    "/oversight/plan-changes",
    response={200: list[dict[str, Any]], **READ_ERRORS},
    summary="Plan versions and what changed",
    operation_id="listPlanChanges",
)
def changes(request: HttpRequest) -> list[dict[str, Any]]:
    """Every plan version, oldest first, with its digest, date and changes. Audited."""
    return plan_changes(get_vault(), actor_of(request))


@router.get(
    "/oversight/reviews",
    response={200: list[ReviewOut], **READ_ERRORS},
    summary="The review reports",
    operation_id="listOversightReviews",
)
def reviews(request: HttpRequest) -> list[ReviewOut]:
    """Every review, newest period first. Audited."""
    return [
        ReviewOut(
            id=str(r.id),
            period_start=r.period_start,
            period_end=r.period_end,
            outcome_recorded=r.outcome_at is not None,
        )
        for r in list_reviews(get_vault(), actor_of(request))
    ]


@router.get(
    "/oversight/reviews/{review_id}",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="One review report",
    operation_id="getOversightReview",
)
def review(request: HttpRequest, review_id: str) -> dict[str, Any]:
    """The stored report and the outcome. Audited."""
    return review_document(read_review(get_vault(), actor_of(request), review_id[:64]))


@router.post(
    "/oversight/reviews/{review_id}/outcome",
    response={200: dict[str, Any], **READ_ERRORS, 400: ErrorOut},
    summary="Record a review's outcome",
    operation_id="recordOversightOutcome",
)
def outcome(request: HttpRequest, review_id: str, body: OutcomeIn) -> dict[str, Any]:
    """Record the body's conclusions, once. Audited."""
    done = record_outcome(get_vault(), actor_of(request), review_id[:64], body.outcome)
    return review_document(done)
