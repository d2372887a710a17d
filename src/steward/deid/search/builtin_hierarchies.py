"""Built-in hierarchies for ``anonymize``: one per column, chosen from the type of its
values and the scan's finding, and built as ARX rows over the values present.

The choice (:func:`choose_kind`, documented as a table in ``docs/deid-anonymize.md``):

=========================================  =====================  ===========================
the column                                 kind                   levels after the value
=========================================  =====================  ===========================
the scan finds an age, values are numbers  ``age bands``          5, 10, 20 years, ``*``
the scan finds a postal code               ``postal truncation``  one character less each
                                                                  (``4750*``, ..., ``4****``),
                                                                  ``*``
dates (``2024-03-15``)                     ``dates``              month, quarter, year, ``*``
date-times (``2024-03-15T10:00``)          ``date-times``         day, month, quarter, year,
                                                                  ``*``
integers or decimals                       ``numeric bands``      bands 1, 5, 10, 50, 100...
                                                                  wide (from the range), ``*``
text with at most 20 distinct values       ``suppression``        ``*``
other text                                 ``prefix truncation``  the first 8, 6, 4, 3, 2, 1
                                                                  characters, ``*``
=========================================  =====================  ===========================

A missing value (the empty leaf) and a missing-value marker such as ``?`` or ``NA``, or
any value the kind cannot read, stay as they are until ``*``. Numeric band widths
alternate x5 and x2 so that each band lies inside one band of the next level (a tree);
the first is the narrowest giving at most :data:`MAX_BANDS` bands (for integers, at
least 5 wide), and widening stops before the band that holds every value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Final, Literal

import polars as pl

from steward.deid.hierarchy import AGE_WIDTHS
from steward.deid.search.hierarchies import MISSING, CodedHierarchy, from_rows

ValueType = Literal["integer", "decimal", "date", "datetime", "text"]
Kind = Literal[
    "age bands",
    "postal truncation",
    "dates",
    "date-times",
    "numeric bands",
    "suppression",
    "prefix truncation",
]
ROOT: Final = "*"
LOW_CARDINALITY: Final = 20
"""Text with at most this many distinct values is suppressed whole (value, then ``*``)."""
MAX_BANDS: Final = 100
PREFIX_LENGTHS: Final = (8, 6, 4, 3, 2, 1)
MISSING_MARKERS: Final = frozenset({"?", "NA", "N/A", "NULL", "null", "None", "NaN", "nan"})
"""Values that mean "missing": they do not decide a column's type."""
FINDINGS: Final[dict[str, Kind]] = {"age": "age bands", "postal_code": "postal truncation"}
"""The scan's findings that choose a kind (an age only when the values are numbers)."""

_INTEGER = r"^[+-]?(0|[1-9][0-9]*)$"
_LEADING_ZERO = r"^[+-]?0[0-9]+$"
_DECIMAL = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}.*)?$"


@dataclass(frozen=True)
class ColumnProfile:
    """What the choice of a built-in looks at: the values' type, how many distinct
    values there are (markers of missing values left out) and the scan's finding."""

    value_type: ValueType
    distinct: int
    finding: str | None = None


@dataclass(frozen=True)
class Builtin:
    """A built-in hierarchy: its kind, its ARX rows and the coded hierarchy."""

    kind: Kind
    rows: list[list[str]]
    hierarchy: CodedHierarchy


def value_type(series: pl.Series) -> ValueType:
    """The type of a column's values: from its dtype, or for text from every value that
    is not missing (integers written with a leading zero are codes, hence text)."""
    dtype = series.dtype
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or dtype.is_decimal():
        return "decimal"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype != pl.String:
        return "text"
    values = _present(series)
    if values.is_empty():
        return "text"
    checks: tuple[tuple[str, ValueType], ...] = (
        (_INTEGER, "integer"),
        (_DECIMAL, "decimal"),
        (_DATE, "date"),
        (_DATETIME, "datetime"),
    )
    if values.str.contains(_LEADING_ZERO).any():
        return "text"
    for pattern, found in checks:
        if values.str.contains(pattern).all():
            if found in ("date", "datetime") and not _dates_parse(values):
                return "text"
            return found
    return "text"


def profile(series: pl.Series, finding: str | None = None) -> ColumnProfile:
    """The profile of a column, with the scan's finding for it (if any)."""
    return ColumnProfile(value_type(series), _present(series).len(), finding)


def choose_kind(column: ColumnProfile) -> Kind:
    """The built-in kind for a column (the table in the module docstring)."""
    by_finding = FINDINGS.get(column.finding or "")
    if by_finding == "age bands" and column.value_type in ("integer", "decimal"):
        return by_finding
    if by_finding == "postal truncation":
        return by_finding
    if column.value_type == "date":
        return "dates"
    if column.value_type == "datetime":
        return "date-times"
    if column.value_type in ("integer", "decimal"):
        return "numeric bands"
    return "suppression" if column.distinct <= LOW_CARDINALITY else "prefix truncation"


def builtin_rows(
    kind: Kind, values: Sequence[str], value_kind: ValueType = "text"
) -> list[list[str]]:
    """ARX rows of ``kind`` for the distinct ``values`` (text, the empty one missing).

    ``value_kind`` says how numbers are written (``integer`` bands read ``20-24``,
    ``decimal`` bands ``20-<25``). Every row ends with ``*``.
    """
    distinct = list(dict.fromkeys(values))
    builders: dict[Kind, Callable[[list[str], bool], list[list[str]]]] = {
        "age bands": lambda v, i: _bands(v, i, [Decimal(w) for w in AGE_WIDTHS]),
        "numeric bands": lambda v, i: _bands(v, i, None),
        "dates": lambda v, _: _dates(v, with_day=False),
        "date-times": lambda v, _: _dates(v, with_day=True),
        "postal truncation": lambda v, _: _truncation(v, padded=True),
        "prefix truncation": lambda v, _: _truncation(v, padded=False),
        "suppression": lambda v, _: [[value, ROOT] for value in sorted(v, key=_text_order)],
    }
    return builders[kind](distinct, value_kind == "integer")


def builtin_hierarchy(name: str, series: pl.Series, finding: str | None = None) -> Builtin:
    """The built-in hierarchy of column ``name`` holding ``series``.

    Its leaves are the column's distinct values as text (a null is the empty leaf), the
    same text :func:`~steward.deid.search.encode.encode` codes them by.
    """
    column = profile(series, finding)
    kind = choose_kind(column)
    values = series.cast(pl.String).fill_null(MISSING).unique().to_list()
    rows = builtin_rows(kind, values, column.value_type)
    return Builtin(kind, rows, from_rows(name, rows, f"built-in {kind} ({name})"))


def _present(series: pl.Series) -> pl.Series:
    text = series.cast(pl.String).drop_nulls().str.strip_chars().unique()
    return text.filter((text != MISSING) & ~text.is_in(list(MISSING_MARKERS)))


def _dates_parse(values: pl.Series) -> bool:
    parsed = values.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    return parsed.null_count() == 0


def _text_order(value: str) -> tuple[bool, str]:
    return (value == MISSING or value in MISSING_MARKERS, value)


def _kept(value: str) -> list[str]:
    """A value no level can read: itself until the root."""
    return [value]


def _finish(rows: list[list[str]], unread: list[str]) -> list[list[str]]:
    height = max((len(row) for row in rows), default=1)
    tail = [[value] * height for value in sorted(unread, key=_text_order)]
    return [[*row, ROOT] for row in [*rows, *tail]]


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _floor(number: Decimal, width: Decimal) -> Decimal:
    return (number / width).to_integral_value(rounding=ROUND_FLOOR) * width


def band_widths(low: Decimal, high: Decimal, integer: bool) -> list[Decimal]:
    """The widths of the numeric bands for values from ``low`` to ``high``: 1, 5, 10,
    50... times a power of ten, from the narrowest giving at most :data:`MAX_BANDS`
    bands (at least 5 for integers), widening while the values still fall in more than
    one band, up to the first width as wide as the range (two bands at most)."""
    span = high - low
    if span <= 0:
        return []
    mantissa, exponent = 1, (span / MAX_BANDS).adjusted()
    widths: list[Decimal] = []
    while not widths or widths[-1] < span:
        width = Decimal(mantissa).scaleb(exponent)
        mantissa, exponent = (5, exponent) if mantissa == 1 else (1, exponent + 1)
        if width * MAX_BANDS < span or (integer and width < 5):
            continue
        if _floor(low, width) == _floor(high, width):
            break
        widths.append(width)
    return widths


def _band_label(number: Decimal, width: Decimal, integer: bool) -> str:
    low = _floor(number, width)
    if integer:
        return f"{int(low)}-{int(low + width) - 1}"
    digits = max(0, -width.adjusted())
    return f"{low:.{digits}f}-<{low + width:.{digits}f}"


def _bands(values: list[str], integer: bool, widths: list[Decimal] | None) -> list[list[str]]:
    numbers = {value: _number(value) for value in values}
    read = sorted((n, v) for v, n in numbers.items() if n is not None)
    unread = [v for v, n in numbers.items() if n is None]
    if widths is None:
        widths = band_widths(read[0][0], read[-1][0], integer) if read else []
    rows = [[value, *(_band_label(n, w, integer) for w in widths)] for n, value in read]
    return _finish(rows, unread)


def _dates(values: list[str], *, with_day: bool) -> list[list[str]]:
    read: list[tuple[dt.date, str]] = []
    unread: list[str] = []
    for value in values:
        try:
            read.append((dt.date.fromisoformat(value.strip()[:10]), value))
        except ValueError:
            unread.append(value)
    rows = []
    for day, value in sorted(read):
        quarter = (day.month - 1) // 3 + 1
        levels = [f"{day:%Y-%m}", f"{day.year}-Q{quarter}", f"{day.year}"]
        rows.append([value, *([day.isoformat()] if with_day else []), *levels])
    return _finish(rows, unread)


def _truncation(values: list[str], *, padded: bool) -> list[list[str]]:
    present = [v for v in values if v != MISSING and v not in MISSING_MARKERS]
    unread = [v for v in values if v == MISSING or v in MISSING_MARKERS]
    longest = max((len(v) for v in present), default=0)
    if padded:
        keeps = list(range(longest - 1, 0, -1))
    else:
        keeps = [n for n in PREFIX_LENGTHS if n < longest]
    rows = [[v, *(_cut(v, n, padded) for n in keeps)] for v in sorted(present)]
    return _finish(rows, unread)


def _cut(value: str, keep: int, padded: bool) -> str:
    if len(value) <= keep:
        return value
    return value[:keep] + (ROOT * (len(value) - keep) if padded else ROOT)
