"""Small cells: quasi-identifier combinations shared by fewer than k records.

By default only their sizes are reported (how many combinations of each size, and how
many records they hold): the combinations themselves are personal data. Their values
are listed only when the caller asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from steward.deid.classes import ClassTable


@dataclass(frozen=True)
class CellSize:
    """``classes`` combinations of exactly ``size`` records, holding ``records`` records."""

    size: int
    classes: int
    records: int


@dataclass(frozen=True)
class SmallCells:
    """The combinations shared by fewer than ``k`` records.

    Attributes:
        k: the threshold.
        by_size: one row per size below ``k`` that occurs, smallest first.
        values: the combinations (one dict per class: column -> value, and ``"size"``),
            smallest first; empty unless values were asked for.
    """

    k: int
    by_size: tuple[CellSize, ...]
    values: tuple[dict[str, object], ...] = field(default=())

    @property
    def classes(self) -> int:
        """How many combinations are small cells."""
        return sum(row.classes for row in self.by_size)

    @property
    def records(self) -> int:
        """How many records sit in small cells."""
        return sum(row.records for row in self.by_size)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary; ``values`` appears only if values were asked for."""
        result: dict[str, object] = {
            "k": self.k,
            "classes": self.classes,
            "records": self.records,
            "by_size": [
                {"size": r.size, "classes": r.classes, "records": r.records} for r in self.by_size
            ],
        }
        if self.values:
            result["values"] = [dict(v) for v in self.values]
        return result


def small_cells(classes: ClassTable, k: int, *, show_values: bool = False) -> SmallCells:
    """The classes of ``classes`` smaller than ``k``: their sizes, and values on request.

    Values are taken from ``classes.values``; a quasi-identifier without values there is
    left out of each combination.
    """
    sizes = classes.sizes
    small = sizes < k
    distinct, counts = np.unique(sizes[small], return_counts=True)
    by_size = tuple(
        CellSize(int(s), int(c), int(s) * int(c)) for s, c in zip(distinct, counts, strict=True)
    )
    values: tuple[dict[str, object], ...] = ()
    if show_values and by_size:
        chosen = np.flatnonzero(small)
        chosen = chosen[np.argsort(sizes[chosen], kind="stable")]
        columns = [name for name in classes.qi if name in classes.values]
        values = tuple(
            {
                **{name: _plain(classes.values[name][i]) for name in columns},
                "size": int(sizes[i]),
            }
            for i in chosen
        )
    return SmallCells(k, by_size, values)


def _plain(value: object) -> object:
    """A JSON-friendly form of a NumPy scalar."""
    if isinstance(value, np.generic):
        return value.item()
    return value
