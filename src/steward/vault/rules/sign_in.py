"""When sign-in is locked: for a user name after a few failures, for an address after many.

Two separate counts, each over the last ``cool_off``:

* the **account** (the user name typed, whether or not such an account exists, so the
  answer never tells whether it does): ``account_failures`` wrong passwords lock it;
* the **network address** the sign-in came from: ``address_failures`` failures, over
  any user names, pause sign-in from that address (password spraying). The limit is
  higher, because an office behind one address shares it.

Failures are stored in groups (django-axes keeps one row per user name, address and
browser, with the number of failures and the time of the latest). A lock lasts until
enough of the newest failures have aged out of the window: that is the moment the
page promises. Plain Python: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

DEFAULT_ACCOUNT_FAILURES: Final = 5
DEFAULT_ADDRESS_FAILURES: Final = 50
DEFAULT_COOL_OFF: Final = timedelta(minutes=30)


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failures lock an account or an address, and for how long they count."""

    account_failures: int = DEFAULT_ACCOUNT_FAILURES
    address_failures: int = DEFAULT_ADDRESS_FAILURES
    cool_off: timedelta = DEFAULT_COOL_OFF

    def __post_init__(self) -> None:
        """Refuse limits below one and a cool-off that is not positive.

        Raises:
            ValueError: a limit is below 1, or the cool-off is zero or negative.
        """
        if self.account_failures < 1 or self.address_failures < 1:
            raise ValueError("a failure limit must be at least 1")
        if self.cool_off <= timedelta(0):
            raise ValueError("the cool-off must be longer than zero")


@dataclass(frozen=True)
class Failures:
    """A group of failed sign-ins: how many, and when the latest of them happened."""

    count: int
    latest: datetime


@dataclass(frozen=True)
class SignInLock:
    """Until when sign-in is locked for the account and for the address (``None``: not)."""

    account_until: datetime | None = None
    address_until: datetime | None = None

    @property
    def locked(self) -> bool:
        """Whether either lock holds."""
        return self.account_until is not None or self.address_until is not None

    @property
    def until(self) -> datetime | None:
        """When sign-in is possible again: the later of the two locks."""
        ends = [t for t in (self.account_until, self.address_until) if t is not None]
        return max(ends) if ends else None


def window_start(policy: LockoutPolicy, now: datetime) -> datetime:
    """The earliest failure time that still counts at ``now``."""
    return now - policy.cool_off


def lock_end(
    failures: Iterable[Failures], limit: int, cool_off: timedelta, now: datetime
) -> datetime | None:
    """When a lock from ``failures`` ends, or ``None`` when there is no lock at ``now``.

    Failures count while younger than ``cool_off``. Walking from the newest group back,
    the group at which the count reaches ``limit`` is the last one that must age out:
    the lock ends ``cool_off`` after its time. Groups in the future (a clock set back)
    count as now.
    """
    counted = 0
    for group in sorted(failures, key=lambda f: f.latest, reverse=True):
        if group.count <= 0:
            continue
        counted += group.count
        if counted >= limit:
            end = min(group.latest, now) + cool_off
            return end if end > now else None
    return None


def sign_in_lock(
    policy: LockoutPolicy,
    account: Iterable[Failures],
    address: Iterable[Failures],
    now: datetime,
) -> SignInLock:
    """Whether a sign-in under a user name, from an address, is locked at ``now``.

    ``account`` holds the recent failures for the user name (from any address),
    ``address`` those from the address (under any user name).
    """
    return SignInLock(
        account_until=lock_end(account, policy.account_failures, policy.cool_off, now),
        address_until=lock_end(address, policy.address_failures, policy.cool_off, now),
    )
