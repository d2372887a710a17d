"""The API credential of a person: their access code, as ``Authorization: AccessCode <code>``.

Routes of a person's own data (``/api/me/...``) use :data:`PERSON_AUTH` instead of the
staff and service-token methods: the code opens the person it was given to, and the
actor is the plan's self-service role with scope ``own``
(:func:`~steward.vault.services.person_sessions.person_actor`). A wrong code is
answered 401 the same way whether or not any code exists.
"""

from __future__ import annotations

from typing import Any, Final

from django.http import HttpRequest
from ninja.security.http import HttpAuthBase

from steward.vault.models import AccessCode, Subject
from steward.vault.runtime import get_vault
from steward.vault.services.actors import Actor
from steward.vault.services.collect import access_code_lookup
from steward.vault.services.person_sessions import person_actor

SCHEME: Final = "AccessCode"
MAX_CODE_LENGTH: Final = 64


class AccessCodeAuth(HttpAuthBase):
    """``Authorization: AccessCode XXXX-XXXX-XXXX-XXXX-XXXX``: the person's own code.

    Never logs the header. Returns the person's actor, or ``None`` (401).
    """

    openapi_scheme: str = "accesscode"

    def __call__(self, request: HttpRequest) -> Actor | None:
        header = str(request.headers.get("Authorization", ""))
        scheme, _, code = header.partition(" ")
        if scheme.lower() != SCHEME.lower():
            return None
        return self.authenticate(request, code.strip())

    def authenticate(self, request: HttpRequest, code: str) -> Actor | None:
        """The person ``code`` opens, or ``None`` for a wrong or malformed code."""
        if not code or len(code) > MAX_CODE_LENGTH or not code.isascii():
            return None
        vault = get_vault()
        subject = (
            AccessCode.objects.filter(lookup=access_code_lookup(vault, code))
            .values_list("subject_id", flat=True)
            .first()
        )
        if subject is None or Subject.objects.filter(pk=subject, erased__isnull=False).exists():
            return None
        return person_actor(vault, subject)


def person_of(request: HttpRequest) -> Actor:
    """The person authenticated by :data:`PERSON_AUTH` on ``request``."""
    actor: Any = getattr(request, "auth", None)
    if not isinstance(actor, Actor) or actor.subject_id is None:  # pragma: no cover
        raise TypeError("the request was not authenticated by an access code")
    return actor


PERSON_AUTH = [AccessCodeAuth()]
"""The only authentication of a person's own routes."""
