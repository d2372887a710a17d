"""A person's short sign-in with their access code, apart from staff sessions.

The person's browser holds a random token in its own cookie (:data:`COOKIE_NAME`);
the vault stores only its keyed hash, the person (``Subject``) it opens and when it
expires (:data:`LIFETIME` after sign-in, whatever happens meanwhile). A person acts
under the plan's self-service role with scope ``own``
(:func:`steward.policy.self_service.self_service_role`), so the access service only
ever reaches their own records.

Checking a code against the store, throttling wrong codes and auditing sign-ins is
:mod:`steward.vault.services.code_sign_in`; this module only holds sessions.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Final
from uuid import UUID

from steward.policy import self_service_role
from steward.vault.models import PersonSession, Subject
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor

COOKIE_NAME: Final = "steward_person"
LIFETIME: Final = timedelta(minutes=15)
"""How long a person's sign-in lasts: short, since a shared computer may be left open."""


def person_actor(vault: Vault, subject_id: UUID) -> Actor:
    """The actor a person is when they use their own rights: the self-service role,
    scope ``own``, reaching only the records of ``subject_id``."""
    return Actor(
        ref=f"person/{subject_id}",
        role=self_service_role(vault.plan),
        subject_id=subject_id,
        mfa_verified=False,
    )


def _token_hash(vault: Vault, token: str) -> str:
    message = b"person-session:" + token.encode("utf-8", "surrogatepass")
    return hmac.new(vault.access_code_key, message, sha256).hexdigest()


def start_session(vault: Vault, subject_id: UUID, now: datetime) -> tuple[str, datetime]:
    """Open a session for the person ``subject_id``; returns its token (for the cookie,
    never stored) and when it expires. Expired sessions of anyone are removed."""
    PersonSession.objects.filter(expires__lte=now).delete()
    token = secrets.token_urlsafe(32)
    expires = now + LIFETIME
    PersonSession.objects.create(
        token_hash=_token_hash(vault, token), subject_id=subject_id, created=now, expires=expires
    )
    return token, expires


def session_subject(vault: Vault, token: str | None, now: datetime) -> UUID | None:
    """The person a session token opens, or ``None`` for no, an unknown or an expired
    token, or a person who has been erased since."""
    if not token or len(token) > 200:
        return None
    found = (
        PersonSession.objects.filter(token_hash=_token_hash(vault, token), expires__gt=now)
        .values_list("subject_id", flat=True)
        .first()
    )
    if found is None:
        return None
    if Subject.objects.filter(pk=found, erased__isnull=False).exists():
        return None
    return found


def end_session(vault: Vault, token: str | None) -> None:
    """Close a session (signing out); an unknown token is ignored."""
    if token and len(token) <= 200:
        PersonSession.objects.filter(token_hash=_token_hash(vault, token)).delete()


def end_sessions_of(subject_id: UUID | str) -> int:
    """Close every session of a person (a new code was issued, or they were erased)."""
    return PersonSession.objects.filter(subject_id=subject_id).delete()[0]
