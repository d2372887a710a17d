"""API routes of vulnerability reports: the register, one report, moving its disclosure
date with a reason, marking it, and recording its disclosure to stakeholders.

Reports come in through the public sealed form (``/security/report/``), not the API.
Every route calls only the vulnerability services, which decide by the plan and audit.
Handlers read a report's text once it is unsealed; the oversight body's members read
dates, states and reminders only. A service token is refused (403).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from steward import clock
from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.api.schemas import ErrorOut
from steward.vault.rules.vulnerability_clock import MAX_EXPLANATION
from steward.vault.runtime import get_vault
from steward.vault.services.vulnerabilities import (
    MAX_NOTE,
    change_report,
    move_clock,
    record_disclosure,
)
from steward.vault.services.vulnerability_register import ReportView, get_report, list_reports

router = Router(tags=["vulnerabilities"])
STEP_ERRORS = {**READ_ERRORS, 400: ErrorOut}


class ClockIn(Schema):
    """A new disclosure date, with the reason and an explanation (kept)."""

    new_date: datetime
    reason: str = Field(
        max_length=40, description="active_exploitation, partner_not_responding, ..."
    )
    explanation: str = Field(max_length=MAX_EXPLANATION)


class ReportChangeIn(Schema):
    """A new state (confirmed, fixed, rejected), severity or title; empty: unchanged."""

    state: str = Field(default="", max_length=20)
    severity: str = Field(default="", max_length=20)
    title: str | None = Field(default=None, max_length=200)


class DisclosureIn(Schema):
    """How and to whom the disclosure was made (it is recorded as made now)."""

    note: str = Field(max_length=MAX_NOTE)


class ClockChangeOut(Schema):
    at: datetime
    by: str
    before: datetime
    after: datetime
    reason: str
    explanation: str


class ReportOut(Schema):
    """A report; ``text`` is null until unsealed and for readers who do not handle
    reports. ``reminder``: none, within_7_days, within_2_days, overdue,
    disclosed_on_time, disclosed_late or closed."""

    id: UUID
    received_at: datetime
    title: str
    severity: str
    state: str
    sealed: bool
    disclose_by: datetime | None
    disclosed_at: datetime | None
    disclosed_by: str | None
    disclosure_note: str
    reminder: str
    changes: list[ClockChangeOut]
    details: bool
    text: str | None


def out(view: ReportView) -> ReportOut:
    """The API form of a report."""
    data = {
        **view.__dict__,
        "reminder": view.reminder.value,
        "changes": [c.__dict__ for c in view.changes],
    }
    return ReportOut(**data)


@router.get(
    "/vulnerabilities",
    response={200: list[ReportOut], **READ_ERRORS},
    summary="Vulnerability reports, overdue first",
    operation_id="listVulnerabilities",
)
def list_all(request: HttpRequest) -> list[ReportOut]:
    """The latest reports, overdue and nearest dates first (audited)."""
    return [out(v) for v in list_reports(get_vault(), actor_of(request), clock.now())]


@router.get(
    "/vulnerabilities/{report_id}",
    response={200: ReportOut, **READ_ERRORS},
    summary="One vulnerability report",
    operation_id="getVulnerability",
)
def get_one(request: HttpRequest, report_id: str) -> ReportOut:
    """One report (audited)."""
    return out(get_report(get_vault(), actor_of(request), report_id, clock.now()))


@router.post(
    "/vulnerabilities/{report_id}/clock",
    response={200: ReportOut, **STEP_ERRORS},
    summary="Move a report's disclosure date",
    operation_id="moveVulnerabilityClock",
)
def move(request: HttpRequest, report_id: str, body: ClockIn) -> ReportOut:
    """Shorten or extend the date, never to a past moment; the reason is recorded."""
    view = move_clock(get_vault(), actor_of(request), report_id, **body.dict())
    return out(view)


@router.patch(
    "/vulnerabilities/{report_id}",
    response={200: ReportOut, **STEP_ERRORS},
    summary="Mark a report, set its severity or title",
    operation_id="updateVulnerability",
)
def update(request: HttpRequest, report_id: str, body: ReportChangeIn) -> ReportOut:
    """Mark it confirmed, fixed or rejected; set its severity or title."""
    return out(change_report(get_vault(), actor_of(request), report_id, **body.dict()))


@router.post(
    "/vulnerabilities/{report_id}/disclosure",
    response={200: ReportOut, **STEP_ERRORS},
    summary="Record a report's disclosure to stakeholders",
    operation_id="discloseVulnerability",
)
def disclose(request: HttpRequest, report_id: str, body: DisclosureIn) -> ReportOut:
    """Record the disclosure, made now, with how and to whom (a role that approves
    disclosures)."""
    return out(record_disclosure(get_vault(), actor_of(request), report_id, note=body.note))
