"""The API credential of a person: their access code, as ``Authorization: AccessCode <code>``.

Routes of a person's own data (``/api/me/...``) use :data:`PERSON_AUTH` instead of the
staff and service-token methods: the code opens the person it was given to, and the
actor is the plan's self-service role with scope ``own``
(:func:`~steward.vault.services.person_sessions.person_actor`).

The code is checked by :func:`~steward.vault.services.code_sign_in.check_code`, with
the same throttle and failure auditing as the sign-in page: a wrong code is answered
401 the same way whether or not any code exists (``WWW-Authenticate: AccessCode``);
too many wrong codes for one code or from one address, 429 with ``Retry-After``.
"""

from __future__ import annotations

from typing import Any, Final

from django.http import HttpRequest
from ninja.security.http import HttpAuthBase

from steward.vault.runtime import get_vault
from steward.vault.services.actors import Actor
from steward.vault.services.code_sign_in import check_code
from steward.vault.services.person_sessions import person_actor

SCHEME: Final = "AccessCode"


class AccessCodeAuth(HttpAuthBase):
    """``Authorization: AccessCode XXXX-XXXX-XXXX-XXXX-XXXX``: the person's own code.

    Never logs the header. Returns the person's actor, or ``None`` (401) when the
    header is not an access code at all.

    Raises:
        CodeRefused: a wrong or malformed code (401).
        CodeThrottled: too many wrong codes lately (429).
    """

    openapi_scheme: str = "accesscode"

    def __call__(self, request: HttpRequest) -> Actor | None:
        header = str(request.headers.get("Authorization", ""))
        scheme, _, code = header.partition(" ")
        if scheme.lower() != SCHEME.lower():
            return None
        return self.authenticate(request, code.strip())

    def authenticate(self, request: HttpRequest, code: str) -> Actor | None:
        """The person ``code`` opens.

        Raises:
            CodeRefused: a wrong or malformed code, or an erased person's.
            CodeThrottled: too many wrong codes lately, for this code or this address.
        """
        vault = get_vault()
        address = str(request.META.get("REMOTE_ADDR", ""))  # keyed hash only
        return person_actor(vault, check_code(vault, code, address))


def person_of(request: HttpRequest) -> Actor:
    """The person authenticated by :data:`PERSON_AUTH` on ``request``."""
    actor: Any = getattr(request, "auth", None)
    if not isinstance(actor, Actor) or actor.subject_id is None:  # pragma: no cover
        raise TypeError("the request was not authenticated by an access code")
    return actor


PERSON_AUTH = [AccessCodeAuth()]
"""The only authentication of a person's own routes."""
