"""How the API answers errors: a status and a plain message, never a traceback.

| error | status | body |
|---|---|---|
| no or bad credentials | 401 | ``{"detail": ...}`` and ``WWW-Authenticate: Bearer`` |
| a wrong access code (:class:`CodeRefused`) | 401 | ``WWW-Authenticate: AccessCode`` |
| too many wrong codes (:class:`CodeThrottled`) | 429 | ``Retry-After`` (seconds) |
| too many reports from one address (:class:`ReportThrottled`) | 429 | ``Retry-After`` |
| :class:`AccessDenied`, :class:`MinorRefused` | 403 | ``{"detail": reason}`` |
| :class:`NotFound` | 404 | ``{"detail": ...}`` |
| :class:`CaseConflict` (closing a closed case, reopening an open one) | 409 | ``{"detail": ...}`` |
| :class:`SubmissionRejected` | 400 | ``{"detail": ..., "problems": {field: message}}`` |
| :class:`ValueUnreadable` (a reveal of an erased value) | 410 | ``{"detail": why}`` |
| a malformed request or body | 422 | ``{"detail": ..., "problems": {where: message}}`` |
| a body over the size limit | 413 | ``{"detail": ...}`` |
| :class:`AuditUnavailable`, a busy database or key store | 503 | ``{"detail": ...}`` |
| anything else | 500 | ``{"detail": ...}``; only the error's type is logged |

Messages of these errors never carry personal data (the services promise it), and
validation problems never echo the value that was sent.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from steward.vault.api.parser import MalformedBody
from steward.vault.rules.busy import RETRY_AFTER_SECONDS, is_busy
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.case_status import CaseConflict
from steward.vault.services.code_sign_in import CodeRefused, CodeThrottled
from steward.vault.services.collect import MinorRefused, SubmissionRejected
from steward.vault.services.record_views import ValueUnreadable
from steward.vault.services.report_throttle import ReportThrottled

logger = logging.getLogger("steward.api")

WHOLE_SUBMISSION = "_submission"
"""The ``problems`` key of a problem with the submission as a whole."""

AUDIT_DOWN = (
    "the audit log cannot be written, so nothing was done or returned; try again later "
    "and tell the administrator if it persists"
)
BUSY = "the database is busy, so nothing was done or returned; try again in a few seconds"
NOT_VALID = "the request is not valid"


def install(api: NinjaAPI) -> None:
    """Register the API's error answers on ``api``."""

    def answer(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        response = api.create_response(request, body, status=status)
        response["Cache-Control"] = "no-store"
        return response

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = answer(
            request,
            {
                "detail": "send a valid service token (Authorization: Bearer stw_...) "
                "or sign in as staff at /staff/"
            },
            401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="steward"'
        return response

    def wrong_code(request: HttpRequest, exc: Any) -> HttpResponse:
        response = answer(request, {"detail": str(exc)}, 401)
        response["WWW-Authenticate"] = 'AccessCode realm="steward"'
        return response

    def throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, CodeThrottled | ReportThrottled)
        response = answer(request, {"detail": str(exc), "retry_after": exc.retry_after}, 429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    def denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(request, {"detail": str(exc)}, 403)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(request, {"detail": str(exc)}, 404)

    def conflict(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(request, {"detail": str(exc)}, 409)

    def gone(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(request, {"detail": str(exc)}, 410)

    def bad_value(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(request, {"detail": str(exc)}, 400)

    def rejected(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, SubmissionRejected)
        problems = {(k or WHOLE_SUBMISSION): v for k, v in exc.problems.items()}
        return answer(request, {"detail": "the submission was refused", "problems": problems}, 400)

    def unavailable(request: HttpRequest, detail: str) -> HttpResponse:
        response = answer(request, {"detail": detail}, 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def audit_down(request: HttpRequest, exc: Any) -> HttpResponse:
        return unavailable(request, AUDIT_DOWN)

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, ValidationError)
        problems = {_where(e.get("loc", ())): str(e.get("msg", "invalid")) for e in exc.errors}
        return answer(request, {"detail": NOT_VALID, "problems": problems}, 422)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, HttpError)
        cause = exc.__cause__
        if isinstance(cause, MalformedBody):
            return answer(
                request, {"detail": NOT_VALID, "problems": {cause.where: cause.message}}, 422
            )
        if cause is not None:  # ninja could not parse the body for another reason
            problems = {"body": "the body cannot be read as JSON"}
            return answer(request, {"detail": NOT_VALID, "problems": problems}, 422)
        return answer(request, {"detail": exc.message}, exc.status_code)

    def too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"the request body is larger than the limit of {limit} bytes"
        return answer(request, {"detail": detail}, 413)

    def database(request: HttpRequest, exc: Any) -> HttpResponse:
        if is_busy(exc):
            return unavailable(request, BUSY)
        return unexpected(request, exc)

    def unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        if is_busy(exc):  # e.g. the subject key store, busy in another process
            return unavailable(request, BUSY)
        match = request.resolver_match
        logger.error(
            "API error %s in %s", type(exc).__name__, match.url_name if match else "unknown"
        )
        return answer(request, {"detail": "the server could not complete the request"}, 500)

    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(CodeRefused, wrong_code)
    api.add_exception_handler(CodeThrottled, throttled)
    api.add_exception_handler(ReportThrottled, throttled)
    api.add_exception_handler(AccessDenied, denied)
    api.add_exception_handler(MinorRefused, denied)
    api.add_exception_handler(NotFound, not_found)
    api.add_exception_handler(CaseConflict, conflict)
    api.add_exception_handler(InvalidValue, bad_value)
    api.add_exception_handler(ValueUnreadable, gone)
    api.add_exception_handler(SubmissionRejected, rejected)
    api.add_exception_handler(AuditUnavailable, audit_down)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(RequestDataTooBig, too_big)
    api.add_exception_handler(DatabaseError, database)
    api.add_exception_handler(Exception, unexpected)


def _where(loc: Any) -> str:
    """``body.payload.reason`` -> ``reason``; ``query.limit`` -> ``limit``."""
    parts = [str(p) for p in loc] if isinstance(loc, list | tuple) else [str(loc)]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in ("query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "request"
