"""The oversight body's pages, under ``/staff/oversight/``: the hub (the audit log's
checkpoints and their verification, a link to the disclosure register, access
statistics of a period, plan changes and the review reports), one review as HTML or
JSON, and the form where members record its outcome.

Every read goes through :mod:`steward.vault.services.oversight` and
:mod:`steward.vault.services.oversight_review`, which decide (roles that ``oversee``)
and audit. Other roles get 403; a period that cannot be read, 400 with the form shown
again; an unknown review, 404; an empty or repeated outcome, 400 or 403.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from steward import clock
from steward.audit import AuditError
from steward.vault.rules.transparency import PeriodError, period_between
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.oversight import (
    access_statistics,
    checkpoints_and_verification,
    plan_changes,
    require_overseer,
)
from steward.vault.services.oversight_review import (
    MAX_OUTCOME_CHARS,
    list_reviews,
    read_review,
    record_outcome,
    review_document,
)
from steward.vault.views.staff import service_error
from steward.vault.views.staff_common import error_page, page, staff_page

DEFAULT_DAYS: Final = 90
HUB: Final = "steward/staff/oversight.html"
REVIEW: Final = "steward/staff/oversight_review.html"


def parse_day(text: str, default: date) -> date:
    """``text`` as a date (``YYYY-MM-DD``), or ``default`` when blank.

    Raises:
        PeriodError: not a date.
    """
    if not text.strip():
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"'{text[:20]}' is not a date (YYYY-MM-DD)") from None


def _refused(request: HttpRequest, error: Exception, actor: Actor) -> HttpResponse:
    if isinstance(error, AuditError) and not isinstance(error, AuditUnavailable):
        return error_page(request, 503, "Not available", "the audit log cannot be read", actor)
    return service_error(request, error, actor)


@require_GET
@staff_page
def hub(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Checkpoints and verification, access statistics of a period (the last 90 days
    unless ``from``/``to`` say otherwise), plan changes and reviews."""
    vault = get_vault()
    try:
        require_overseer(vault, actor, "hub")
    except AccessDenied as error:
        return service_error(request, error, actor)
    today = clock.now().date()
    start_text, end_text = request.GET.get("from", ""), request.GET.get("to", "")
    context: dict[str, Any] = {"start": start_text, "end": end_text}
    try:
        period = period_between(
            parse_day(start_text, today - timedelta(days=DEFAULT_DAYS)), parse_day(end_text, today)
        )
    except PeriodError as error:
        return page(request, HUB, {**context, "error": str(error)}, status=400, actor=actor)
    try:
        context |= {
            "period": period,
            "audit": checkpoints_and_verification(vault, actor),
            "statistics": access_statistics(vault, actor, *period.bounds),
            "versions": list(reversed(plan_changes(vault, actor))),
            "reviews": list_reviews(vault, actor),
        }
    except (AccessDenied, AuditUnavailable, AuditError, InvalidValue) as error:
        return _refused(request, error, actor)
    return page(request, HUB, context, actor=actor)


@require_GET
@staff_page
def review_page(request: HttpRequest, actor: Actor, review_id: str) -> HttpResponse:
    """One review report with its outcome (or the form to record it)."""
    try:
        review = read_review(get_vault(), actor, review_id)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    context = {"review": review, "report": review.report, "limit": MAX_OUTCOME_CHARS}
    return page(request, REVIEW, context, actor=actor)


@require_GET
@staff_page
def review_json(request: HttpRequest, actor: Actor, review_id: str) -> HttpResponse:
    """One review report as JSON (the stored report and the outcome)."""
    try:
        review = read_review(get_vault(), actor, review_id)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    return JsonResponse(review_document(review), json_dumps_params={"indent": 2})


@require_POST
@staff_page
def outcome(request: HttpRequest, actor: Actor, review_id: str) -> HttpResponse:
    """Record the review's outcome; 400 with the form again when it is empty or long."""
    vault = get_vault()
    text = request.POST.get("outcome", "")
    try:
        record_outcome(vault, actor, review_id, text)
    except InvalidValue as error:
        try:
            review = read_review(vault, actor, review_id)
        except (AccessDenied, NotFound, AuditUnavailable) as refused:
            return service_error(request, refused, actor)
        context = {
            "review": review,
            "report": review.report,
            "limit": MAX_OUTCOME_CHARS,
            "error": str(error),
            "draft": text[:MAX_OUTCOME_CHARS],
        }
        return page(request, REVIEW, context, status=400, actor=actor)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    return HttpResponseRedirect(f"/staff/oversight/reviews/{review_id}/")
