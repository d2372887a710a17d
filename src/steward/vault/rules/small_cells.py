"""Small-cell suppression of a table of counts: primary suppression of small cells, then
complementary suppression so that the cells and totals shown cannot give a suppressed
cell back. Plain Python: no Django, no database.

The rule, with ``k`` the audience's smallest group:

* **Primary suppression.** Every count from 1 to ``k - 1``, a cell or a total, is
  suppressed. A 0 is shown: it says "nobody here", which singles nobody out, and it is
  the usual practice. So anyone reading the table knows that a suppressed count is at
  least 1; the protection below assumes a reader who knows that.
* **Complementary suppression.** Every line (a row with its total, a column with its
  total, the row of column totals with the grand total) that holds a suppressed count
  holds at least two; then, for every small count suppressed, the range a reader can
  work out from everything shown (by linear programming over the table's sums, each
  suppressed count at least 1) must reach ``k`` and hold at least ``k`` values: the
  reader can neither work the count out nor narrow it to fewer than ``k`` possibilities,
  nor tell it from a group of ``k`` or more. (A range cannot always start at 1: a
  suppressed total of two suppressed cells is at least 2, and a reader knows it.)
  Complementary counts are chosen smallest first (least information lost); a total is
  suppressed only when no cell of its line will do.

The ranges are computed exactly, as a maximum flow: a table with its totals is a
bipartite graph (rows and columns, a cell an edge between them), and the values the
suppressed cells can take together move only along cycles of suppressed cells (see
:func:`feasible_range`). A 1-D table is the same with one row: its cells and its total
are parallel edges between two nodes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import inf

__all__ = [
    "Cell",
    "Suppressed1D",
    "Suppressed2D",
    "feasible_range",
    "protected",
    "suppress_1d",
    "suppress_2d",
]

FLOOR = 1
"""What a reader knows of every suppressed count: it is at least 1 (zeros are shown)."""


@dataclass(frozen=True)
class Cell:
    """One count of a table as a graph edge.

    ``row`` and ``col`` are nodes of the bipartite graph; ``sign`` is +1 for a cell and
    -1 for a total that sums the other edges at its nodes (the grand total of a 2-D table
    is +1 again), so that every change of the counts consistent with the sums is a
    circulation.
    """

    row: int
    col: int
    value: int
    sign: int


def _capacities(cells: Sequence[Cell], hidden: set[int], skip: int) -> dict[int, dict[int, float]]:
    """Residual capacities between nodes through the hidden cells other than ``skip``.

    Rows are node ``2 * row``, columns ``2 * col + 1``. A positive change of a cell's
    signed value is flow row -> column; each direction is unbounded or bounded by how
    far the count may fall (to :data:`FLOOR`).
    """
    cap: dict[int, dict[int, float]] = {}
    for index in hidden:
        if index == skip:
            continue
        cell = cells[index]
        r, c = 2 * cell.row, 2 * cell.col + 1
        down = float(cell.value - FLOOR)
        forward, backward = (inf, down) if cell.sign > 0 else (down, inf)
        cap.setdefault(r, {})[c] = cap.get(r, {}).get(c, 0.0) + forward
        cap.setdefault(c, {})[r] = cap.get(c, {}).get(r, 0.0) + backward
    return cap


def _max_flow(cap: dict[int, dict[int, float]], source: int, sink: int) -> float:
    """The maximum flow from ``source`` to ``sink`` (Edmonds-Karp); ``inf`` if unbounded."""
    flow = 0.0
    while True:
        parent: dict[int, int] = {source: source}
        queue = deque([source])
        while queue and sink not in parent:
            node = queue.popleft()
            for nxt, room in cap.get(node, {}).items():
                if room > 0 and nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        if sink not in parent:
            return flow
        path = []
        node = sink
        while node != source:
            path.append((parent[node], node))
            node = parent[node]
        push = min(cap[u][v] for u, v in path)
        if push == inf:
            return inf
        for u, v in path:
            cap[u][v] -= push
            cap.setdefault(v, {})[u] = cap.get(v, {}).get(u, 0.0) + push
        flow += push


def feasible_range(cells: Sequence[Cell], hidden: set[int], index: int) -> tuple[int, float]:
    """The smallest and largest value hidden cell ``index`` can take, given every shown
    count, every sum of the table, and every hidden count at least :data:`FLOOR`.

    The largest is ``inf`` when nothing bounds it (a grand total suppressed, say).
    This is exactly what a linear program over the shown table finds.
    """
    cell = cells[index]
    r, c = 2 * cell.row, 2 * cell.col + 1
    up_from, up_to = (c, r) if cell.sign > 0 else (r, c)
    rise = _max_flow(_capacities(cells, hidden, index), up_from, up_to)
    fall = min(cell.value - FLOOR, _max_flow(_capacities(cells, hidden, index), up_to, up_from))
    return int(cell.value - fall), cell.value + rise


def protected(low: float, high: float, k: int) -> bool:
    """Whether a range ``[low, high]`` of a small suppressed count protects it: it reaches
    ``k`` and holds at least ``k`` whole values."""
    return high >= k and high - low >= k - 1


def _lines(cells: Sequence[Cell]) -> list[list[int]]:
    """The cells at each node (a row with its total, a column with its total...)."""
    at: dict[int, list[int]] = {}
    for index, cell in enumerate(cells):
        at.setdefault(2 * cell.row, []).append(index)
        at.setdefault(2 * cell.col + 1, []).append(index)
    return list(at.values())


def _cheapest(cells: Sequence[Cell], hidden: set[int], among: Sequence[int]) -> int | None:
    """The shown, non-zero cell of ``among`` with the smallest count (cells before totals)."""
    options = [i for i in among if i not in hidden and cells[i].value > 0]
    if not options:
        return None
    return min(options, key=lambda i: (cells[i].value, cells[i].sign < 0, i))


def suppress(cells: Sequence[Cell], k: int) -> set[int]:
    """The indices of ``cells`` to suppress so that no small count can be worked out.

    Raises:
        ValueError: ``k`` is below 2, or a count is negative.
    """
    if k < 2:
        raise ValueError("the smallest group must be at least 2")
    if any(cell.value < 0 for cell in cells):
        raise ValueError("a count cannot be negative")
    small = {i for i, cell in enumerate(cells) if 0 < cell.value < k}
    hidden = set(small)
    lines = _lines(cells)
    while True:
        _pair_lines(cells, hidden, lines)
        weak = next(
            (i for i in sorted(small) if not protected(*feasible_range(cells, hidden, i), k)),
            None,
        )
        if weak is None:
            return hidden
        _widen(cells, hidden, weak, k, lines)


def _pair_lines(cells: Sequence[Cell], hidden: set[int], lines: list[list[int]]) -> None:
    """Add the cheapest cell to each line with a single suppressed count, until none has."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for i in line if i in hidden) == 1:
                pick = _cheapest(cells, hidden, line)
                if pick is not None:
                    hidden.add(pick)
                    changed = True


def _widen(
    cells: Sequence[Cell], hidden: set[int], weak: int, k: int, lines: list[list[int]]
) -> None:
    """Suppress one more cell for the under-protected count ``weak``: the smallest that
    widens its range, else the cheapest cell of its lines (or of any line) to go on."""
    before = feasible_range(cells, hidden, weak)
    order = sorted(
        (i for i, cell in enumerate(cells) if i not in hidden and cell.value > 0),
        key=lambda i: (cells[i].value, cells[i].sign < 0, i),
    )
    for candidate in order:
        if feasible_range(cells, hidden | {candidate}, weak) != before:
            hidden.add(candidate)
            return
    near = [i for line in lines if weak in line for i in line]
    pick = _cheapest(cells, hidden, near)
    if pick is None:
        pick = order[0] if order else None
    if pick is None:  # pragma: no cover - every non-zero count is already suppressed
        raise AssertionError("nothing left to suppress")
    hidden.add(pick)


@dataclass(frozen=True)
class Suppressed1D:
    """A 1-D table as shown: each count or ``None`` where suppressed, and the total."""

    counts: dict[str, int | None]
    total: int | None

    @property
    def suppressed(self) -> int:
        """How many counts (cells and total) are suppressed."""
        return sum(v is None for v in self.counts.values()) + (self.total is None)

    def shown(self) -> dict[str, object]:
        """The table as released (JSON): ``{"counts": {value: n}, "total": n}``."""
        return {"counts": dict(self.counts), "total": self.total}


@dataclass(frozen=True)
class Suppressed2D:
    """A cross-tab as shown: cells by row then column, row and column totals, grand total;
    ``None`` where suppressed."""

    cells: dict[str, dict[str, int | None]]
    row_totals: dict[str, int | None]
    col_totals: dict[str, int | None]
    total: int | None

    @property
    def suppressed(self) -> int:
        """How many counts (cells and totals) are suppressed."""
        hidden = sum(v is None for row in self.cells.values() for v in row.values())
        hidden += sum(v is None for v in self.row_totals.values())
        hidden += sum(v is None for v in self.col_totals.values())
        return hidden + (self.total is None)

    def shown(self) -> dict[str, object]:
        """The table as released (JSON): counts by row then column, and the totals."""
        return {
            "counts": {r: dict(row) for r, row in self.cells.items()},
            "row_totals": dict(self.row_totals),
            "col_totals": dict(self.col_totals),
            "total": self.total,
        }


def suppress_1d(counts: Mapping[str, int], k: int) -> Suppressed1D:
    """``counts`` (value -> count) with their total, small counts suppressed.

    Raises:
        ValueError: ``k`` below 2, or a negative count.
    """
    keys = list(counts)
    cells = [Cell(0, 0, counts[key], 1) for key in keys]
    cells.append(Cell(0, 0, sum(counts.values()), -1))
    hidden = suppress(cells, k)
    shown = {key: None if i in hidden else counts[key] for i, key in enumerate(keys)}
    return Suppressed1D(shown, None if len(keys) in hidden else cells[-1].value)


def suppress_2d(
    rows: Sequence[str], cols: Sequence[str], counts: Mapping[tuple[str, str], int], k: int
) -> Suppressed2D:
    """The cross-tab ``rows`` x ``cols`` of ``counts`` (missing pairs count 0) with row and
    column totals and the grand total, small counts suppressed.

    Raises:
        ValueError: ``k`` below 2, or a negative count.
    """
    n_rows, n_cols = len(rows), len(cols)
    grid = [[counts.get((r, c), 0) for c in cols] for r in rows]
    cells: list[Cell] = []
    for i in range(n_rows):
        for j in range(n_cols):
            cells.append(Cell(i, j, grid[i][j], 1))
    for i in range(n_rows):
        cells.append(Cell(i, n_cols, sum(grid[i]), -1))
    for j in range(n_cols):
        cells.append(Cell(n_rows, j, sum(grid[i][j] for i in range(n_rows)), -1))
    cells.append(Cell(n_rows, n_cols, sum(map(sum, grid)), 1))
    hidden = suppress(cells, k)

    def show(index: int) -> int | None:
        return None if index in hidden else cells[index].value

    base = n_rows * n_cols
    return Suppressed2D(
        cells={
            r: {c: show(i * n_cols + j) for j, c in enumerate(cols)} for i, r in enumerate(rows)
        },
        row_totals={r: show(base + i) for i, r in enumerate(rows)},
        col_totals={c: show(base + n_rows + j) for j, c in enumerate(cols)},
        total=show(len(cells) - 1),
    )
