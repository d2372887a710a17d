"""API routes of the transparency report and the egress register.

* ``GET /api/transparency/{period}`` (public, no credentials): one period's report as
  JSON, computed from the register; 404 when the plan publishes none or the period has
  not ended, 400 for a period that cannot be read.
* ``GET /api/register?from=&to=&kind=`` (staff): the register's entries of a period,
  for the roles that approve disclosures or read the audit (403 otherwise); audited.
  Legal references only for approvers (``null`` for others).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from steward import clock
from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.api.schemas import ErrorOut, ProblemsOut
from steward.vault.rules.transparency import PeriodError, parse_period, period_between
from steward.vault.runtime import get_vault
from steward.vault.services.egress_register import register_entries, require_reader
from steward.vault.services.transparency import build_report, published

router = Router(tags=["transparency"])

PeriodSlug = Annotated[
    str,
    Field(
        max_length=22,
        pattern=r"^[0-9A-Za-z-]+$",
        description="2026, 2026-q3, 2026-h1 or 2026-01-01--2026-03-31",
    ),
]


class RegisterFilter(Schema):
    """Which entries of the register to list."""

    start: date = Field(alias="from", description="the first day (YYYY-MM-DD)")
    end: date = Field(alias="to", description="the last day, included (YYYY-MM-DD)")
    kind: str | None = Field(None, description="disclosure, extract or aggregate; all when absent")


class RegisterEntryOut(Schema):
    """One entry of the register: parties, ground, roles, state and counts; no values."""

    kind: str
    id: str
    when: datetime
    dataset: str
    recipient: str
    party: str
    party_kind: str
    ground: str
    legal_reference: str | None = Field(description="null when not shown to this role")
    requester_role: str
    approver_role: str
    state: str
    outcome: str
    records: int
    records_released: int
    people: int
    people_released: int
    fields: list[str]
    notices_sent: int
    notices_held: int
    prohibitions_running: int
    delivered: datetime | None
    expired: bool
    decision: str
    cells: int
    suppressed: int


@router.get(
    "/transparency/{period}",
    auth=None,
    response={200: dict[str, Any], 400: ErrorOut, 404: ErrorOut, 422: ProblemsOut},
    summary="A period's transparency report (public)",
    operation_id="getTransparencyReport",
)
def transparency_report(
    request: HttpRequest,
    period: Path[PeriodSlug],
) -> dict[str, Any]:
    """The report of a period that has ended (``2026``, ``2026-q3``, ``2026-h1`` or
    ``2026-01-01--2026-03-31``): requests by ground and by requester, outcomes, people
    and records affected (small counts as a range), notices, extracts, releases of
    counts and the sharing inventory. Computed from the register on every call."""
    vault = get_vault()
    if not published(vault.plan):
        raise HttpError(404, "this organization does not publish a transparency report")
    try:
        found = parse_period(period)
    except PeriodError as error:
        raise HttpError(400, str(error)) from None
    if not found.ended(clock.now().date()):
        raise HttpError(404, "the report of a period is published once the period has ended")
    return build_report(vault, found, public=True).as_json()


@router.get(
    "/register",
    response={200: list[RegisterEntryOut], **READ_ERRORS, 400: ErrorOut},
    summary="The egress register of a period",
    operation_id="listRegisterEntries",
)
def register(request: HttpRequest, filters: Query[RegisterFilter]) -> list[RegisterEntryOut]:
    """Every disclosure, refusal, extract and aggregate release made in the period,
    newest first. For the roles that approve disclosures or read the audit; audited."""
    vault = get_vault()
    actor = actor_of(request)
    require_reader(vault, actor)
    try:
        period = period_between(filters.start, filters.end)
    except PeriodError as error:
        raise HttpError(400, str(error)) from None
    kinds = [filters.kind] if filters.kind else None
    entries = register_entries(vault, actor, *period.bounds, kinds=kinds)
    return [
        RegisterEntryOut(**{**e.__dict__, "kind": e.kind.value, "fields": list(e.fields)})
        for e in entries
    ]
