"""Durations written in plan files, such as ``30d``, ``72h``, ``18m`` or ``2y``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

Unit = Literal["h", "d", "w", "m", "y"]

_DAYS_PER_UNIT: Final[dict[str, float]] = {
    "h": 1 / 24,
    "d": 1.0,
    "w": 7.0,
    "m": 30.44,
    "y": 365.25,
}
_UNIT_WORDS: Final[dict[str, tuple[str, str]]] = {
    "h": ("hour", "hours"),
    "d": ("day", "days"),
    "w": ("week", "weeks"),
    "m": ("month", "months"),
    "y": ("year", "years"),
}
_PATTERN: Final = re.compile(r"^\s*(\d{1,6})\s*([hdwmy])\s*$")
DURATION_PATTERN: Final = r"^\d{1,6}[hdwmy]$"


@dataclass(frozen=True, order=False)
class Duration:
    """A non-negative span of time: a whole number of hours, days, weeks, months or years."""

    amount: int
    unit: Unit

    @property
    def days(self) -> float:
        """The span in days, counting a month as 30.44 days and a year as 365.25."""
        return self.amount * _DAYS_PER_UNIT[self.unit]

    @property
    def hours(self) -> float:
        """The span in hours."""
        return self.days * 24

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def describe(self) -> str:
        """Plain words for documents, e.g. ``"18 months"``."""
        one, many = _UNIT_WORDS[self.unit]
        return f"{self.amount} {one if self.amount == 1 else many}"

    def __lt__(self, other: Duration) -> bool:
        return self.days < other.days

    def __le__(self, other: Duration) -> bool:
        return self.days <= other.days

    def __gt__(self, other: Duration) -> bool:
        return self.days > other.days

    def __ge__(self, other: Duration) -> bool:
        return self.days >= other.days


def parse_duration(value: Any) -> Duration:
    """Parse ``"30d"``-style text (or pass a :class:`Duration` through).

    Raises:
        ValueError: the value is not a whole number followed by one of h, d, w, m, y.
    """
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError("a duration is written like 30d, 72h, 6w, 18m or 2y")
    match = _PATTERN.match(str(value))
    if match is None:
        raise ValueError(
            f"'{value}' is not a duration; write a whole number and a unit "
            "(h hours, d days, w weeks, m months, y years), e.g. 30d or 2y"
        )
    return Duration(int(match.group(1)), match.group(2))  # type: ignore[arg-type]


DurationField = Annotated[
    Duration,
    BeforeValidator(parse_duration),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "A whole number and a unit: h, d, w, m (months) or y, e.g. 30d.",
        }
    ),
]
