"""When tries of an access code are refused, and when wrong tries make a burst to report.

Two counts of wrong tries, each over the last ``window`` and each by keyed hash only:

* the **code** tried: ``code_failures`` wrong tries lock that code (whoever tries it)
  until enough of them have aged out of the window;
* the **address** the tries come from: ``address_failures`` wrong tries, over any codes,
  throttle that address the same way (guessing many codes). The limit is higher, since
  an office or a library behind one address shares it.

A try refused because of the throttle counts as a wrong try too, so hammering a locked
code keeps it locked, and the burst is still seen. A lock lasts until the newest
``limit`` wrong tries are no longer all in the window: the moment the refusal promises
(``retry_after``), if no one tries again meanwhile.

A **burst** is ``burst_failures`` wrong tries in the window for one code or from one
address; it is reported once per window and key, for the privacy officer.
Plain Python: no Django, no database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

DEFAULT_CODE_FAILURES: Final = 5
DEFAULT_ADDRESS_FAILURES: Final = 20
DEFAULT_BURST_FAILURES: Final = 10
DEFAULT_WINDOW: Final = timedelta(minutes=15)


class BurstKind(StrEnum):
    """What a burst of wrong tries was counted on."""

    CODE = "code"
    ADDRESS = "address"


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many wrong tries lock a code or throttle an address, make a burst, and for
    how long they count."""

    code_failures: int = DEFAULT_CODE_FAILURES
    address_failures: int = DEFAULT_ADDRESS_FAILURES
    burst_failures: int = DEFAULT_BURST_FAILURES
    window: timedelta = DEFAULT_WINDOW

    def __post_init__(self) -> None:
        """Refuse limits below one and a window that is not positive.

        Raises:
            ValueError: a limit is below 1, or the window is zero or negative.
        """
        if min(self.code_failures, self.address_failures, self.burst_failures) < 1:
            raise ValueError("a failure limit must be at least 1")
        if self.window <= timedelta(0):
            raise ValueError("the window must be longer than zero")

    def limit(self, kind: BurstKind) -> int:
        """The number of wrong tries that locks a code or throttles an address."""
        return self.code_failures if kind is BurstKind.CODE else self.address_failures


@dataclass(frozen=True)
class Failures:
    """The wrong tries of one key (a code or an address) in the window.

    Attributes:
        count: how many there are.
        oldest: the oldest of the newest ``limit`` of them (the one whose ageing out of
            the window ends a lock); ``None`` when there are fewer than ``limit``.
        reported: whether a burst of this key was already reported in the window.
    """

    count: int = 0
    oldest: datetime | None = None
    reported: bool = False


@dataclass(frozen=True)
class TryVerdict:
    """Whether a try may be checked at all; if not, in how many seconds to try again."""

    allowed: bool
    retry_after: int = 0
    refused_by: BurstKind | None = None

    def __bool__(self) -> bool:
        return self.allowed


def decide_try(
    policy: ThrottlePolicy, code: Failures, address: Failures, now: datetime
) -> TryVerdict:
    """Decide, before a code is looked up, whether this try may be checked.

    Refused while the code's or the address's wrong tries in the window reach their
    limit; ``retry_after`` is the whole seconds (at least 1) until the later of the
    two locks ends. An unknown ``oldest`` at or over the limit counts as "just now"
    (the whole window), so a lock is never shortened by missing facts.
    """
    waits: list[tuple[float, BurstKind]] = []
    for kind, failures in ((BurstKind.CODE, code), (BurstKind.ADDRESS, address)):
        if failures.count < policy.limit(kind):
            continue
        start = failures.oldest if failures.oldest is not None else now
        ends = min(start, now) + policy.window
        waits.append(((ends - now).total_seconds(), kind))
    if not waits:
        return TryVerdict(True)
    seconds, kind = max(waits)
    return TryVerdict(False, max(1, math.ceil(seconds)), kind)


def bursts_after_failure(
    policy: ThrottlePolicy, code: Failures, address: Failures
) -> tuple[BurstKind, ...]:
    """The bursts one more wrong try makes (``code`` and ``address`` as before it):
    a key whose wrong tries, this one included, reach ``burst_failures`` in the window
    and whose burst was not yet reported in it. Code first, then address."""
    return tuple(
        kind
        for kind, failures in ((BurstKind.CODE, code), (BurstKind.ADDRESS, address))
        if failures.count + 1 >= policy.burst_failures and not failures.reported
    )
