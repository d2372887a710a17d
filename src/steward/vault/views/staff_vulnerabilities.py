"""The vulnerability pages: the register (overdue clocks first) and a report's page,
where handlers read it, mark it, move its clock with a reason and record its
disclosure. Refusals 403 with the reason; bad input 400 with the page and the message.
"""

from __future__ import annotations

from typing import Any, Final
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from steward import clock
from steward.vault.rules.vulnerability_clock import (
    REASON_LABELS,
    REASONS,
    VulnerabilityAct,
    decide_vulnerability,
)
from steward.vault.runtime import get_vault
from steward.vault.services.actors import Actor
from steward.vault.services.disclosures import standing_of
from steward.vault.services.vulnerabilities import (
    SEVERITIES,
    change_report,
    move_clock,
    record_disclosure,
)
from steward.vault.services.vulnerability_register import get_report, list_reports
from steward.vault.views.staff import service_error
from steward.vault.views.staff_common import page, staff_page
from steward.vault.views.staff_forms_time import parse_moment
from steward.vault.views.staff_steps import FAILURES, run_step

LIST_URL: Final = "/staff/vulnerabilities/"


@require_GET
@staff_page
def report_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The reports, overdue and nearest clocks first."""
    try:
        views = list_reports(get_vault(), actor, clock.now())
    except FAILURES as error:
        return service_error(request, error, actor)
    return page(request, "steward/staff/vulnerabilities.html", {"rows": views}, actor=actor)


def _show(
    request: HttpRequest, actor: Actor, report_id: UUID, error: str = "", status: int = 200
) -> HttpResponse:
    try:
        view = get_report(get_vault(), actor, report_id, clock.now())
    except FAILURES as error_:
        return service_error(request, error_, actor)
    context = {
        "r": view,
        "error": error,
        "reasons": [(reason, REASON_LABELS.get(reason, reason)) for reason in REASONS],
        "severities": SEVERITIES,
        "discloses": decide_vulnerability(
            get_vault().plan, standing_of(actor), VulnerabilityAct.DISCLOSE
        ).allowed,
    }
    return page(request, "steward/staff/vulnerability.html", context, status=status, actor=actor)


@require_GET
@staff_page
def report_page(request: HttpRequest, actor: Actor, report_id: UUID) -> HttpResponse:
    """One report: its clock, reminders and history; its text for handlers."""
    return _show(request, actor, report_id)


def _act(request: HttpRequest, actor: Actor, report_id: UUID, done: str, step: Any) -> HttpResponse:
    """Run ``step`` (see :func:`run_step`), back to the page of ``report_id``."""
    return run_step(
        request,
        actor,
        step,
        done=done,
        back=f"{LIST_URL}{report_id}/",
        again=lambda message, status: _show(request, actor, report_id, message, status),
    )


@require_POST
@staff_page
def report_clock(request: HttpRequest, actor: Actor, report_id: UUID) -> HttpResponse:
    """Move the disclosure date, with a reason and an explanation."""
    posted = request.POST

    def step() -> None:
        move_clock(
            get_vault(),
            actor,
            report_id,
            new_date=parse_moment(posted.get("new_date", ""), "new date"),
            reason=posted.get("reason", ""),
            explanation=posted.get("explanation", ""),
        )

    return _act(request, actor, report_id, "Disclosure date moved.", step)


@require_POST
@staff_page
def report_change(request: HttpRequest, actor: Actor, report_id: UUID) -> HttpResponse:
    """Mark the report confirmed, fixed or rejected, set its severity or title."""
    posted = request.POST

    def step() -> None:
        change_report(
            get_vault(),
            actor,
            report_id,
            state=posted.get("state", ""),
            severity=posted.get("severity", ""),
            title=posted.get("title") if "title" in posted else None,
        )

    return _act(request, actor, report_id, "Report updated.", step)


@require_POST
@staff_page
def report_disclose(request: HttpRequest, actor: Actor, report_id: UUID) -> HttpResponse:
    """Record the disclosure to stakeholders, made now."""
    note = request.POST.get("note", "")
    return _act(
        request, actor, report_id, "Disclosure recorded.",
        lambda: record_disclosure(get_vault(), actor, report_id, note=note),
    )  # fmt: skip
