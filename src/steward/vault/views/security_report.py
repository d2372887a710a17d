"""The public vulnerability-report form (``/security/report/``): no sign-in, CSRF
protected, its size limited. The report is sealed to the intake key as it arrives (or
encrypted with the key ring when the vault has no intake key), through
:func:`steward.vault.services.vulnerabilities.receive_report`.

Answers 404 when the plan takes no reports (no ``vulnerability_disclosure`` section, or
``accepts_reports: false``), 400 with the form and the message for a report too short
or too long (nothing stored), 413 for a body far larger than any report, 429 with the
form (what was typed kept) and ``Retry-After`` when the sender's address sent its limit
of reports within the hour (:mod:`steward.vault.rules.report_throttle`).
"""

from __future__ import annotations

from typing import Any, Final

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from steward.vault.runtime import get_vault
from steward.vault.services.access import InvalidValue
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.report_throttle import ReportThrottled
from steward.vault.services.vulnerabilities import accepts_reports, receive_report
from steward.vault.views.person_common import client_address
from steward.vault.views.staff_common import private

MAX_BODY: Final = 96 * 1024
TEMPLATE: Final = "steward/public/security_report.html"


def _plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _context(**extra: Any) -> dict[str, Any]:
    vault = get_vault()
    rules = vault.plan.operations.vulnerability_disclosure
    within = rules.disclose_within.describe() if rules and rules.disclose_within else ""
    return {
        "sealed": vault.intake_public_key is not None,
        "within": within,
        "contact": rules.contact if rules else "",
        **extra,
    }


@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: receive the report and answer its reference."""
    vault = get_vault()
    if not accepts_reports(vault.plan):
        return _plain(404, "This organization takes no vulnerability reports here.")
    if request.method == "GET":
        return private(render(request, TEMPLATE, _context()))
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY:
        return _plain(413, "The report is too large.")
    posted = request.POST
    try:
        receipt = receive_report(
            vault,
            title=posted.get("title", ""),
            text=posted.get("text", ""),
            contact=posted.get("contact", ""),
            address=client_address(request),
        )
    except (InvalidValue, ReportThrottled) as error:
        kept = {k: posted.get(k, "") for k in ("title", "text", "contact")}
        context = _context(error=str(error), posted=kept)
        status = 400 if isinstance(error, InvalidValue) else 429
        answer = private(render(request, TEMPLATE, context, status=status))
        if isinstance(error, ReportThrottled):
            answer["Retry-After"] = str(error.retry_after)
        return answer
    except AuditUnavailable:
        return _plain(503, "Reports cannot be received just now; nothing was stored.")
    return private(render(request, TEMPLATE, _context(receipt=receipt)))
