"""The public transparency report (``/transparency/``): no sign-in, no personal data.

``/transparency/`` lists the periods that have ended (the last four quarters and the
last year) with links; ``/transparency/<period>/`` is one period's report as the same
self-contained page ``steward transparency report`` writes, and
``/transparency/<period>/report.json`` the same figures as JSON. Both are computed from
the register on every request (:mod:`steward.vault.services.transparency`).

Answers 404 when the plan does not publish a transparency report, 400 for a period that
cannot be read, and 404 for a period that has not ended yet (its figures would change
from day to day and could tell who is being asked about now).
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Final

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward import clock
from steward.vault.rules.transparency import Period, PeriodError, latest_periods, parse_period
from steward.vault.runtime import get_vault
from steward.vault.services.transparency import (
    build_report,
    published,
    report_html,
)

_STYLE: Final = re.compile(r"<style>(.*?)</style>", re.S)
CACHE: Final = "public, max-age=300"


def _public_period(slug: str) -> Period | HttpResponse:
    """The period ``slug`` names if its report may be shown, else the refusal."""
    if not published(get_vault().plan):
        return _plain(404, "This organization does not publish a transparency report.")
    try:
        period = parse_period(slug)
    except PeriodError as error:
        return _plain(400, str(error))
    if not period.ended(clock.now().date()):
        return _plain(404, "The report of a period is published once the period has ended.")
    return period


def _plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _self_contained(html: str) -> HttpResponse:
    """The page with a policy allowing only its own inline style (by hash): nothing
    else, not even a script, an image or a form."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in _STYLE.findall(html)
    )
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {hashes}; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    response["Cache-Control"] = CACHE
    return response


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The periods whose reports are published, newest first."""
    vault = get_vault()
    if not published(vault.plan):
        return _plain(404, "This organization does not publish a transparency report.")
    periods = latest_periods(clock.now().date())
    context = {"organization": vault.plan.organization, "periods": periods}
    response = render(request, "steward/public/transparency.html", context)
    response["Cache-Control"] = CACHE
    return response


@require_GET
def report_page(request: HttpRequest, period: str) -> HttpResponse:
    """One period's report as a self-contained page."""
    found = _public_period(period)
    if isinstance(found, HttpResponse):
        return found
    return _self_contained(report_html(build_report(get_vault(), found, public=True)))


@require_GET
def report_data(request: HttpRequest, period: str) -> HttpResponse:
    """One period's report as JSON."""
    found = _public_period(period)
    if isinstance(found, HttpResponse):
        return found
    response = JsonResponse(build_report(get_vault(), found, public=True).as_json())
    response["Cache-Control"] = CACHE
    return response
