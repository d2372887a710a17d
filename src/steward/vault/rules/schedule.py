"""When scheduled work is due, and whether it ran as often as the plan says: pure decisions.

The plan states how often in words (``operations.backups.frequency: daily``) or as a
duration (``restore_tested_every: 3m``); :func:`parse_frequency` turns the words into
an interval. :func:`assess` compares a job's run history with its interval and a grace
period and says what the privacy officer should see: fine, due, failing, overdue.
Nothing here reads a clock: the moment is always passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from steward.policy import Duration, parse_duration

DEFAULT_INTERVAL: Final = timedelta(days=1)
MAX_GRACE: Final = timedelta(hours=6)
MAX_RETRY_DELAY: Final = timedelta(hours=1)
STALE_RUN: Final = timedelta(hours=6)
"""A run still marked as running after this long is taken to have died."""

_WORDS: Final[dict[str, timedelta]] = {
    "hourly": timedelta(hours=1),
    "every hour": timedelta(hours=1),
    "daily": timedelta(days=1),
    "nightly": timedelta(days=1),
    "every day": timedelta(days=1),
    "every night": timedelta(days=1),
    "twice a day": timedelta(hours=12),
    "twice daily": timedelta(hours=12),
    "weekly": timedelta(weeks=1),
    "every week": timedelta(weeks=1),
    "fortnightly": timedelta(weeks=2),
    "monthly": timedelta(days=30),
    "every month": timedelta(days=30),
}
_EVERY: Final = re.compile(
    r"^every\s+(\d{1,4})\s*(hours?|h|days?|d|weeks?|w|months?|m)$", re.IGNORECASE
)
_UNIT_DAYS: Final[dict[str, float]] = {"h": 1 / 24, "d": 1.0, "w": 7.0, "m": 30.44}


class FrequencyError(ValueError):
    """The plan's frequency is not one Steward understands."""


def parse_frequency(text: str) -> timedelta:
    """The interval a frequency describes: ``daily``, ``weekly``, ``every 6 hours``, ``12h``.

    Raises:
        FrequencyError: the text is none of these forms (the message lists them).
    """
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    match = _EVERY.match(cleaned)
    if match is not None:
        amount, unit = int(match.group(1)), match.group(2)[0]
        interval = timedelta(days=amount * _UNIT_DAYS[unit])
    else:
        try:
            interval = duration_interval(parse_duration(cleaned))
        except ValueError:
            raise FrequencyError(
                f"'{text}' is not a frequency Steward understands; write hourly, daily, "
                "weekly, monthly, 'every 6 hours' or a duration such as 12h"
            ) from None
    if interval <= timedelta(0):
        raise FrequencyError(f"'{text}' is not a frequency: it must be longer than zero")
    return interval


def duration_interval(duration: Duration) -> timedelta:
    """A plan duration (``3m``, ``35d``) as a time span."""
    return timedelta(days=duration.days)


def default_grace(interval: timedelta) -> timedelta:
    """How late a run may be before it counts as missed: a quarter of the interval, at
    most six hours."""
    return min(interval / 4, MAX_GRACE)


def retry_delay(interval: timedelta) -> timedelta:
    """How long to wait after a failed run before trying again: the interval, at most an hour."""
    return min(interval, MAX_RETRY_DELAY)


class Health(StrEnum):
    """What a job's history says, from best to worst."""

    OK = "ok"
    RUNNING = "running"
    FAILING = "failing"
    NEVER_RUN = "never run"
    OVERDUE = "overdue"
    NOT_SCHEDULED = "not scheduled"


ATTENTION: Final = frozenset({Health.FAILING, Health.NEVER_RUN, Health.OVERDUE})
"""The states the privacy officer must act on."""


@dataclass(frozen=True)
class History:
    """A job's runs as far as a decision needs them.

    Attributes:
        last_success: when the newest successful run started, if any.
        last_attempt: when the newest run of any outcome started, if any.
        last_failed: whether the newest finished run failed.
        running_since: when a run that has not finished started, if one is under way.
    """

    last_success: datetime | None = None
    last_attempt: datetime | None = None
    last_failed: bool = False
    running_since: datetime | None = None


@dataclass(frozen=True)
class Assessment:
    """A job's state at one moment, with the reason in plain words (no personal data)."""

    health: Health
    due_at: datetime | None
    reason: str

    @property
    def needs_attention(self) -> bool:
        """Whether someone must act (a failure, a missed run, nothing ever done)."""
        return self.health in ATTENTION


def next_due(interval: timedelta, history: History, now: datetime) -> datetime:
    """When the job should next start: ``interval`` after the last success, but not
    sooner than :func:`retry_delay` after a failed attempt; ``now`` if it never succeeded
    and never failed."""
    due = now if history.last_success is None else history.last_success + interval
    if history.last_failed and history.last_attempt is not None:
        due = max(due, history.last_attempt + retry_delay(interval))
    return due


def is_due(interval: timedelta | None, history: History, now: datetime) -> bool:
    """Whether a runner should start the job at ``now``.

    Not while a run is under way (unless it has been running longer than
    :data:`STALE_RUN`, when it is taken to have died), and never for an unscheduled job.
    """
    if interval is None:
        return False
    if history.running_since is not None and now - history.running_since < STALE_RUN:
        return False
    return next_due(interval, history, now) <= now


def assess(
    interval: timedelta | None, grace: timedelta, history: History, now: datetime
) -> Assessment:
    """Say how a job stands at ``now`` given how often it should run.

    ``overdue`` means nothing succeeded within ``interval + grace``; ``failing`` means the
    newest attempt failed but the last success is still recent enough; ``never run``
    means there is no successful run yet.
    """
    if interval is None:
        return Assessment(Health.NOT_SCHEDULED, None, "not scheduled")
    due = next_due(interval, history, now)
    if history.last_success is None:
        if history.running_since is not None and now - history.running_since < STALE_RUN:
            return Assessment(Health.RUNNING, due, "the first run is under way")
        if history.last_failed:
            return Assessment(Health.NEVER_RUN, due, "it has never succeeded: the runs failed")
        return Assessment(Health.NEVER_RUN, due, "it has never run")
    age = now - history.last_success
    if age > interval + grace:
        return Assessment(
            Health.OVERDUE,
            due,
            f"nothing succeeded for {_span(age)}, more than the {_span(interval)} the plan "
            f"allows (with {_span(grace)} grace)",
        )
    if history.running_since is not None and now - history.running_since < STALE_RUN:
        return Assessment(Health.RUNNING, due, "a run is under way")
    if history.last_failed:
        return Assessment(Health.FAILING, due, "the newest run failed; it will be retried")
    return Assessment(Health.OK, due, f"last succeeded {_span(age)} ago")


def _span(delta: timedelta) -> str:
    """A rough, readable length of time: ``3 days``, ``5 hours``, ``12 minutes``."""
    seconds = max(0, int(delta.total_seconds()))
    for size, one, many in (
        (86400, "day", "days"),
        (3600, "hour", "hours"),
        (60, "minute", "minutes"),
    ):
        if seconds >= size:
            count = seconds // size
            return f"{count} {one if count == 1 else many}"
    return "less than a minute"
