"""Small-cell suppression: primary and complementary suppression, checked against an
attacker who solves linear programs over what is shown."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.vault.rules.small_cells import (
    Cell,
    feasible_range,
    suppress,
    suppress_1d,
    suppress_2d,
)
from tests.vault.small_cells_attack import leaks, recover, true_values

counts_st = st.integers(min_value=0, max_value=40)


@st.composite
def tables_2d(draw: st.DrawFn) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    rows = [f"r{i}" for i in range(draw(st.integers(1, 5)))]
    cols = [f"c{j}" for j in range(draw(st.integers(1, 5)))]
    return rows, cols, {(r, c): draw(counts_st) for r in rows for c in cols}


def _grid(
    rows: list[str], cols: list[str], counts: dict[tuple[str, str], int]
) -> dict[str, dict[str, int]]:
    return {r: {c: counts[(r, c)] for c in cols} for r in rows}


@pytest.mark.parametrize(
    ("counts", "k", "hidden"),
    [
        ({"a": 50, "b": 20, "c": 0}, 5, set()),  # nothing small; a zero is shown
        ({"a": 50, "b": 3, "c": 20}, 5, {"b", "c"}),  # one small: its smallest neighbour
        ({"a": 50, "b": 3, "c": 4}, 5, {"b", "c"}),  # 3 + 4 = 7 >= 5 + 1: both ranges 1..6
        ({"a": 50, "b": 1, "c": 2}, 5, {"b", "c", "a"}),  # 1 + 2 too few: a third cell
        ({"a": 3}, 5, {"a", "total"}),  # the total is small too
    ],
)
def test_one_way_tables(counts: dict[str, int], k: int, hidden: set[str]) -> None:
    shown = suppress_1d(counts, k).shown()
    got = {key for key, v in shown["counts"].items() if v is None}  # type: ignore[attr-defined]
    got |= {"total"} if shown["total"] is None else set()
    assert got == hidden
    assert leaks(shown, true_values(counts), k) == []


def test_a_single_suppressed_cell_in_a_row_is_not_left_alone() -> None:
    """The classic attack: one cell hidden in a row is its total minus the others."""
    rows, cols = ["North", "South"], ["pothole", "noise", "graffiti"]
    counts = {("North", "pothole"): 30, ("North", "noise"): 2, ("North", "graffiti"): 25}
    counts |= {("South", "pothole"): 40, ("South", "noise"): 30, ("South", "graffiti"): 35}
    naive = {
        "counts": {
            "North": {"pothole": 30, "noise": None, "graffiti": 25},
            "South": {"pothole": 40, "noise": 30, "graffiti": 35},
        },
        "row_totals": {"North": 57, "South": 105},
        "col_totals": {"pothole": 70, "noise": 32, "graffiti": 60},
        "total": 162,
    }
    assert recover(naive)["North|noise"] == (2, 2)  # pinned: what the rule prevents
    shown = suppress_2d(rows, cols, counts, 5).shown()
    assert leaks(shown, true_values(_grid(rows, cols, counts)), 5) == []
    row = shown["counts"]["North"]  # type: ignore[index]
    assert sum(v is None for v in row.values()) >= 2


def test_a_bridge_between_two_blocks_is_caught() -> None:
    """Two suppressed cells per line is not enough when a cell lies on no cycle."""
    cells = [Cell(0, 0, 3, 1), Cell(0, 1, 30, 1), Cell(1, 0, 30, 1), Cell(1, 1, 30, 1)]
    assert feasible_range(cells, {0, 1}, 0) == (3, 3)  # column 0 shows the rest
    assert feasible_range(cells, {0, 1, 2, 3}, 0) == (1, 32)


@pytest.mark.parametrize("k", [1, 0, -3])
def test_a_group_below_two_is_refused(k: int) -> None:
    with pytest.raises(ValueError, match="at least 2"):
        suppress_1d({"a": 1}, k)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress([Cell(0, 0, -1, 1)], 5)


@settings(max_examples=60)
@given(st.dictionaries(st.sampled_from("abcdefgh"), counts_st, max_size=8), st.integers(2, 12))
def test_one_way_tables_never_leak(counts: dict[str, int], k: int) -> None:
    shown = suppress_1d(counts, k)
    table = shown.shown()
    for key, value in counts.items():
        got = table["counts"][key]  # type: ignore[index]
        assert got == (None if 0 < value < k else value) or (got is None and value >= k)
    assert leaks(table, true_values(counts), k) == []


@settings(max_examples=40)
@given(tables_2d(), st.integers(2, 10))
def test_cross_tabs_never_leak(
    table: tuple[list[str], list[str], dict[tuple[str, str], int]], k: int
) -> None:
    rows, cols, counts = table
    shown = suppress_2d(rows, cols, counts, k)
    out = shown.shown()
    grid = _grid(rows, cols, counts)
    truth = true_values(grid)
    for (r, c), value in counts.items():
        got = out["counts"][r][c]  # type: ignore[index]
        if 0 < value < k:
            assert got is None  # every small count is suppressed
        if value == 0:
            assert got == 0  # a zero is always shown
    for name, value in truth.items():
        if name.startswith(("row:", "col:")) or name == "total":
            kind, _, label = name.partition(":")
            shown_value = (
                out["total"]
                if name == "total"
                else out["row_totals" if kind == "row" else "col_totals"][label]  # type: ignore[index]
            )
            assert shown_value in (None, value)
            if 0 < value < k:
                assert shown_value is None  # a small total is suppressed too
    assert leaks(out, truth, k) == []
    assert shown.suppressed == sum(1 for name in truth if name in recover(out))
