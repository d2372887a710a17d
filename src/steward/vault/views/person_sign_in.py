"""Signing in to a person's own space with their access code, and signing out.

``/me/`` asks for the access code and nothing else. A right code opens a short session
(:data:`~steward.vault.services.person_sessions.LIFETIME`) held in its own cookie,
HttpOnly, SameSite=Strict, limited to ``/me/`` and Secure over HTTPS, then goes to the
person's data. A wrong code shows the form again (401) without saying whether such a
code exists; too many wrong codes are answered 429 with when to try again. Works
without JavaScript.
"""

from __future__ import annotations

from contextlib import suppress

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from steward import clock
from steward.vault.audit_actions import AuditAction
from steward.vault.runtime import get_vault
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.code_sign_in import CodeRefused, CodeThrottled, sign_in
from steward.vault.services.person_sessions import (
    COOKIE_NAME,
    LIFETIME,
    end_session,
    session_subject,
)
from steward.vault.views.person_common import (
    COOKIE_PATH,
    HOME_URL,
    client_address,
    person_page,
    private,
)

FORM = "steward/person/sign_in.html"
NOT_NOW = (
    "we could not sign you in just now, because our records of sign-ins cannot be "
    "written; nothing was opened. Please try again in a few minutes"
)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def sign_in_view(request: HttpRequest) -> HttpResponse:
    """GET: the form asking for the access code. POST: sign in and go to the person's
    data, or the form again with why (401 wrong code, 429 too many, 503 not now)."""
    if request.method == "GET":
        return person_page(request, FORM, {"minutes": _minutes()})
    vault = get_vault()
    code = request.POST.get("code", "")
    try:
        token, _, _ = sign_in(vault, code, client_address(request))
    except CodeThrottled as error:
        response = person_page(
            request, FORM, {"error": str(error), "minutes": _minutes()}, status=429
        )
        response["Retry-After"] = str(error.retry_after)
        return response
    except CodeRefused as error:
        return person_page(request, FORM, {"error": str(error), "minutes": _minutes()}, status=401)
    except AuditUnavailable:
        return person_page(request, FORM, {"error": NOT_NOW, "minutes": _minutes()}, status=503)
    response = private(HttpResponseRedirect(HOME_URL))
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=int(LIFETIME.total_seconds()),
        path=COOKIE_PATH,
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )
    return response


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    """End the person's session on this browser and clear its cookie (audited
    ``person.sign_out``). Signing out of no session just clears the cookie."""
    vault = get_vault()
    token = request.COOKIES.get(COOKIE_NAME)
    subject = session_subject(vault, token, clock.now())
    if subject is not None:
        with suppress(AuditUnavailable), transaction.atomic():
            audit(
                vault,
                actor=f"person/{subject}",
                action=AuditAction.PERSON_SIGN_OUT,
                obj=f"subject/{subject}",
            )
    end_session(vault, token)  # ended even when the audit log is down: safer so
    response = person_page(request, "steward/person/signed_out.html")
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Strict")
    return response


def _minutes() -> int:
    return int(LIFETIME.total_seconds() // 60)
