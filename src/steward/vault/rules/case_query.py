"""What a case list asks for: status, team, a date range, a sort order and a page size.

Parsed from untrusted text (a page's form, an API query) by one pure function, which
names what is wrong without repeating what was sent. A filter narrows what the
actor's scope already reaches; it never widens it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Final, TypeVar

E = TypeVar("E", bound=StrEnum)


class StatusFilter(StrEnum):
    """Which cases by status."""

    ANY = "any"
    OPEN = "open"
    CLOSED = "closed"


class Sort(StrEnum):
    """The orders a case list offers: ``-created`` newest first, ``created`` oldest
    first, the same for ``updated``; ``status`` open cases first, ``-status`` closed first."""

    CREATED_DESC = "-created"
    CREATED = "created"
    UPDATED_DESC = "-updated"
    UPDATED = "updated"
    STATUS = "status"
    STATUS_DESC = "-status"


SORT_LABELS: Final = {
    Sort.CREATED_DESC: "Newest first",
    Sort.CREATED: "Oldest first",
    Sort.UPDATED_DESC: "Recently updated",
    Sort.UPDATED: "Least recently updated",
    Sort.STATUS: "Open first",
    Sort.STATUS_DESC: "Closed first",
}
_COLUMNS: Final = {
    Sort.CREATED_DESC: "-created",
    Sort.CREATED: "created",
    Sort.UPDATED_DESC: "-updated",
    Sort.UPDATED: "updated",
    Sort.STATUS: "-status",  # "open" sorts after "closed": open first is descending
    Sort.STATUS_DESC: "status",
}
PAGE_SIZES: Final = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE: Final = 25
EARLIEST: Final = date(2000, 1, 1)
LATEST: Final = date(2999, 12, 31)


@dataclass(frozen=True)
class CaseQuery:
    """Filters and order of a case list; the defaults list every case in scope, newest first.

    Attributes:
        created_from: the first day (UTC) of the range of receipt dates, included.
        created_to: the last day (UTC) of that range, included.
    """

    status: StatusFilter = StatusFilter.ANY
    team: str = ""
    created_from: date | None = None
    created_to: date | None = None
    sort: Sort = Sort.CREATED_DESC

    @property
    def created_after(self) -> datetime | None:
        """The first moment of the range, or ``None``."""
        if self.created_from is None:
            return None
        return datetime.combine(self.created_from, time.min, tzinfo=UTC)

    @property
    def created_before(self) -> datetime | None:
        """The moment just after the range (the next day's start), or ``None``."""
        if self.created_to is None:
            return None
        return datetime.combine(self.created_to + timedelta(days=1), time.min, tzinfo=UTC)

    def order_by(self) -> tuple[str, ...]:
        """Database ordering: the chosen key, then newest first and the id, so pages
        never overlap."""
        key = _COLUMNS[self.sort]
        tail = ("-created", "id") if key.lstrip("-") != "created" else ("id",)
        return (key, *tail)

    def describe(self) -> str:
        """The filters in words for the audit log (no personal data: none is filtered on)."""
        parts = [f"status {self.status.value}", f"sort {self.sort.value}"]
        if self.team:
            parts.append(f"team {self.team}")
        if self.created_from or self.created_to:
            start = self.created_from.isoformat() if self.created_from else "start"
            end = self.created_to.isoformat() if self.created_to else "now"
            parts.append(f"received {start}..{end}")
        return "; ".join(parts)


def parse_query(
    params: Mapping[str, str], teams: frozenset[str]
) -> tuple[CaseQuery, dict[str, str]]:
    """A :class:`CaseQuery` from text parameters (``status``, ``team``, ``from``, ``to``,
    ``sort``), and a message per parameter that was not understood (that parameter is
    then left at its default). ``teams`` are the teams the list may be narrowed to.
    """
    problems: dict[str, str] = {}
    status = _choice(params.get("status", ""), StatusFilter, StatusFilter.ANY)
    if status is None:
        problems["status"] = "status is open, closed or any"
        status = StatusFilter.ANY
    sort = _choice(params.get("sort", ""), Sort, Sort.CREATED_DESC)
    if sort is None:
        problems["sort"] = f"sort is one of {', '.join(s.value for s in Sort)}"
        sort = Sort.CREATED_DESC
    team = params.get("team", "").strip()
    if team and team not in teams:
        problems["team"] = "there is no such team to choose"
        team = ""
    start = _day(params.get("from", ""), "from", problems)
    end = _day(params.get("to", ""), "to", problems)
    if start and end and start > end:
        problems["to"] = "the end of the date range is before its start"
        end = None
    return CaseQuery(status, team, start, end, sort), problems


def page_size(raw: str, default: int = DEFAULT_PAGE_SIZE) -> int | None:
    """The page size chosen (one of :data:`PAGE_SIZES`), ``default`` when none is, or
    ``None`` when the choice is not one of them."""
    text = raw.strip()
    if not text:
        return default
    return int(text) if text.isdigit() and int(text) in PAGE_SIZES else None


def _choice(raw: str, kind: type[E], default: E) -> E | None:
    text = raw.strip()
    if not text:
        return default
    try:
        return kind(text)
    except ValueError:
        return None


def _day(raw: str, name: str, problems: dict[str, str]) -> date | None:
    text = raw.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        problems[name] = "write the date as YYYY-MM-DD"
        return None
    if not EARLIEST <= day <= LATEST:
        problems[name] = f"the date must lie between {EARLIEST} and {LATEST}"
        return None
    return day
