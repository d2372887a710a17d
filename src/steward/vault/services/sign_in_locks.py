"""Sign-in lockout: django-axes records the failures; a pure rule decides the locks.

django-axes counts each failed sign-in in its table (one row per user name, address
and browser) and refuses authentication while its handler says the request is locked.
Axes has one failure limit for every lockout parameter; Steward needs two, so this
handler asks :func:`steward.vault.rules.sign_in.sign_in_lock` instead:

* the **user name** is locked after ``STEWARD_ACCOUNT_FAILURE_LIMIT`` failures (default
  5), whether or not such an account exists;
* the **address** is throttled after ``STEWARD_ADDRESS_FAILURE_LIMIT`` failures over any
  names (default 50), so a whole office behind one address is not locked out by one
  person's typing, yet one machine cannot try a password against every account.

The address is ``REMOTE_ADDR``, which waitress sets from the trusted proxy's
``X-Forwarded-For`` only (``steward serve --trusted-proxy``): a header sent by any
other client never reaches it. Time comes from :mod:`steward.clock`, so tests move the
clock instead of waiting.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from steward import clock
from steward.vault.rules.sign_in import (
    Failures,
    LockoutPolicy,
    SignInLock,
    sign_in_lock,
    window_start,
)

USERNAME_LENGTH = 150


def lockout_policy() -> LockoutPolicy:
    """The limits and cool-off the settings give (``STEWARD_LOCKOUT_*`` variables)."""
    return LockoutPolicy(
        account_failures=settings.STEWARD_ACCOUNT_FAILURE_LIMIT,
        address_failures=settings.STEWARD_ADDRESS_FAILURE_LIMIT,
        cool_off=settings.AXES_COOLOFF_TIME,
    )


def client_address(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR`` only, never a header the client sent.

    Behind a proxy named with ``--trusted-proxy``, waitress has already put the
    proxy's ``X-Forwarded-For`` there; from anyone else it dropped that header.
    """
    remote = str(request.META.get("REMOTE_ADDR", "")).strip()
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return None


def normalize_username(typed: object) -> str | None:
    """The user name as the lock counts it: trimmed, lower case (names ignore case)."""
    if not isinstance(typed, str) or not typed.strip():
        return None
    return typed.strip().lower()[:USERNAME_LENGTH]


def typed_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The user name a sign-in was tried under (``AXES_USERNAME_CALLABLE``)."""
    if credentials:
        return normalize_username(credentials.get("username"))
    return normalize_username(request.POST.get("username"))


def _failures(start: datetime, **where: str) -> list[Failures]:
    rows = AccessAttempt.objects.filter(attempt_time__gt=start, **where).values_list(
        "failures_since_start", "attempt_time"
    )
    return [Failures(count=int(count), latest=latest) for count, latest in rows]


def lock_for(username: str | None, address: str | None, now: datetime | None = None) -> SignInLock:
    """The locks that hold at ``now`` for sign-ins under ``username`` from ``address``."""
    moment = now or clock.now()
    policy = lockout_policy()
    start = window_start(policy, moment)
    account = _failures(start, username=username) if username else []
    from_address = _failures(start, ip_address=address) if address else []
    return sign_in_lock(policy, account, from_address, moment)


def request_lock(request: HttpRequest, credentials: dict[str, Any] | None = None) -> SignInLock:
    """The locks that hold now for this sign-in request (its user name and address)."""
    return lock_for(typed_username(request, credentials), client_address(request))


@dataclass(frozen=True)
class LiftedLock:
    """What lifting a user name's lock did: the lock it ended, and the failures forgotten."""

    was_locked_until: datetime | None
    failures_forgotten: int


def lift_account_lock(username: str) -> LiftedLock:
    """Forget every failed sign-in under ``username``, which ends its lock at once.

    Those failures no longer count toward the addresses they came from either. An
    address throttle from failures under other names stays.
    """
    name = normalize_username(username) or ""
    before = lock_for(name, None)
    forgotten = AccessAttempt.objects.filter(username=name).aggregate(n=Sum("failures_since_start"))
    AccessAttempt.objects.filter(username=name).delete()
    return LiftedLock(before.account_until, int(forgotten["n"] or 0))


def _stamp(request: HttpRequest | None) -> None:
    """Give axes the vault's clock for this request (it reads the machine's otherwise)."""
    if request is not None:
        request.axes_attempt_time = clock.now()  # type: ignore[attr-defined]


class SignInLockHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler, with separate limits for the user name and the address.

    axes still records each failure, refuses authentication while locked, and clears
    a user name's failures at a successful sign-in; only the decision is Steward's.
    """

    def is_allowed(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        """Whether authentication may be tried (not locked, by the vault's clock)."""
        _stamp(request)
        return bool(super().is_allowed(request, credentials))

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        """Whether the user name is locked or the address throttled."""
        return request_lock(request, credentials).locked

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Recent failures under the user name: what axes compares with the account limit."""
        name = typed_username(request, credentials)
        if name is None:
            return 0
        start = window_start(lockout_policy(), request.axes_attempt_time)  # type: ignore[attr-defined]
        return sum(f.count for f in _failures(start, username=name))

    def user_login_failed(
        self,
        sender: object,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        """Record a failure (not one refused while locked) at the vault clock's time."""
        _stamp(request)
        refused_while_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused_while_locked:
            return
        # axes stamps a new row with the machine's time; the vault's clock decides.
        AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
            user_agent=request.axes_user_agent,  # type: ignore[attr-defined]
        ).update(attempt_time=request.axes_attempt_time)  # type: ignore[attr-defined]

    def user_logged_in(
        self, sender: object, request: HttpRequest, user: object, **kwargs: Any
    ) -> None:
        """A successful sign-in: forget that user name's failures (and old rows)."""
        _stamp(request)
        super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(
        self, sender: object, request: HttpRequest, user: object, **kwargs: Any
    ) -> None:
        """Sign-out: only axes' clean-up of old rows, by the vault's clock."""
        _stamp(request)
        super().user_logged_out(sender, request, user, **kwargs)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful sign-in, forget the failures under that user name only.

        (axes would also forget every failure from the address, which would let one
        valid account wipe the count of a password-spraying machine.)
        """
        name = typed_username(request, credentials)
        if name is None:
            return 0
        count, _ = AccessAttempt.objects.filter(username=name).delete()
        return int(count)
