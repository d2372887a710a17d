"""Who is calling the API: a service token, or a signed-in staff member's session.

* ``Authorization: Bearer stw_...``: a service token (:mod:`steward.vault.services.tokens`).
* The staff session cookie, for staff trying the API from ``/api/docs``: the account's
  plan role and team, second factor as django-otp verified it for this session, and
  Django's CSRF check on every unsafe method (the docs page sends the token). A session
  whose person has not acknowledged the plan text in force (when the plan asks for it)
  is refused (403) until they do, on the staff pages. Service tokens are not people and
  are never asked (see :mod:`steward.vault.rules.acknowledgement`).

The resolved :class:`~steward.vault.services.actors.Actor` is what ninja stores in
``request.auth``; :func:`actor_of` reads it back with its type.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from steward.vault.rules.acknowledgement import acknowledgement_refusal
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied
from steward.vault.services.accounts import AccountError, account_of, actor_from_request
from steward.vault.services.acknowledgements import standing_of
from steward.vault.services.actors import Actor
from steward.vault.services.tokens import authenticate


class ServiceTokenAuth(HttpBearer):
    """Bearer service tokens (see :mod:`steward.vault.services.tokens`).

    Unlike ninja's own class it never logs the ``Authorization`` header, even in
    debug mode, because the header carries the secret.
    """

    def __call__(self, request: HttpRequest) -> Actor | None:
        header = request.headers.get(self.header, "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        """The token's actor, or None (unknown, revoked or expired: answered 401)."""
        return authenticate(get_vault().plan, token)


class StaffSessionAuth(APIKeyCookie):
    """A signed-in staff member's Django session, with CSRF checked on unsafe methods.

    A request without a session cookie, or whose session is not signed in, is passed
    on (answered 401 if nothing else authenticates it) without a CSRF check, so a
    client sending a bad bearer token is told 401, not 403.
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if not key or not request.user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header")
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        """The staff member's actor, or None for a session that is not a staff account.

        Raises:
            AccessDenied: the account must change its one-time password, or acknowledge
                the plan text in force (when the plan asks for it), first.
        """
        if key is None:
            return None
        member = account_of(request.user)
        if member is None:
            return None
        if member.must_change_password:
            raise AccessDenied("change your one-time password (sign in at /staff/) first")
        vault = get_vault()
        refusal = acknowledgement_refusal(standing_of(vault, member.user_id))
        if refusal:
            raise AccessDenied(refusal)
        try:
            return actor_from_request(request, vault)
        except AccountError:
            return None


def actor_of(request: HttpRequest) -> Actor:
    """The authenticated actor of ``request`` (set by the API's auth classes)."""
    actor: Any = getattr(request, "auth", None)
    if not isinstance(actor, Actor):  # pragma: no cover - ninja refuses first
        raise TypeError("the request was not authenticated")
    return actor


API_AUTH = [ServiceTokenAuth(), StaffSessionAuth()]
"""The API's authentication methods, tried in order."""
