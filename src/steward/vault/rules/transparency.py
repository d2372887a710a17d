"""The arithmetic of the transparency report: periods, outcomes, small-number bands, tallies.

Pure functions of facts the service reads from the egress register
(:mod:`steward.vault.services.egress_register`); tested as tables.

- A **period** is a calendar year (``2026``), a quarter (``2026-q3``), a half
  (``2026-h1``) or any span of whole days (``2026-01-01--2026-03-31``); both ends are
  inclusive, and it covers ``[start 00:00 UTC, end + 1 day 00:00 UTC)``.
- A disclosure request's **outcome**: complied with fully or partly (approved, delivered
  or expired since; ``partial`` when approval narrowed the records or fields), refused
  by the approver, refused when it was opened (the rule refused it before anyone
  approved: no ``decided_by``), withdrawn, or still pending.
- **Small numbers**: counts of requests are exact (each is a legal process the public is
  owed). Counts of people and records are shown as a band ``1-(k-1)`` when they fall
  below ``k``, the plan's smallest ``min_group_size`` (10 when no recipient sets one);
  zero stays zero. People are never broken down further than the report's totals, so no
  banded figure is a difference of two exact ones.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Final

from steward.errors import StewardError

__all__ = [
    "DEFAULT_SMALLEST",
    "AggregateFacts",
    "DisclosureFacts",
    "ExtractFacts",
    "Figure",
    "NoticeFacts",
    "Outcome",
    "OutcomeCounts",
    "Period",
    "PeriodError",
    "Tally",
    "banded",
    "latest_periods",
    "outcome_of",
    "parse_period",
    "period_between",
    "smallest_group",
    "tally",
]

DEFAULT_SMALLEST: Final = 10
"""The band's upper edge plus one when no recipient of the plan sets ``min_group_size``."""
MAX_DAYS: Final = 366 * 10
"""The longest period a report covers (ten years)."""
COMPLIED: Final = frozenset({"approved", "delivered", "expired"})


class PeriodError(StewardError):
    """A period that cannot be read, or that ends before it starts."""


class Outcome(StrEnum):
    """What became of one disclosure request."""

    FULL = "full"
    PARTIAL = "partial"
    REFUSED = "refused"
    REFUSED_AT_OPENING = "refused_at_opening"
    WITHDRAWN = "withdrawn"
    PENDING = "pending"


def outcome_of(
    state: str,
    compliance: str,
    decided: bool,
    *,
    records_asked: int = 0,
    records_released: int = 0,
    fields_asked: Sequence[str] = (),
    fields_released: Sequence[str] = (),
) -> Outcome:
    """The outcome of a request in ``state`` with ``compliance``; ``decided`` says a
    person (the approver) decided it. An approved request whose compliance was not set
    is partial when fewer records or fields were released than asked for. Never raises:
    an unknown state counts as pending."""
    if state == "withdrawn":
        return Outcome.WITHDRAWN
    if state == "refused":
        return Outcome.REFUSED if decided else Outcome.REFUSED_AT_OPENING
    if state not in COMPLIED:
        return Outcome.PENDING
    if compliance == "full":
        return Outcome.FULL
    if compliance == "partial":
        return Outcome.PARTIAL
    narrowed = records_released < records_asked or set(fields_released) < set(fields_asked)
    return Outcome.PARTIAL if narrowed else Outcome.FULL


@dataclass(frozen=True)
class Figure:
    """A count as published: exact when ``low == high``, else a band."""

    low: int
    high: int

    @property
    def exact(self) -> bool:
        return self.low == self.high

    @property
    def text(self) -> str:
        return str(self.low) if self.exact else f"{self.low}-{self.high}"

    def as_json(self) -> dict[str, int | bool]:
        return {"low": self.low, "high": self.high, "exact": self.exact}


def banded(count: int, smallest: int) -> Figure:
    """``count`` as published: ``0`` stays exact, ``1..smallest-1`` becomes the band
    ``1-(smallest-1)``, anything larger is exact. ``smallest`` below 2 bands nothing."""
    if count <= 0 or smallest < 2 or count >= smallest:
        return Figure(max(count, 0), max(count, 0))
    return Figure(1, smallest - 1)


def smallest_group(sizes: Iterable[int | None], default: int = DEFAULT_SMALLEST) -> int:
    """The smallest ``min_group_size`` set (``default`` when none is)."""
    present = [size for size in sizes if size is not None]
    return min(present) if present else default


# -- periods -----------------------------------------------------------------------------

_YEAR = re.compile(r"^(\d{4})$")
_PART = re.compile(r"^(\d{4})-([qh])([1-4])$")
_SPAN = re.compile(r"^(\d{4}-\d{2}-\d{2})--(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end``, both included."""

    start: date
    end: date
    slug: str
    label: str

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """``[start 00:00 UTC, end + 1 day 00:00 UTC)``."""
        begin = datetime.combine(self.start, time(), tzinfo=UTC)
        return begin, datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)

    def ended(self, today: date) -> bool:
        """Whether the period is over by ``today`` (its last day is before today)."""
        return self.end < today


def period_between(start: date, end: date) -> Period:
    """The period of whole days ``start`` .. ``end``.

    Raises:
        PeriodError: ``end`` is before ``start``, the span is over ten years, or a date
            falls outside the years 1900 to 9998.
    """
    if not (1900 <= start.year <= 9998 and 1900 <= end.year <= 9998):
        raise PeriodError("a period's dates must fall between the years 1900 and 9998")
    if end < start:
        raise PeriodError(f"the period ends ({end}) before it starts ({start})")
    if (end - start).days >= MAX_DAYS:
        raise PeriodError("a period covers at most ten years")
    slug = f"{start.isoformat()}--{end.isoformat()}"
    return Period(start, end, slug, f"{start.isoformat()} to {end.isoformat()}")


def _year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), f"{year}", f"the year {year}")


def _quarter(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period(start, end - timedelta(days=1), f"{year}-q{quarter}", f"Q{quarter} {year}")


def _half(year: int, half: int) -> Period:
    if half == 1:
        return Period(date(year, 1, 1), date(year, 6, 30), f"{year}-h1", f"first half of {year}")
    return Period(date(year, 7, 1), date(year, 12, 31), f"{year}-h2", f"second half of {year}")


def parse_period(text: str) -> Period:
    """The period a slug names: ``2026``, ``2026-q3``, ``2026-h1`` or
    ``2026-01-01--2026-03-31``.

    Raises:
        PeriodError: anything else (the message says what is accepted), a date that
            does not exist, or a span that ends before it starts.
    """
    slug = text.strip().lower()
    if m := _YEAR.match(slug):
        year = int(m.group(1))
        if 1900 <= year <= 9998:
            return _year(year)
    elif m := _PART.match(slug):
        year, kind, number = int(m.group(1)), m.group(2), int(m.group(3))
        if 1900 <= year <= 9998 and kind == "q":
            return _quarter(year, number)
        if 1900 <= year <= 9998 and number <= 2:
            return _half(year, number)
    elif m := _SPAN.match(slug):
        try:
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError:
            raise PeriodError("a period's dates must exist (YYYY-MM-DD)") from None
        return period_between(start, end)
    raise PeriodError(
        "a period is a year (2026), a quarter (2026-q3), a half (2026-h1) "
        "or two dates (2026-01-01--2026-03-31)"
    )


def latest_periods(today: date, quarters: int = 4) -> list[Period]:
    """The periods the public page lists, newest first: the last ``quarters`` quarters
    that have ended, then the last year that has ended. A period still running is never
    listed (its figures would change from day to day and tell who is being asked about
    now)."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found: list[Period] = []
    for _ in range(quarters):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        found.append(_quarter(year, quarter))
    return [*found, _year(today.year - 1)]


# -- tallies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeFacts:
    """One person's notice of a disclosure, as it stands when the report is made."""

    person: str
    sent: bool
    delayed: bool
    """Held back by a prohibition (sent since or not)."""
    running: bool
    """Still held back by a prohibition that has not ended."""


@dataclass(frozen=True)
class DisclosureFacts:
    """One disclosure request: its ground, who asked, its outcome, what it touched."""

    ground: str
    requester_kind: str
    outcome: Outcome
    records_asked: frozenset[str] = frozenset()
    records_released: frozenset[str] = frozenset()
    people_asked: frozenset[str] = frozenset()
    people_released: frozenset[str] = frozenset()
    notices: tuple[NoticeFacts, ...] = ()


@dataclass(frozen=True)
class ExtractFacts:
    """One extract: for whom, and whether it was released."""

    recipient: str
    released: bool
    rows: int = 0


@dataclass(frozen=True)
class AggregateFacts:
    """One aggregate release: to whom, how many cells, how many suppressed."""

    audience: str
    cells: int = 0
    suppressed: int = 0


@dataclass
class OutcomeCounts:
    """How many requests of one kind ended each way."""

    key: str
    total: int = 0
    full: int = 0
    partial: int = 0
    refused: int = 0
    refused_at_opening: int = 0
    withdrawn: int = 0
    pending: int = 0

    def add(self, outcome: Outcome) -> None:
        self.total += 1
        name = outcome.value
        setattr(self, name, getattr(self, name) + 1)

    def as_json(self) -> dict[str, int | str]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ReleaseCounts:
    """Extracts or aggregate releases for one party."""

    key: str
    released: int = 0
    withheld: int = 0
    cells: int = 0
    suppressed: int = 0


@dataclass(frozen=True)
class Tally:
    """Every figure of the report for one period."""

    smallest: int
    requests: OutcomeCounts
    by_ground: list[OutcomeCounts]
    by_requester: list[OutcomeCounts]
    records_asked: Figure
    records_disclosed: Figure
    people_asked: Figure
    people_disclosed: Figure
    people_notified: Figure
    notices_delayed: Figure
    requests_under_prohibition: int
    """Requests with a notice still held back by a prohibition that has not ended."""
    extracts: list[ReleaseCounts] = field(default_factory=list)
    aggregates: list[ReleaseCounts] = field(default_factory=list)

    @property
    def extracts_released(self) -> int:
        return sum(row.released for row in self.extracts)

    @property
    def extracts_withheld(self) -> int:
        return sum(row.withheld for row in self.extracts)

    @property
    def aggregate_releases(self) -> int:
        return sum(row.released for row in self.aggregates)


def _grouped(facts: Sequence[DisclosureFacts], key: str) -> list[OutcomeCounts]:
    rows: dict[str, OutcomeCounts] = {}
    for fact in facts:
        name = getattr(fact, key) or "not stated"
        rows.setdefault(name, OutcomeCounts(name)).add(fact.outcome)
    return [rows[name] for name in sorted(rows)]


def tally(
    disclosures: Sequence[DisclosureFacts],
    extracts: Sequence[ExtractFacts] = (),
    aggregates: Sequence[AggregateFacts] = (),
    *,
    smallest: int = DEFAULT_SMALLEST,
) -> Tally:
    """Every figure of the report from the period's facts. People are counted once
    however many requests named them; counts of people and records are banded below
    ``smallest`` (see :func:`banded`)."""
    total = OutcomeCounts("all")
    for fact in disclosures:
        total.add(fact.outcome)
    records_asked: set[str] = set()
    records_released: set[str] = set()
    people_asked: set[str] = set()
    people_released: set[str] = set()
    notified: set[str] = set()
    delayed = 0
    held = 0
    for fact in disclosures:
        records_asked |= fact.records_asked
        people_asked |= fact.people_asked
        if fact.outcome in (Outcome.FULL, Outcome.PARTIAL):
            records_released |= fact.records_released
            people_released |= fact.people_released
        notified |= {n.person for n in fact.notices if n.sent}
        delayed += sum(1 for n in fact.notices if n.delayed)
        held += any(n.running for n in fact.notices)
    made = Counter[str]()
    withheld = Counter[str]()
    for extract in extracts:
        (made if extract.released else withheld)[extract.recipient or "not stated"] += 1
    releases = Counter[str]()
    cells = Counter[str]()
    suppressed = Counter[str]()
    for release in aggregates:
        releases[release.audience] += 1
        cells[release.audience] += release.cells
        suppressed[release.audience] += release.suppressed
    return Tally(
        smallest=smallest,
        requests=total,
        by_ground=_grouped(disclosures, "ground"),
        by_requester=_grouped(disclosures, "requester_kind"),
        records_asked=banded(len(records_asked), smallest),
        records_disclosed=banded(len(records_released), smallest),
        people_asked=banded(len(people_asked), smallest),
        people_disclosed=banded(len(people_released), smallest),
        people_notified=banded(len(notified), smallest),
        notices_delayed=banded(delayed, smallest),
        requests_under_prohibition=held,
        extracts=[
            ReleaseCounts(name, released=made[name], withheld=withheld[name])
            for name in sorted(set(made) | set(withheld))
        ],
        aggregates=[
            ReleaseCounts(
                name, released=releases[name], cells=cells[name], suppressed=suppressed[name]
            )
            for name in sorted(releases)
        ],
    )
