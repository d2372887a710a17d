"""Service tokens: API credentials held by other systems, each scoped to one plan role.

A token is ``stw_`` followed by 43 characters of :func:`secrets.token_urlsafe` (256
random bits). It is shown once, when it is created; the vault keeps only its SHA-256,
so a copy of the database does not yield usable tokens. Authentication looks the
token up by that hash (the stored hashes are never compared character by character
against attacker input, and the final comparison uses :func:`hmac.compare_digest`).

Tokens count as having passed a second factor (``mfa_verified=True``). A second
factor protects a *person's* password, which can be guessed, phished or reused; a
service token is a 256-bit random secret that is never typed by a person, lives only
in the service that holds it, always expires (at most 365 days) and can be revoked
at once. That is why tokens are refused for roles with ``staff: false``: those roles
are the people the data is about, who sign in as themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from django.db import IntegrityError, transaction
from django.utils import timezone

from steward.errors import StewardError
from steward.policy.model import Plan, Role, Scope
from steward.vault.audit_actions import AuditAction
from steward.vault.models import ServiceToken
from steward.vault.rules.scope import missing_team, unknown_team
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit

PREFIX: Final = "stw_"
TOKEN_LENGTH: Final = len(PREFIX) + 43
DEFAULT_DAYS: Final = 90
MAX_DAYS: Final = 365
_NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class TokenError(StewardError):
    """A token cannot be created or revoked as asked; the message says why."""


@dataclass(frozen=True)
class IssuedToken:
    """A token just created. ``token`` is the only copy of the secret: show it once.

    ``warnings`` name settings under which the token will reach no records.
    """

    name: str
    role: str
    team: str
    expires: datetime
    token: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class TokenInfo:
    """What the vault knows about a token (never the token itself)."""

    name: str
    role: str
    team: str
    created: datetime
    expires: datetime | None
    revoked: datetime | None

    def state(self, now: datetime | None = None) -> str:
        """``active``, ``revoked`` or ``expired``."""
        moment = now or timezone.now()
        if self.revoked is not None:
            return "revoked"
        if self.expires is None or self.expires <= moment:
            return "expired"
        return "active"


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored for ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    vault: Vault,
    name: str,
    role: str,
    *,
    team: str = "",
    days: int = DEFAULT_DAYS,
    actor: str = "cli/tokens",
) -> IssuedToken:
    """Create a token for plan role ``role``, valid for ``days`` days; audited.

    Raises:
        TokenError: the name is malformed or taken, the role does not exist or is not
            a staff role, the team is not one the plan declares, or ``days`` is not
            between 1 and 365.
        AuditUnavailable: the creation could not be audited; no token exists.
    """
    if not _NAME.match(name):
        raise TokenError(
            "a token name is 1 to 100 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit"
        )
    spec = _staff_role(vault.plan, role)
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"a token lasts between 1 and {MAX_DAYS} days, not {days}")
    team = team.strip()
    wrong_team = unknown_team(vault.plan.team_ids(), team)
    if wrong_team:
        raise TokenError(wrong_team)
    token = PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=days)
    try:
        with transaction.atomic():
            if ServiceToken.objects.filter(name=name).exists():
                raise TokenError(
                    f"there is already a token named '{name}'; revoke it or pick another name"
                )
            ServiceToken.objects.create(
                name=name, role=role, team=team, token_hash=hash_token(token), expires=expires
            )
            audit(
                vault,
                actor=actor,
                action=AuditAction.TOKEN_CREATE,
                obj=f"token/{name}",
                purpose=role,
            )
    except IntegrityError:
        raise TokenError(f"there is already a token named '{name}'") from None
    return IssuedToken(name, role, team, expires, token, _warnings(spec, team))


def revoke_token(vault: Vault, name: str, *, actor: str = "cli/tokens") -> bool:
    """Revoke token ``name`` at once; audited. Returns False if it was already revoked.

    Raises:
        TokenError: there is no token of that name.
        AuditUnavailable: the revocation could not be audited; the token still works.
    """
    with transaction.atomic():
        row = ServiceToken.objects.select_for_update().filter(name=name).first()
        if row is None:
            raise TokenError(f"there is no token named '{name}'")
        if row.revoked is not None:
            return False
        row.revoked = timezone.now()
        row.save(update_fields=["revoked"])
        audit(vault, actor=actor, action=AuditAction.TOKEN_REVOKE, obj=f"token/{name}")
    return True


def list_tokens() -> list[TokenInfo]:
    """Every token, newest first, without its secret (which the vault does not have)."""
    return [
        TokenInfo(r.name, r.role, r.team, r.created, r.expires, r.revoked)
        for r in ServiceToken.objects.order_by("-created", "name")
    ]


def authenticate(plan: Plan, token: str, now: datetime | None = None) -> Actor | None:
    """The actor behind ``token``, or None if it is unknown, revoked or expired.

    Also None when the token's role was removed from the plan or is no longer a staff
    role. The actor is ``token/<name>`` with the token's role and team, counts as
    having passed a second factor (see the module docstring) and expires with the token.
    """
    if not token.startswith(PREFIX) or len(token) != TOKEN_LENGTH:
        return None
    digest = hash_token(token)
    row = ServiceToken.objects.filter(token_hash=digest).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    moment = now or timezone.now()
    if row.revoked is not None or row.expires is None or row.expires <= moment:
        return None
    try:
        role = plan.role(row.role)
    except KeyError:
        return None
    if not role.staff:
        return None
    return Actor(
        ref=f"token/{row.name}",
        role=role,
        team=row.team,
        mfa_verified=True,
        access_until=row.expires,
    )


def _staff_role(plan: Plan, role_id: str) -> Role:
    try:
        role = plan.role(role_id)
    except KeyError:
        known = ", ".join(r.id for r in plan.roles if r.staff)
        raise TokenError(f"the plan has no role '{role_id}'; staff roles: {known}") from None
    if not role.staff:
        raise TokenError(
            f"'{role_id}' is not a staff role (staff: false): the people the data is about "
            "sign in as themselves and cannot be given service tokens"
        )
    return role


def _warnings(role: Role, team: str) -> tuple[str, ...]:
    if role.scope is Scope.ASSIGNED:
        return (
            f"the role '{role.id}' sees only records assigned to its user, and a token has "
            "no user: this token will reach no records",
        )
    no_team = missing_team(role.scope, role.id, team, "this token")
    return (no_team,) if no_team else ()
