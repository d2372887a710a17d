"""The oversight body's arithmetic: unusual access, deadlines kept or missed, response
times and when the next review is due. Pure functions of facts the oversight services
read; tested as tables.

**Unusual access.** A staff member's reveals in a period are flagged when they are far
above their *peers*: the other members of the same role who revealed or were active in
the period. "Far above" is all of:

- at least :data:`MIN_REVEALS` reveals (a handful of reveals is never unusual);
- more than :data:`FACTOR` times the peers' median;
- more than the peers' median plus :data:`MIN_MARGIN` (so a role whose median is 1 does
  not flag someone with 4).

The peers' median leaves the person out, so in a team of two the other member is the
yardstick, and one heavy user cannot raise the median that judges them. A person alone in
their role has no peers and is never flagged: the report lists their count, and the
oversight body judges it. A flag is a question for the body to ask, not a finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from typing import Final

from steward.policy import Decision
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal

__all__ = [
    "FACTOR",
    "MIN_MARGIN",
    "MIN_REVEALS",
    "DeadlineFacts",
    "Flag",
    "ResponseTimes",
    "deadline_status",
    "may_oversee",
    "may_record_outcome",
    "next_review_period",
    "response_times",
    "unusual_access",
]

MIN_REVEALS: Final = 10
"""Fewer reveals than this in a period are never unusual."""
FACTOR: Final = 3
"""A flagged count is more than this many times the peers' median..."""
MIN_MARGIN: Final = 10
"""...and more than the peers' median plus this many reveals."""


def may_oversee(reader: StaffStanding) -> Decision:
    """Whether ``reader`` may read the oversight pages (checkpoints, access statistics,
    plan changes, review reports): a person of a role that ``oversees``, signed in with
    a second factor where the role needs one, while their access lasts. Never raises."""
    refusal = standing_refusal(reader, "oversight is read")
    if refusal:
        return Decision(False, refusal)
    if not reader.role.oversees:
        return Decision(False, f"the role '{reader.role.id}' is not a member of the oversight body")
    return Decision(True, "the role oversees")


def may_record_outcome(reader: StaffStanding, recorded: bool) -> Decision:
    """Whether ``reader`` may record a review's outcome: an overseeing member, once per
    review (``recorded``: an outcome is already there; it is never overwritten). Never
    raises."""
    decision = may_oversee(reader)
    if not decision:
        return decision
    if recorded:
        return Decision(False, "this review's outcome is already recorded; it is not changed")
    return Decision(True, "a member of the oversight body records the outcome")


@dataclass(frozen=True)
class Flag:
    """A staff member whose reveals are far above their peers'."""

    staff: str
    role: str
    reveals: int
    peers: int
    peer_median: float
    threshold: float

    def as_json(self) -> dict[str, object]:
        return {
            "staff": self.staff,
            "role": self.role,
            "reveals": self.reveals,
            "peers": self.peers,
            "peer_median": self.peer_median,
            "threshold": self.threshold,
        }


def unusual_access(
    reveals: Mapping[str, int],
    roles: Mapping[str, str],
    *,
    min_reveals: int = MIN_REVEALS,
    factor: float = FACTOR,
    min_margin: int = MIN_MARGIN,
) -> list[Flag]:
    """Staff whose reveal counts are far above their peers' (see the module).

    ``reveals`` maps a staff member to their reveals in the period (missing means 0);
    ``roles`` maps every staff member to compare (also those who revealed nothing) to
    their role. A member in ``reveals`` but not in ``roles`` is compared with nobody.
    The result is ordered by role, then by reveals (most first), then by name. Never
    raises."""
    members: dict[str, list[str]] = {}
    for staff, role in roles.items():
        members.setdefault(role, []).append(staff)
    flags: list[Flag] = []
    for role, staff_ids in sorted(members.items()):
        for staff in staff_ids:
            count = reveals.get(staff, 0)
            peers = [reveals.get(other, 0) for other in staff_ids if other != staff]
            if not peers or count < min_reveals:
                continue
            middle = float(median(peers))
            threshold = max(factor * middle, middle + min_margin)
            if count > threshold:
                flags.append(Flag(staff, role, count, len(peers), middle, threshold))
    return sorted(flags, key=lambda f: (f.role, -f.reveals, f.staff))


@dataclass(frozen=True)
class DeadlineFacts:
    """One notice deadline of an incident: when it was due and when the notice was made
    (``None``: not yet)."""

    due: datetime | None
    done: datetime | None


def deadline_status(facts: DeadlineFacts, now: datetime) -> str:
    """``not_required`` (no deadline set), ``kept`` (done by the deadline), ``missed``
    (done late, or not done and the deadline passed) or ``running`` (not done, still
    time). Never raises."""
    if facts.due is None:
        return "not_required"
    if facts.done is not None:
        return "kept" if facts.done <= facts.due else "missed"
    return "missed" if now > facts.due else "running"


@dataclass(frozen=True)
class ResponseTimes:
    """Rights requests answered in a period: how many, and the median and longest time
    from receipt to answer in whole days (``None`` when none was answered)."""

    answered: int
    median_days: float | None
    max_days: int | None

    def as_json(self) -> dict[str, object]:
        return {
            "answered": self.answered,
            "median_days": self.median_days,
            "max_days": self.max_days,
        }


def response_times(spans: Iterable[tuple[datetime, datetime]]) -> ResponseTimes:
    """The response times of ``(received, answered)`` pairs, in whole days (a request
    answered the same day took 0 days). Never raises."""
    days = sorted(max((answered - received).days, 0) for received, answered in spans)
    if not days:
        return ResponseTimes(0, None, None)
    return ResponseTimes(len(days), float(median(days)), days[-1])


def next_review_period(
    reviewed: Sequence[tuple[date, date]], every_days: int, first_day: date, today: date
) -> tuple[date, date] | None:
    """The next period to review, or ``None`` when it has not ended yet.

    Periods follow each other: the next starts the day after the last reviewed period
    ends (or on ``first_day`` when none was reviewed) and lasts ``every_days`` days. It is
    due once its last day is before ``today``. ``every_days`` below 1 counts as 1. Never
    raises."""
    span = max(every_days, 1)
    start = max(end for _, end in reviewed) + timedelta(days=1) if reviewed else first_day
    end = start + timedelta(days=span - 1)
    if end >= today:
        return None
    return start, end
