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

from steward.deid.arx_csv import decode, parse, sniff_delimiter
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
    where = source or name

    def at(index: int) -> str:
        return f"{where}:{lines[index]}" if lines is not None else f"{where} (row {index + 1})"

    def line_of(index: int) -> str:
        return f"line {lines[index]}" if lines is not None else f"row {index + 1}"

    if not rows:
        raise DeidError(f"hierarchy {where}: has no rows")
    height = len(rows[0])
    ragged = next((i for i, row in enumerate(rows) if len(row) != height), None)
    if height < 1 or ragged is not None:
        bad = ragged or 0
        raise DeidError(
            f"hierarchy {at(bad)}: rows have different lengths ({len(rows[bad])} "
            f"levels here, {height} on {line_of(0)}); every row needs the same number"
        )
    leaves = [row[0] for row in rows]
    first: dict[str, int] = {}
    for i, leaf in enumerate(leaves):
        seen = first.setdefault(leaf, i)
        if seen != i:
            raise DeidError(
                f"hierarchy {at(i)}: a value is listed twice in the first column "
                f"(first on {line_of(seen)})"
            )
    labels: list[tuple[str, ...]] = []
    maps: list[IntArray] = []
    counts: list[IntArray] = []
    for level in range(height):
        index: dict[str, int] = {}
        codes = np.empty(len(rows), dtype=np.int64)
        for i, row in enumerate(rows):
            codes[i] = index.setdefault(row[level], len(index))
        labels.append(tuple(index))
        maps.append(codes)
        counts.append(np.bincount(codes, minlength=len(index)).astype(np.int64))
    for level in range(height - 1):
        parent = np.full(len(labels[level]), -1, dtype=np.int64)
        parent[maps[level][::-1]] = maps[level + 1][::-1]
        wrong = np.flatnonzero(parent[maps[level]] != maps[level + 1])
        if wrong.size:
            first_wrong = int(wrong[0])
            label = maps[level][first_wrong]
            earlier = int(np.flatnonzero(maps[level] == label)[0])
            raise DeidError(
                f"hierarchy {at(first_wrong)}: its label at level {level} generalizes to a "
                f"different label at level {level + 1} than on {line_of(earlier)}; a "
                "hierarchy must be a tree"
            )
    return CodedHierarchy(name, tuple(leaves), tuple(labels), tuple(maps), tuple(counts))


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
    records = parse(text, sniff_delimiter(text), str(file))
    if records and all(r.trailing_empty for r in records):
        records = [r._replace(cells=r.cells[:-1]) for r in records]
    rows = [r.cells for r in records]
    return from_rows(name or file.stem, rows, str(file), [r.line for r in records])


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
