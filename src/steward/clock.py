"""The one clock every time-dependent decision reads: retention, expiry, deadlines, schedules.

Production code calls :func:`now` (or asks a :class:`Clock` it was given). Tests move
time with :class:`ManualClock` and :func:`use_clock` instead of sleeping:

    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    with use_clock(clock):
        ...
        clock.advance(hours=25)   # a day later, at once

Plain Python: no web framework, no database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "ManualClock", "SystemClock", "current_clock", "now", "use_clock"]


@runtime_checkable
class Clock(Protocol):
    """Something that tells the time."""

    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        """The current moment from the operating system, in UTC."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that stands still until told to move; for tests and drills.

    Thread-safe, so a server thread and the test that drives it can share one.
    """

    def __init__(self, start: datetime | None = None) -> None:
        """Start at ``start`` (timezone-aware), or at the system's current time.

        Raises:
            ValueError: ``start`` has no time zone.
        """
        moment = start if start is not None else datetime.now(UTC)
        if moment.tzinfo is None:
            raise ValueError("a clock's time must be timezone-aware")
        self._now = moment
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The clock's current moment."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move the clock forward by ``delta`` or by ``timedelta(**parts)``; return the new time.

        Raises:
            ValueError: the step is negative (time never runs backwards here).
        """
        step = delta if delta is not None else timedelta(**parts)
        if step < timedelta(0):
            raise ValueError("a clock only moves forward")
        with self._lock:
            self._now += step
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment``, which must not be earlier than the current time.

        Raises:
            ValueError: ``moment`` is naive or earlier than now.
        """
        if moment.tzinfo is None:
            raise ValueError("a clock's time must be timezone-aware")
        with self._lock:
            if moment < self._now:
                raise ValueError("a clock only moves forward")
            self._now = moment

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"


_lock = threading.Lock()
_clock: Clock = SystemClock()


def current_clock() -> Clock:
    """The process's clock (the system clock unless a test replaced it)."""
    return _clock


def now() -> datetime:
    """The current moment by the process's clock, timezone-aware (UTC)."""
    return _clock.now()


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Use ``clock`` for the whole process inside the ``with`` block, then restore the old one."""
    global _clock
    with _lock:
        previous, _clock = _clock, clock
    try:
        yield clock
    finally:
        with _lock:
            _clock = previous
