"""Generalization hierarchies in the ARX CSV format, as integer code tables.

An ARX hierarchy file has no header; each row is ``value;level1;...;top``: a value of the
attribute followed by its generalization at each level. :class:`CodedHierarchy` turns it
into what the search needs: a code for each leaf (level 0), and for each level an array
mapping a leaf code to the code of its generalization at that level.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from steward.deid.errors import DeidError

IntArray = npt.NDArray[np.int64]


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

    def code_of(self) -> dict[str, int]:
        """A dictionary from each leaf value to its code."""
        return {value: code for code, value in enumerate(self.leaves)}


def from_rows(name: str, rows: Sequence[Sequence[str]], source: str = "") -> CodedHierarchy:
    """Build a coded hierarchy from rows ``value, level1, ..., top``.

    Raises:
        DeidError: no rows, rows of different lengths, a leaf listed twice, or a label
            that generalizes to two different labels at the next level (not a tree).
    """
    where = source or name
    if not rows:
        raise DeidError(f"hierarchy {where}: has no rows")
    height = len(rows[0])
    if height < 1 or any(len(row) != height for row in rows):
        lengths = sorted({len(row) for row in rows})
        raise DeidError(f"hierarchy {where}: rows have different lengths ({lengths})")
    leaves = [row[0] for row in rows]
    if len(set(leaves)) != len(leaves):
        raise DeidError(f"hierarchy {where}: a value is listed twice in the first column")
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
        parent[maps[level]] = maps[level + 1]
        if np.any(parent[maps[level]] != maps[level + 1]):
            raise DeidError(
                f"hierarchy {where}: a label at level {level} generalizes to two different "
                f"labels at level {level + 1}; a hierarchy must be a tree"
            )
    return CodedHierarchy(name, tuple(leaves), tuple(labels), tuple(maps), tuple(counts))


def read_hierarchy(path: str | Path, name: str | None = None) -> CodedHierarchy:
    """Read one ARX CSV hierarchy file (``;``-separated unless the file uses ``,``).

    Raises:
        DeidError: the file cannot be read or is not a valid hierarchy.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DeidError(f"hierarchy {file}: cannot be read ({error})") from None
    lines = [line for line in text.splitlines() if line.strip()]
    delimiter = ";" if any(";" in line for line in lines[:5]) else ","
    rows = [list(row) for row in csv.reader(lines, delimiter=delimiter)]
    return from_rows(name or file.stem, rows, str(file))


def find_hierarchies(folder: str | Path, columns: Sequence[str]) -> dict[str, CodedHierarchy]:
    """Load the hierarchy of each column from ``folder``.

    A column ``C`` is read from ``C.csv`` or, as in the ARX examples,
    ``<anything>_hierarchy_C.csv``.

    Raises:
        DeidError: the folder does not exist, or a column has no hierarchy file.
    """
    base = Path(folder)
    if not base.is_dir():
        raise DeidError(f"{base}: no such folder of hierarchies")
    found: dict[str, CodedHierarchy] = {}
    missing = []
    for column in columns:
        candidates = [base / f"{column}.csv", *sorted(base.glob(f"*_hierarchy_{column}.csv"))]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            missing.append(column)
            continue
        found[column] = read_hierarchy(path, column)
    if missing:
        raise DeidError(
            f"{base}: no hierarchy for {', '.join(repr(m) for m in missing)}; expected "
            f"{missing[0]}.csv or *_hierarchy_{missing[0]}.csv"
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
