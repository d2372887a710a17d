"""Answer a busy database with 503 and ``Retry-After``, not a 500, on every page.

A locked SQLite database (or a PostgreSQL lock conflict) is not a fault: nothing was
done, and the same request will probably succeed in a moment. The HTTP API answers
it itself (:mod:`steward.vault.api.errors`); this middleware does so for the pages,
and for errors raised outside a view (saving the session, for example), which Django
would otherwise turn into a 500. It must come before every other middleware in
``MIDDLEWARE`` but the web log, which only records the answer it settles on.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Final

from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from steward.vault import get_vault
from steward.vault.rules import RETRY_AFTER_SECONDS, is_busy

_FLAG: Final = "_steward_database_busy"
API_PREFIX: Final = "/api/"
API_DETAIL: Final = (
    "the database is busy, so nothing was done or returned; try again in a few seconds"
)


class DatabaseBusyMiddleware:
    """Turn a busy-database failure anywhere in a request into a 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _FLAG, False):
            return busy_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view's busy error: answered here, before Django logs it as a fault."""
        return busy_response(request) if is_busy(exception) else None


def busy_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: JSON for the API, a plain page otherwise; never cached."""
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": API_DETAIL}, status=503)
    else:
        organization = get_vault().plan.organization
        page = render_to_string(
            "steward/busy.html",
            {"organization": organization, "privacy_officer": organization.privacy_officer},
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _note_busy(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Remember that an uncaught error of this request was a busy database."""
    error = sys.exc_info()[1]
    if request is not None and error is not None and is_busy(error):
        setattr(request, _FLAG, True)


got_request_exception.connect(_note_busy, dispatch_uid="steward-database-busy")
