"""Staff accounts: one personal account per person, with a plan role, a team and an end date.

Every account belongs to one named person; role-named or generic account names
(``admin``, ``frontdesk``, ``caseworker``) are refused so a login is never shared.
Passwords are set only as random one-time passwords that the person must change at
their first sign-in. Disabling an account ends its sessions at once. Every change is
audited in the same transaction.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import Final

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from steward.errors import StewardError
from steward.policy.model import Plan, Role
from steward.vault.audit_actions import AuditAction
from steward.vault.models import StaffMember
from steward.vault.rules.scope import missing_team, unknown_team
from steward.vault.runtime import Vault, get_vault
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.sign_in_locks import LiftedLock, lift_account_lock

PASSWORD_ALPHABET: Final = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105
PASSWORD_LENGTH: Final = 20
USERNAME: Final = re.compile(r"[a-z][a-z0-9._-]{1,62}")
GENERIC_NAMES: Final = frozenset(
    {
        "admin",
        "administrator",
        "root",
        "staff",
        "shared",
        "team",
        "office",
        "frontdesk",
        "front-desk",
        "reception",
        "info",
        "support",
        "helpdesk",
        "help-desk",
        "guest",
        "user",
        "test",
        "temp",
        "intern",
        "volunteer",
        "everyone",
    }
)


class AccountError(StewardError):
    """An account request cannot be carried out; the message says why."""


class UnknownRole(AccountError):
    """The role is not in the plan, or is not a staff role."""


class DuplicateAccount(AccountError):
    """An account with this user name exists already."""


class UnknownAccount(AccountError):
    """No staff account has this user name."""


@dataclass(frozen=True)
class NewPassword:
    """A one-time password, shown once to the person it is for, and never stored in clear."""

    username: str
    password: str
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"NewPassword(username={self.username!r}, password=<hidden>)"


@dataclass(frozen=True)
class StaffSummary:
    """One account as ``steward staff list`` shows it: no secrets."""

    username: str
    role: str
    team: str
    active: bool
    access_until: datetime | None
    mfa_enrolled: bool
    must_change_password: bool
    last_login: datetime | None


def one_time_password() -> str:
    """A random password of 20 characters from an unambiguous alphabet (about 114 bits)."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def staff_role(plan: Plan, role_id: str) -> Role:
    """The plan's staff role ``role_id``.

    Raises:
        UnknownRole: the plan has no such role, or it is not a staff role.
    """
    try:
        role = plan.role(role_id)
    except KeyError:
        known = ", ".join(r.id for r in plan.roles if r.staff) or "none"
        raise UnknownRole(f"the plan has no role '{role_id}' (staff roles: {known})") from None
    if not role.staff:
        raise UnknownRole(f"'{role_id}' is not a staff role; it is for the people data is about")
    return role


def check_username(plan: Plan, username: str) -> None:
    """Refuse user names that are malformed or name a function rather than a person.

    Raises:
        AccountError: the name is not 2-63 lower-case letters, digits, ``.``, ``_`` or ``-``
            starting with a letter, or it is generic, a role or a team-like name.
    """
    if not USERNAME.fullmatch(username):
        raise AccountError(
            "a user name is 2 to 63 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter"
        )
    if username in GENERIC_NAMES or username in {r.id for r in plan.roles}:
        raise AccountError(
            f"'{username}' names a function, not a person; every account belongs to one "
            "person (use e.g. their first name and surname)"
        )


def access_end(role: Role, until: datetime | None) -> datetime | None:
    """When an account's access ends: ``until``, capped by a temporary role's expiry.

    Raises:
        AccountError: ``until`` is in the past or after the role's own expiry date.
    """
    if until is not None and until <= timezone.now():
        raise AccountError("the end of access must be in the future")
    if role.temporary and role.expires is not None:
        role_end = timezone.make_aware(datetime.combine(role.expires, time.max))
        if until is None:
            return role_end
        if until > role_end:
            raise AccountError(
                f"the role '{role.id}' ends on {role.expires}; access cannot last longer"
            )
    return until


def create_account(
    vault: Vault,
    username: str,
    role_id: str,
    *,
    team: str = "",
    access_until: datetime | None = None,
    name: str = "",
    by: str = "cli",
) -> NewPassword:
    """Create ``username``'s personal account and return its one-time password.

    The person must change the password at their first sign-in. The creation is audited.
    A team-scoped role given no team is created, with a warning: it reaches no records.

    Raises:
        UnknownRole: the role is not a staff role of the plan.
        AccountError: the user name is malformed or generic, the team is not one the plan
            declares, or the end date is wrong.
        DuplicateAccount: the user name is taken.
        AuditUnavailable: the creation could not be audited; nothing was created.
    """
    role = staff_role(vault.plan, role_id)
    check_username(vault.plan, username)
    wrong_team = unknown_team(vault.plan.team_ids(), team)
    if wrong_team:
        raise AccountError(wrong_team)
    until = access_end(role, access_until)
    password = one_time_password()
    first, _, last = name.strip().partition(" ")
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise DuplicateAccount(f"an account named '{username}' exists already")
        user = User.objects.create_user(
            username, password=password, first_name=first[:150], last_name=last[:150]
        )
        StaffMember.objects.create(
            user=user, role=role.id, team=team, access_until=until, must_change_password=True
        )
        audit(vault, actor=by, action=AuditAction.ACCOUNT_CREATE, obj=f"staff/{user.id}")
    no_team = missing_team(role.scope, role.id, team, "this account")
    return NewPassword(username, password, (no_team,) if no_team else ())


def _member(username: str) -> StaffMember:
    try:
        return StaffMember.objects.select_related("user").get(user__username=username)
    except StaffMember.DoesNotExist:
        raise UnknownAccount(f"there is no staff account named '{username}'") from None


def reset_password(vault: Vault, username: str, *, by: str = "cli") -> NewPassword:
    """Give ``username`` a new one-time password, end their sessions and lift their lock.

    The lock on the user name is lifted (see :func:`unlock_account`); a throttle on an
    address stays.

    Raises:
        UnknownAccount: no staff account has this name.
        AuditUnavailable: the reset could not be audited; nothing changed.
    """
    member = _member(username)
    password = one_time_password()
    with transaction.atomic():
        member.user.set_password(password)
        member.user.save(update_fields=["password"])
        member.must_change_password = True
        member.save(update_fields=["must_change_password"])
        end_sessions(member.user)
        lift_account_lock(member.user.username)
        audit(
            vault,
            actor=by,
            action=AuditAction.ACCOUNT_PASSWORD_RESET,
            obj=f"staff/{member.user.id}",
        )
    return NewPassword(username, password)


def unlock_account(vault: Vault, username: str, *, by: str = "cli") -> LiftedLock:
    """Lift the sign-in lock on ``username`` at once: forget its failed sign-ins.

    Audited (``account.unlock``, with ``locked`` or ``not locked`` as its purpose) in the
    same transaction. A throttle on an address, from failures under other names, stays
    until it runs out.

    Raises:
        UnknownAccount: no staff account has this name.
        AuditUnavailable: the change could not be audited; nothing changed.
    """
    member = _member(username)
    with transaction.atomic():
        lifted = lift_account_lock(member.user.username)
        audit(
            vault,
            actor=by,
            action=AuditAction.ACCOUNT_UNLOCK,
            obj=f"staff/{member.user.id}",
            purpose="locked" if lifted.was_locked_until else "not locked",
        )
    return lifted


def disable_account(vault: Vault, username: str, *, by: str = "cli") -> int:
    """Disable ``username`` and delete every session of theirs; returns how many ended.

    Raises:
        UnknownAccount: no staff account has this name.
        AuditUnavailable: the change could not be audited; nothing changed.
    """
    member = _member(username)
    with transaction.atomic():
        member.user.is_active = False
        member.user.save(update_fields=["is_active"])
        ended = end_sessions(member.user)
        audit(vault, actor=by, action=AuditAction.ACCOUNT_DISABLE, obj=f"staff/{member.user.id}")
    return ended


def list_accounts() -> list[StaffSummary]:
    """Every staff account, by user name, without any secret."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrolled = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True).distinct()
    )
    return [
        StaffSummary(
            username=m.user.username,
            role=m.role,
            team=m.team,
            active=m.user.is_active,
            access_until=m.access_until,
            mfa_enrolled=m.user.id in enrolled,
            must_change_password=m.must_change_password,
            last_login=m.user.last_login,
        )
        for m in StaffMember.objects.select_related("user").order_by("user__username")
    ]


def _sessions_of(user_id: int) -> Iterator[Session]:
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(500):
        if str(session.get_decoded().get("_auth_user_id", "")) == str(user_id):
            yield session


def end_sessions(user: AbstractBaseUser) -> int:
    """Delete every stored session signed in as ``user``; returns how many."""
    keys = [s.session_key for s in _sessions_of(int(user.pk))]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


def account_of(user: AbstractBaseUser | AnonymousUser) -> StaffMember | None:
    """The staff account of a signed-in user, or ``None``."""
    if not user.is_authenticated:
        return None
    return StaffMember.objects.filter(user_id=user.pk).first()


def actor_from_request(request: HttpRequest, vault: Vault | None = None) -> Actor:
    """The acting staff member of a signed-in request, with their plan role.

    ``mfa_verified`` is true only when this session passed a second factor
    (django-otp). The access service refuses reads when the account has expired or
    the role needs MFA and the session has none.

    Raises:
        UnknownAccount: the request is not signed in as a staff member.
        UnknownRole: the account's role is no longer a staff role of the plan.
    """
    member = account_of(request.user)
    if member is None:
        raise UnknownAccount("this request is not signed in as a staff member")
    role = staff_role((vault or get_vault()).plan, member.role)
    verified = getattr(request.user, "is_verified", None)
    return Actor(
        ref=f"staff/{member.user_id}",
        role=role,
        user_id=member.user_id,
        team=member.team,
        mfa_verified=bool(verified()) if callable(verified) else False,
        access_until=member.access_until,
    )


def access_ended(member: StaffMember) -> bool:
    """Whether the account's temporary access is over (it may not sign in or read)."""
    return member.access_until is not None and timezone.now() >= member.access_until
