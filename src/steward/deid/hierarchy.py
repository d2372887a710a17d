"""Generalization hierarchies: ARX CSV files and built-ins generated on the fly.

A hierarchy says, for each level, what a value becomes: level 0 is the value itself,
each further level is coarser, and the last level is a single root (``*``). ARX
hierarchies are tables read from a ``;``-separated file with no header, one row per
original value (``value;level1;...;*``). Built-ins compute their levels: numeric bins,
age bands, dates to month / quarter / year and postal-code truncation.

Every hierarchy offers the same three things: :attr:`Hierarchy.levels`,
:meth:`Hierarchy.generalize` (on a NumPy array or a Polars series) and
:meth:`Hierarchy.expression` (a Polars expression an engine runs lazily); a table
hierarchy also gives its :meth:`TableHierarchy.mapping` per level, for joins.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Literal, Self, overload

import numpy.typing as npt
import polars as pl

from steward.deid.arx_csv import decode, parse
from steward.deid.errors import DeidError

ROOT: Final = "*"
MAX_HIERARCHY_BYTES: Final = 50 * 1024 * 1024
Missing = Literal["error", "suppress"]
AGE_WIDTHS: Final = (5, 10, 20)
DATE_LEVELS: Final = ("month", "quarter", "year")


class HierarchyError(DeidError):
    """A hierarchy file is malformed, or values cannot be generalized by a hierarchy."""


class Hierarchy:
    """What every hierarchy offers; subclasses define :meth:`expression`."""

    name: str
    levels: int
    """How many levels, counting the original values as level 0."""
    missing: Missing = "error"
    not_placed: str = "not in the hierarchy"
    """How :meth:`missing_message` describes values the hierarchy cannot place."""

    def expression(self, expr: pl.Expr, level: int) -> pl.Expr:
        """A Polars expression turning ``expr`` into its values at ``level``.

        Values the hierarchy cannot place become null (see :meth:`unplaceable`).
        """
        raise NotImplementedError

    def unplaceable(self, expr: pl.Expr) -> pl.Expr:
        """A boolean expression: true where a non-null value has no place in the hierarchy."""
        return pl.lit(value=False)

    def check_level(self, level: int) -> None:
        """Raise unless ``0 <= level < levels``.

        Raises:
            HierarchyError: the level does not exist in this hierarchy.
        """
        if not 0 <= level < self.levels:
            raise HierarchyError(
                f"{self.name}: level {level} does not exist; levels are 0 to {self.levels - 1}"
            )

    @overload
    def generalize(self, values: pl.Series, level: int) -> pl.Series: ...

    @overload
    def generalize(self, values: npt.NDArray[Any], level: int) -> npt.NDArray[Any]: ...

    def generalize(
        self, values: npt.NDArray[Any] | pl.Series, level: int
    ) -> npt.NDArray[Any] | pl.Series:
        """``values`` at ``level``, as the same kind of container (array or series).

        Nulls stay null. Values the hierarchy does not hold become ``*`` when the
        hierarchy was built with ``missing="suppress"``.

        Raises:
            HierarchyError: the level does not exist, or values are not in the hierarchy
                (the message gives how many, never which).
        """
        self.check_level(level)
        series = values if isinstance(values, pl.Series) else _series(values)
        frame = series.to_frame("v")
        result = frame.select(self.guarded(pl.col("v"), level).alias("v"))["v"]
        if self.missing == "error":
            count = int(frame.select(self.unplaceable(pl.col("v")).sum()).item() or 0)
            if count:
                raise HierarchyError(self.missing_message(count))
        if isinstance(values, pl.Series):
            return result.alias(values.name)
        return result.to_numpy(allow_copy=True).astype(object)

    def guarded(self, expr: pl.Expr, level: int) -> pl.Expr:
        """:meth:`expression`, with unplaceable values turned into ``*`` when suppressing."""
        out = self.expression(expr, level)
        if self.missing == "suppress" and level > 0:
            out = pl.when(self.unplaceable(expr)).then(pl.lit(ROOT)).otherwise(out)
        elif self.missing == "suppress":
            out = pl.when(self.unplaceable(expr)).then(pl.lit(ROOT)).otherwise(expr.cast(pl.String))
        return out

    def missing_message(self, count: int) -> str:
        """The message for ``count`` values this hierarchy cannot place."""
        noun = "value is" if count == 1 else "values are"
        return (
            f"{self.name}: {count} {noun} {self.not_placed}; fix them, "
            "or set 'missing: suppress' to replace them with '*'"
        )


class TableHierarchy(Hierarchy):
    """A hierarchy given as a table (ARX CSV): one row per original value."""

    def __init__(self, name: str, rows: Sequence[Sequence[str]], missing: Missing = "error"):
        """Build from validated rows (see :func:`load_hierarchy` for the checks)."""
        self.name = name
        self.levels = len(rows[0]) if rows else 1
        self.missing = missing
        self._columns = [[row[i] for row in rows] for i in range(self.levels)]
        self._mappings = [dict(zip(self._columns[0], col, strict=True)) for col in self._columns]

    @property
    def values(self) -> list[str]:
        """The original values (level 0), in file order."""
        return list(self._columns[0])

    def mapping(self, level: int) -> dict[str, str]:
        """Each original value and what it becomes at ``level`` (for joins or replaces).

        Raises:
            HierarchyError: the level does not exist.
        """
        self.check_level(level)
        return dict(self._mappings[level])

    def expression(self, expr: pl.Expr, level: int) -> pl.Expr:
        self.check_level(level)
        text = expr.cast(pl.String)
        if level == 0:
            return pl.when(self.unplaceable(expr)).then(None).otherwise(text)
        return text.replace_strict(self._mappings[level], default=None, return_dtype=pl.String)

    def unplaceable(self, expr: pl.Expr) -> pl.Expr:
        text = expr.cast(pl.String)
        return text.is_not_null() & ~text.is_in(self._columns[0])


class NumericBins(Hierarchy):
    """Numbers into bins of a fixed ``width`` (``[0, 10)`` shown ``0-9``) or between ``edges``.

    Levels: 0 the number, 1 the bin, 2 ``*``. Bins of a width start at multiples of the
    width; with edges, values below the first edge or from the last edge on are shown
    ``<first`` and ``>=last``.
    """

    def __init__(self, *, width: float | None = None, edges: Sequence[float] | None = None):
        """Raises: HierarchyError: neither or both of width and edges, or bad values."""
        if (width is None) == (edges is None):
            raise HierarchyError("numeric bins: give either a width or edges")
        if width is not None and not (width > 0 and math.isfinite(width)):
            raise HierarchyError("numeric bins: the width must be a positive number")
        if edges is not None and (
            len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges))
        ):
            raise HierarchyError("numeric bins: give at least two edges, strictly increasing")
        self.name = "numeric bins"
        self.not_placed = "not numbers"
        self.levels = 3
        self.width = width
        self.edges = list(edges) if edges is not None else None
        self.whole: bool | None = None
        """Whether every value binned is a whole number (bands read ``20-24``, else
        ``20-<25``), when the caller decided it over the whole table; ``None``: decided
        by the expression over the values it sees (all of them, so not streamable)."""

    def for_values(self, *, whole: bool) -> Self:
        """This hierarchy, as a copy that labels its bands for values that are all whole
        numbers (``whole``) or not, decided by the caller over the whole table, so that
        its expressions work batch by batch. ``self`` is left as it was."""
        told = copy.copy(self)
        told.whole = whole
        return told

    def expression(self, expr: pl.Expr, level: int) -> pl.Expr:
        self.check_level(level)
        if level == 0:
            return expr
        number = _as_number(expr)
        if level == self.levels - 1:
            return pl.when(number.is_not_null()).then(pl.lit(ROOT)).otherwise(None)
        if self.width is not None:
            return _width_bins(number, self.width, self.whole)
        return _edge_bins(number, self.edges or [])

    def unplaceable(self, expr: pl.Expr) -> pl.Expr:
        return expr.is_not_null() & _as_number(expr).is_null()


class AgeBands(NumericBins):
    """Ages into bands: levels 0 the age, then bands of 5, 10 and 20 years, then ``*``."""

    def __init__(self, widths: Sequence[int] = AGE_WIDTHS):
        """Raises: HierarchyError: the widths are not increasing multiples of each other."""
        if (
            not widths
            or any(w <= 0 for w in widths)
            or any(b % a for a, b in itertools.pairwise(widths))
        ):
            raise HierarchyError("age bands: widths must be positive, each a multiple of the last")
        super().__init__(width=widths[0])
        self.name = "age bands"
        self.widths = list(widths)
        self.levels = len(widths) + 2

    def level_for_width(self, width: int) -> int:
        """The level whose bands are ``width`` years wide.

        Raises:
            HierarchyError: no level has that width.
        """
        if width not in self.widths:
            shown = ", ".join(str(w) for w in self.widths)
            raise HierarchyError(f"age bands: width {width} is not one of {shown}")
        return self.widths.index(width) + 1

    def expression(self, expr: pl.Expr, level: int) -> pl.Expr:
        self.check_level(level)
        if level == 0:
            return expr
        number = _as_number(expr)
        if level == self.levels - 1:
            return pl.when(number.is_not_null()).then(pl.lit(ROOT)).otherwise(None)
        return _width_bins(number, self.widths[level - 1], self.whole)


class DateHierarchy(Hierarchy):
    """Dates to month (``2024-03``), quarter (``2024-Q1``) and year (``2024``), then ``*``."""

    def __init__(self, date_format: str | None = None):
        """``date_format`` is a strftime format for text dates (ISO dates by default)."""
        self.name = "dates"
        self.not_placed = "not dates"
        self.levels = len(DATE_LEVELS) + 2
        self.date_format = date_format

    @staticmethod
    def level_for(unit: str) -> int:
        """The level of ``unit`` (month, quarter or year).

        Raises:
            HierarchyError: an unknown unit.
        """
        if unit not in DATE_LEVELS:
            raise HierarchyError(f"dates: '{unit}' is not one of {', '.join(DATE_LEVELS)}")
        return DATE_LEVELS.index(unit) + 1

    def expression(self, expr: pl.Expr, level: int) -> pl.Expr:
        self.check_level(level)
        if level == 0:
            return expr
        day = as_date(expr, self.date_format)
        year = day.dt.year().cast(pl.String)
        if level == 1:
            return day.dt.strftime("%Y-%m")
        if level == 2:
            return pl.concat_str([year, pl.lit("-Q"), day.dt.quarter().cast(pl.String)])
        if level == 3:
            return year
        return pl.when(day.is_not_null()).then(pl.lit(ROOT)).otherwise(None)

    def unplaceable(self, expr: pl.Expr) -> pl.Expr:
        return expr.is_not_null() & as_date(expr, self.date_format).is_null()


class PostalTruncation(Hierarchy):
    """Postal codes losing one trailing character per level (``02139``, ``0213*``, ...).

    Level ``i`` keeps the first ``length - i`` characters and pads with ``*`` to the
    original length; the last level is ``*``.
    """

    def __init__(self, length: int):
        """Raises: HierarchyError: the length is not positive."""
        if length < 1:
            raise HierarchyError("postal truncation: the length must be at least 1")
        self.name = "postal truncation"
        self.length = length
        self.levels = length + 2

    def level_for_keep(self, keep: int) -> int:
        """The level that keeps ``keep`` leading characters.

        Raises:
            HierarchyError: ``keep`` is negative or longer than the codes.
        """
        if not 0 <= keep <= self.length:
            raise HierarchyError(f"postal truncation: keep must be 0 to {self.length}")
        return self.length - keep

    def expression(self, expr: pl.Expr, level: int) -> pl.Expr:
        self.check_level(level)
        text = expr.cast(pl.String).str.strip_chars()
        if level == 0:
            return text
        if level == self.levels - 1:
            return pl.when(text.is_not_null()).then(pl.lit(ROOT)).otherwise(None)
        keep = self.length - level
        stars = (text.str.len_chars() - keep).clip(lower_bound=0)
        return pl.concat_str([text.str.slice(0, keep), pl.lit(ROOT).repeat_by(stars).list.join("")])


def load_hierarchy(path: str | Path, *, missing: Missing = "error") -> TableHierarchy:
    """Read and validate an ARX hierarchy file (``;``-separated, no header).

    Checks: every row has the same number of levels (at least 2); no cell is empty;
    no original value appears twice; a value at one level never maps to two different
    values at the next; the last level is one single root.

    Raises:
        HierarchyError: the file is missing, unreadable or malformed; the message names
            the file and the line.
    """
    file = Path(path)
    try:
        if file.stat().st_size > MAX_HIERARCHY_BYTES:
            raise HierarchyError(f"{file}: too large for a hierarchy file")
        text = decode(file.read_bytes())
    except FileNotFoundError:
        raise HierarchyError(f"{file}: no such hierarchy file") from None
    except IsADirectoryError:
        raise HierarchyError(f"{file}: is a folder, not a hierarchy file") from None
    except OSError as error:
        raise HierarchyError(f"{file}: cannot be read ({error.strerror})") from None
    rows = _parse_rows(file, text)
    return TableHierarchy(file.stem, [row for _, row in rows], missing=missing)


def _parse_rows(file: Path, text: str) -> list[tuple[int, list[str]]]:
    """The rows of a hierarchy file read as ARX reads it (:mod:`steward.deid.arx_csv`:
    ``;``, quotes, trimmed cells, blank lines skipped, a trailing separator on every
    line dropped), each with its line; every row the same depth, no cell empty."""
    try:
        records = parse(text, ";", str(file))
    except DeidError as error:
        raise HierarchyError(str(error)) from None
    if records and all(r.trailing_empty for r in records):
        records = [r._replace(cells=r.cells[:-1]) for r in records]
    rows: list[tuple[int, list[str]]] = []
    for record in records:
        number, cells = record.line, record.cells
        if rows and len(cells) != len(rows[0][1]):
            raise HierarchyError(
                f"{file}:{number}: {len(cells)} levels, but line {rows[0][0]} has "
                f"{len(rows[0][1])}; every row needs the same number of levels"
            )
        if len(cells) < 2:
            raise HierarchyError(f"{file}:{number}: a row needs a value and at least one level")
        if "" in cells:
            raise HierarchyError(f"{file}:{number}: level {cells.index('')} is empty")
        rows.append((number, cells))
    if not rows:
        raise HierarchyError(f"{file}: the hierarchy file is empty")
    _check_tree(file, rows)
    return rows


def _check_tree(file: Path, rows: list[tuple[int, list[str]]]) -> None:
    first_seen: dict[str, int] = {}
    for number, cells in rows:
        if cells[0] in first_seen:
            raise HierarchyError(
                f"{file}:{number}: value appears twice (first on line {first_seen[cells[0]]})"
            )
        first_seen[cells[0]] = number
    root_number, root_cells = rows[0]
    for number, cells in rows:
        if cells[-1] != root_cells[-1]:
            raise HierarchyError(
                f"{file}:{number}: the last level differs from line {root_number}; "
                "the last level must be a single root such as '*'"
            )
    depth = len(rows[0][1])
    for level in range(1, depth - 1):
        parents: dict[str, tuple[str, int]] = {}
        for number, cells in rows:
            seen = parents.setdefault(cells[level], (cells[level + 1], number))
            if seen[0] != cells[level + 1]:
                raise HierarchyError(
                    f"{file}:{number}: level {level} maps to two values at level {level + 1} "
                    f"(see line {seen[1]}); a level must nest inside the next"
                )


def as_date(expr: pl.Expr, date_format: str | None = None) -> pl.Expr:
    """``expr`` as a date: dates and datetimes as they are, text parsed (null if not a date)."""
    return (
        expr.cast(pl.String)
        .str.strip_chars()
        .str.slice(0, 10 if date_format is None else None)
        .str.to_date(format=date_format or "%Y-%m-%d", strict=False)
    )


def _as_number(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)


def _width_bins(number: pl.Expr, width: float, whole: bool | None = None) -> pl.Expr:
    """Bins ``[low, low + width)`` labelled ``"20-24"`` when the width and every value of
    the column are whole numbers, else ``"20-<25"`` (so 24.5 is never shown as 20-24).
    ``whole`` says whether every value is whole when the caller knows; without it the
    expression looks at the whole column (which a streaming engine cannot do in
    batches). The step is rounded before the floor, so 3.0 in bins of 0.1 lands in
    3.0-<3.1, not in the bin below through a floating-point remainder."""
    low = (number / width).round(9).floor() * width
    high = low + width
    decimal = pl.concat_str([_num_text(low), pl.lit("-<"), _num_text(high)])
    if not float(width).is_integer():
        return decimal
    upper = (high - 1).cast(pl.Int64).cast(pl.String)
    whole_label = pl.concat_str([low.cast(pl.Int64).cast(pl.String), pl.lit("-"), upper])
    if whole is not None:
        return whole_label if whole else decimal
    return pl.when((number.floor() == number).all()).then(whole_label).otherwise(decimal)


def _edge_bins(number: pl.Expr, edges: list[float]) -> pl.Expr:
    out: pl.Expr = pl.lit(None, dtype=pl.String)
    out = pl.when(number >= edges[-1]).then(pl.lit(f">={_fmt(edges[-1])}")).otherwise(out)
    for low, high in itertools.pairwise(edges):
        label = pl.lit(f"{_fmt(low)}-<{_fmt(high)}")
        out = pl.when((number >= low) & (number < high)).then(label).otherwise(out)
    return pl.when(number < edges[0]).then(pl.lit(f"<{_fmt(edges[0])}")).otherwise(out)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _num_text(expr: pl.Expr) -> pl.Expr:
    return expr.round(6).cast(pl.String)


def _series(values: npt.NDArray[Any]) -> pl.Series:
    if values.dtype == object:
        items = values.tolist()
        kinds = {type(v) for v in items if v is not None}
        if len(kinds) > 1:
            items = [None if v is None else str(v) for v in items]
        return pl.Series("v", items, strict=False)
    return pl.Series("v", values)
