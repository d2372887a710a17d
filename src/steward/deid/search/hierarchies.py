"""Generalization hierarchies in the ARX CSV format, as integer code tables.

An ARX hierarchy file has no header; each row is ``value;level1;...;top``: a value of the
attribute followed by its generalization at each level (the text rules are in
:mod:`~steward.deid.arx_csv`; a missing value is the empty leaf :data:`MISSING`).
:class:`CodedHierarchy` turns it into what the search needs: a code for each leaf
(level 0), and for each level an array mapping a leaf code to the code of its
generalization at that level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from steward.deid.arx_csv import BLANK, LINE_BREAK, QUOTE, decode, parse, sniff_delimiter
from steward.deid.errors import DeidError

if TYPE_CHECKING:
    import polars as pl

IntArray = npt.NDArray[np.int64]
MISSING: Final = ""
"""The leaf a missing value (a null, or an empty CSV cell) has, as in ARX's files."""
WRITTEN_SUFFIX: Final = "_hierarchy.csv"
"""``anonymize`` writes the hierarchy of column ``C`` as ``C_hierarchy.csv``."""
MAX_HIERARCHY_BYTES: Final = 200 * 1024 * 1024


@dataclass(frozen=True)
class CodedHierarchy:
    """One attribute's hierarchy, coded as integers.

    Attributes:
        name: the attribute (column) name.
        leaves: the level-0 values; a value's code is its position.
        labels: for each level, the distinct labels; ``labels[0] == leaves``.
        maps: for each level, an array mapping a leaf code to its label code there.
        leaf_counts: for each level, how many leaves each label covers.
    """

    name: str
    leaves: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    maps: tuple[IntArray, ...]
    leaf_counts: tuple[IntArray, ...]

    @property
    def height(self) -> int:
        """How many levels the hierarchy has, level 0 included."""
        return len(self.maps)

    @property
    def domain_size(self) -> int:
        """How many leaves (rows) the hierarchy has."""
        return len(self.leaves)

    @cached_property
    def leaf_enum(self) -> pl.Enum:
        """The leaves as a Polars enum: a value's position in it is its leaf code (made
        once per hierarchy; a hierarchy may have 100,000 leaves)."""
        import polars as pl  # the hierarchy reader itself needs only NumPy

        return pl.Enum(pl.Series(self.leaves, dtype=pl.String))

    def code_of(self) -> dict[str, int]:
        """A dictionary from each leaf value to its code."""
        return {value: code for code, value in enumerate(self.leaves)}

    def rows(self) -> list[list[str]]:
        """The hierarchy as ARX rows, ``value, level1, ..., top``, one per leaf in order.

        :func:`from_rows` of these rows gives back an equal hierarchy.
        """
        columns = [
            np.asarray(self.labels[level], dtype=object)[self.maps[level]].tolist()
            for level in range(self.height)
        ]
        return [list(row) for row in zip(*columns, strict=True)]


def from_rows(
    name: str,
    rows: Sequence[Sequence[str]],
    source: str = "",
    lines: Sequence[int] | None = None,
) -> CodedHierarchy:
    """Build a coded hierarchy from rows ``value, level1, ..., top``.

    ``lines`` gives each row's line in ``source``, for the messages; without it a row
    is named by its position. Messages never show a value.

    Raises:
        DeidError: no rows, rows of different lengths, a leaf listed twice, or a label
            that generalizes to two different labels at the next level (not a tree).
    """
    where = _Where(source or name, lines)
    if not rows:
        raise DeidError(f"hierarchy {where.name}: has no rows")
    lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    _check_lengths(lengths, where)
    return _coded(name, [list(column) for column in zip(*rows, strict=True)], where)


def _coded(
    name: str, columns: Sequence[Sequence[str] | pl.Series], where: _Where
) -> CodedHierarchy:
    """A coded hierarchy from its levels as columns (leaves first), all of one length.
    Each level's labels are numbered in the order they first appear.

    Raises:
        DeidError: no rows, a leaf listed twice, or a label that generalizes to two
            different labels at the next level (not a tree); messages name the line.
    """
    import polars as pl  # loaded on first use: the hierarchy module itself needs only NumPy

    series = [pl.Series(column, dtype=pl.String) for column in columns]
    if not series or series[0].len() == 0:
        raise DeidError(f"hierarchy {where.name}: has no rows")
    repeated = np.flatnonzero(~series[0].is_first_distinct().to_numpy())
    if repeated.size:
        again = int(repeated[0])
        seen = int(np.flatnonzero((series[0] == series[0][again]).to_numpy())[0])
        raise DeidError(
            f"hierarchy {where.at(again)}: a value is listed twice in the first column "
            f"(first on {where.line_of(seen)})"
        )
    labels: list[tuple[str, ...]] = []
    maps: list[IntArray] = []
    counts: list[IntArray] = []
    for number, level in enumerate(series):
        distinct, codes = _first_seen_codes(level, leaves=number == 0)
        labels.append(tuple(distinct.to_list()))
        maps.append(codes)
        counts.append(np.bincount(codes, minlength=distinct.len()).astype(np.int64))
    _check_tree(maps, len(labels), where)
    return CodedHierarchy(name, labels[0], tuple(labels), tuple(maps), tuple(counts))


def _first_seen_codes(level: pl.Series, *, leaves: bool) -> tuple[pl.Series, IntArray]:
    """The distinct labels of one level in the order they first appear, and each row's
    label code (its label's position there). Leaves are already known to be distinct."""
    import polars as pl

    if leaves:
        return level, np.arange(level.len(), dtype=np.int64)
    distinct = level.unique(maintain_order=True)
    numbered = pl.DataFrame({"label": distinct, "code": np.arange(distinct.len())})
    coded = pl.DataFrame({"label": level}).join(
        numbered, on="label", how="left", maintain_order="left"
    )
    return distinct, coded["code"].to_numpy().astype(np.int64, copy=False)


@dataclass(frozen=True)
class _Where:
    """Where a hierarchy's rows came from, to name a row in a message."""

    name: str
    lines: Sequence[int] | None = None

    def line_of(self, index: int) -> str:
        """``line N`` of the file, or ``row N`` when the rows came from no file."""
        return f"line {self.lines[index]}" if self.lines is not None else f"row {index + 1}"

    def at(self, index: int) -> str:
        """``source:N``, or ``name (row N)``."""
        if self.lines is not None:
            return f"{self.name}:{self.lines[index]}"
        return f"{self.name} (row {index + 1})"


def _check_lengths(lengths: IntArray, where: _Where) -> None:
    """Raise unless every row has the same number of levels, at least one."""
    height = int(lengths[0])
    ragged = np.flatnonzero(lengths != height)
    if height < 1 or ragged.size:
        bad = int(ragged[0]) if ragged.size else 0
        raise DeidError(
            f"hierarchy {where.at(bad)}: rows have different lengths ({int(lengths[bad])} "
            f"levels here, {height} on {where.line_of(0)}); every row needs the same number"
        )


def _check_tree(maps: Sequence[IntArray], height: int, where: _Where) -> None:
    """Raise unless each label generalizes to one label at the next level."""
    for level in range(height - 1):
        parent = np.full(int(maps[level].max()) + 1, -1, dtype=np.int64)
        parent[maps[level][::-1]] = maps[level + 1][::-1]
        wrong = np.flatnonzero(parent[maps[level]] != maps[level + 1])
        if wrong.size:
            first_wrong = int(wrong[0])
            label = maps[level][first_wrong]
            earlier = int(np.flatnonzero(maps[level] == label)[0])
            raise DeidError(
                f"hierarchy {where.at(first_wrong)}: its label at level {level} generalizes "
                f"to a different label at level {level + 1} than on {where.line_of(earlier)}; "
                "a hierarchy must be a tree"
            )


def read_hierarchy(path: str | Path, name: str | None = None) -> CodedHierarchy:
    """Read one ARX hierarchy file as ARX does (see :mod:`steward.deid.arx_csv`): ``;``-separated
    unless the first lines hold none (then a tab or ``,``), quotes, blank lines skipped,
    a trailing separator on every line dropped, UTF-8 or Latin-1 text.

    Raises:
        DeidError: the file cannot be read or is not a valid hierarchy; the message
            names the file and the line.
    """
    file = Path(path)
    try:
        if file.stat().st_size > MAX_HIERARCHY_BYTES:
            raise DeidError(f"hierarchy {file}: too large for a hierarchy file")
        raw = file.read_bytes()
    except FileNotFoundError:
        raise DeidError(f"hierarchy {file}: no such file") from None
    except OSError as error:
        raise DeidError(f"hierarchy {file}: cannot be read ({error.strerror})") from None
    text = decode(raw)
    delimiter = sniff_delimiter(text)
    if QUOTE not in text:
        return _read_unquoted(name or file.stem, text, delimiter, str(file))
    records = parse(text, delimiter, str(file))
    if records and all(r.trailing_empty for r in records):
        records = [r._replace(cells=r.cells[:-1]) for r in records]
    rows = [r.cells for r in records]
    return from_rows(name or file.stem, rows, str(file), [r.line for r in records])


def _read_unquoted(name: str, text: str, delimiter: str, source: str) -> CodedHierarchy:
    """:func:`read_hierarchy` of a text without quotes, split and trimmed by Polars a
    column at a time; the same rules as :func:`~steward.deid.arx_csv.parse`, which reads
    such a text a line at a time.

    Raises:
        DeidError: as :func:`from_rows`, naming the file's line.
    """
    import polars as pl

    cells = pl.col("cells")
    records = (
        pl.DataFrame({"text": text.split("\n") if "\r" not in text else LINE_BREAK.split(text)})
        .with_row_index("line", offset=1)
        .select("line", pl.col("text").str.split(delimiter).alias("cells"))
        .filter((cells.list.len() > 1) | (cells.list.first().str.strip_chars(BLANK) != ""))
    )
    where = _Where(source, records["line"].to_list())
    if records.height == 0:
        raise DeidError(f"hierarchy {source}: has no rows")
    levels = records["cells"]
    lengths = levels.list.len().to_numpy().astype(np.int64)
    last = levels.list.last().str.strip_chars(BLANK)
    if ((lengths > 1) & (last == "").to_numpy()).all():
        lengths = lengths - 1
    _check_lengths(lengths, where)
    columns = [levels.list.get(level).str.strip_chars(BLANK) for level in range(int(lengths[0]))]
    return _coded(name, columns, where)


def hierarchy_file(folder: str | Path, column: str) -> Path | None:
    """The hierarchy file of ``column`` in ``folder``, if there is one.

    Looked for, in order: ``C.csv``, ``C_hierarchy.csv`` (as ``anonymize`` writes them)
    and, as in the ARX examples, ``<anything>_hierarchy_C.csv`` (the first by name).
    """
    base = Path(folder)
    suffix = f"_hierarchy_{column}.csv"
    named = [base / f"{column}.csv", base / f"{column}{WRITTEN_SUFFIX}"]
    try:
        others = sorted(p for p in base.iterdir() if p.name.endswith(suffix))
    except OSError:
        others = []
    return next((p for p in (*named, *others) if p.is_file()), None)


def find_hierarchies(
    folder: str | Path, columns: Sequence[str], *, required: bool = True
) -> dict[str, CodedHierarchy]:
    """Load the hierarchy of each column from ``folder`` (see :func:`hierarchy_file`).

    With ``required=False`` a column without a file is left out of the result.

    Raises:
        DeidError: the folder does not exist, a file is not a valid hierarchy, or
            (when required) a column has no hierarchy file.
    """
    base = Path(folder)
    if not base.is_dir():
        raise DeidError(f"{base}: no such folder of hierarchies")
    found: dict[str, CodedHierarchy] = {}
    missing = []
    for column in columns:
        path = hierarchy_file(base, column)
        if path is None:
            missing.append(column)
            continue
        found[column] = read_hierarchy(path, column)
    if missing and required:
        raise DeidError(
            f"{base}: no hierarchy for {', '.join(repr(m) for m in missing)}; expected "
            f"{missing[0]}.csv, {missing[0]}{WRITTEN_SUFFIX} or *_hierarchy_{missing[0]}.csv"
        )
    return found


def check_all(hierarchies: Mapping[str, CodedHierarchy], qi: Sequence[str]) -> None:
    """Raise unless every quasi-identifier has a hierarchy.

    Raises:
        DeidError: naming the quasi-identifiers without one.
    """
    missing = [q for q in qi if q not in hierarchies]
    if missing:
        raise DeidError(f"no hierarchy for {', '.join(repr(m) for m in missing)}")
