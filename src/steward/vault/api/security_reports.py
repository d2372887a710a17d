"""The public API route of vulnerability reports: ``POST /api/security/reports``.

No credentials, like the form at ``/security/report/``, and the same service
(:func:`~steward.vault.services.vulnerabilities.receive_report`): the report is sealed
to the intake key the moment it arrives, its disclosure date set from the plan, and it
counts toward the sender's address's limit of reports an hour. Answers 201 with the
reference, 400 for a report too short or too long, 422 for a malformed body, 404 when
the plan takes no reports, 429 with ``Retry-After`` when the address sent too many, 503
when it cannot be stored.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from steward.vault.api.schemas import ErrorOut, ProblemsOut
from steward.vault.models_response import VulnerabilityReport
from steward.vault.runtime import get_vault
from steward.vault.services.vulnerabilities import receive_report

router = Router(tags=["security reports"])


class SecurityReportIn(Schema):
    """A vulnerability report: what was found and how to reproduce it."""

    title: str = Field("", max_length=200, description="A short title (optional).")
    text: str = Field(..., max_length=20_000, description="What you found; 20 characters or more.")
    contact: str = Field("", max_length=200, description="How to reach you (optional).")


class SecurityReportOut(Schema):
    """The receipt of a report."""

    reference: str = Field(description="The report's reference, to quote when you write.")
    sealed: bool = Field(description="Sealed to a key this server does not hold.")
    disclose_by: datetime | None = Field(
        description="When the organization discloses the vulnerability to those concerned."
    )


@router.post(
    "/security/reports",
    auth=None,
    response={
        201: SecurityReportOut,
        400: ErrorOut,
        404: ErrorOut,
        422: ProblemsOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    summary="Report a security vulnerability (public)",
    operation_id="reportVulnerability",
)
def report(request: HttpRequest, body: SecurityReportIn) -> Status[SecurityReportOut]:
    """Receive one report, sealed; the receipt gives its reference and disclosure date."""
    vault = get_vault()
    made = receive_report(
        vault,
        title=body.title,
        text=body.text,
        contact=body.contact,
        address=str(request.META.get("REMOTE_ADDR", "")),
    )
    stored = VulnerabilityReport.objects.only("sealed", "disclose_by").get(pk=made)
    return Status(
        201,
        SecurityReportOut(
            reference=str(made), sealed=stored.sealed is not None, disclose_by=stored.disclose_by
        ),
    )
