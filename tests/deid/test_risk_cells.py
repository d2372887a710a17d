"""Small cells: sizes by default, values only on request."""

from __future__ import annotations

import numpy as np

from steward.deid.classes import ClassTable
from steward.deid.risk import small_cells

CLASSES = ClassTable(
    ("age", "zip"),
    np.array([5, 1, 2, 1, 7], dtype=np.int64),
    {
        "age": np.array(["20", "30", "40", "50", "60"], dtype=object),
        "zip": np.array(["a", "b", "c", None, "e"], dtype=object),
    },
)


def test_sizes_without_values() -> None:
    # Below k = 5: sizes 1, 2, 1 -> two classes of 1 (2 records), one class of 2 (2 records).
    cells = small_cells(CLASSES, 5)
    assert [(c.size, c.classes, c.records) for c in cells.by_size] == [(1, 2, 2), (2, 1, 2)]
    assert cells.classes == 3
    assert cells.records == 4
    assert cells.values == ()
    assert "values" not in cells.to_dict()
    assert "30" not in str(cells.to_dict())


def test_values_on_request_smallest_first() -> None:
    cells = small_cells(CLASSES, 5, show_values=True)
    assert [v["size"] for v in cells.values] == [1, 1, 2]
    assert cells.values[0] == {"age": "30", "zip": "b", "size": 1}
    assert cells.values[1] == {"age": "50", "zip": None, "size": 1}
    assert cells.to_dict()["values"] == [dict(v) for v in cells.values]


def test_no_small_cells() -> None:
    cells = small_cells(CLASSES, 1, show_values=True)
    assert cells.by_size == ()
    assert cells.records == 0
