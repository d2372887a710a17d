"""A heuristic search for wide tables: a greedy climb, then a descent, over the same
lattice of full-domain generalizations, without ever building the lattice.

The optimal search (:mod:`steward.deid.search.flash`) builds the whole lattice: the
product of the hierarchies' heights, which past about ten quasi-identifiers runs into
hundreds of millions of nodes. This search visits a few nodes per quasi-identifier:

1. **Starts.** Three anonymous nodes to start from: two climbs from the bottom (every
   value as it is), each moving to a successor (one quasi-identifier one level up)
   until the node is anonymous, one taking the successor that leaves the fewest records
   in classes breaking the privacy model, the other the one that removes the most such
   records per unit of the metric's lower bound; and the top node. (For a monotone
   privacy model the top is anonymous whenever any node is, so when it is not, no node
   is.)
2. **Descend.** From each start, while some predecessor (one quasi-identifier one level
   down) is still anonymous and scores less, move to the best such one.
3. **Exchange.** Try lowering one quasi-identifier while raising another; keep a move
   that stays anonymous and scores less, then descend again. Repeat until no move helps.
   The best of the three ends is the answer.

The answer is anonymous and locally optimal (no single step or exchange improves it),
not necessarily the global optimum; the benchmark
(``benchmarks/bench_greedy.py``) reports how far its loss is from the optimum on tables
where the optimum can be found. Each node's classes are rolled up from the table's
distinct tuples, so memory stays that of the table's classes.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from typing import Final

import numpy as np

from steward.deid.search.flash import SearchResult
from steward.deid.search.groups import BoolArray, Groups, IntArray, Privacy, failing, roll_up
from steward.deid.search.hierarchies import CodedHierarchy
from steward.deid.search.loss import Metric

Node = tuple[int, ...]
_Found = tuple[bool, int, float, IntArray, BoolArray, tuple[IntArray, ...]]

MAX_ROUNDS: Final = 1000
"""A bound on exchange rounds (each must lower the score, so it is never reached in
practice); it keeps a pathological metric from looping."""


class _Walker:
    """Evaluates nodes (cached), counting checks and scores like the optimal search."""

    def __init__(
        self,
        base: Groups,
        hierarchies: Sequence[CodedHierarchy],
        privacy: Privacy,
        metric: Metric,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.base, self.hierarchies = base, list(hierarchies)
        self.privacy, self.metric, self.progress = privacy, metric, progress
        self.tops: Node = tuple(h.height - 1 for h in hierarchies)
        self.size = int(np.prod([h.height for h in hierarchies], dtype=np.float64))
        self.seen: dict[Node, _Found] = {}
        self.checked = self.scored = 0

    def look(self, node: Node) -> _Found:
        """Whether ``node`` is anonymous, how many records its failing classes hold,
        its score (``inf`` when not anonymous) and its classes."""
        if node in self.seen:
            return self.seen[node]
        groups, _ = roll_up(self.base, node, self.hierarchies)
        fail = failing(groups, self.privacy)
        failing_records = int(groups.counts[fail].sum())
        anonymous = failing_records <= self.privacy.limit
        self.checked += 1
        labels = tuple(
            h.maps[level][codes[fail]]
            for h, level, codes in zip(self.hierarchies, node, groups.codes, strict=True)
        )
        score = float("inf")
        if anonymous:
            score = self.metric.score(node, groups.counts, fail, labels)
            self.scored += 1
        found = (anonymous, failing_records, score, groups.counts, fail, labels)
        self.seen[node] = found
        if self.progress is not None:
            self.progress(self.checked, self.size)
        return found

    def bound(self, node: Node) -> float:
        """The metric's lower bound at ``node`` (no grouping)."""
        return float(self.metric.bounds(np.array([node], dtype=np.int16))[0])

    def up(self, node: Node) -> list[Node]:
        return [_step(node, q, +1) for q in range(len(node)) if node[q] < self.tops[q]]

    def down(self, node: Node) -> list[Node]:
        return [_step(node, q, -1) for q in range(len(node)) if node[q] > 0]

    def exchanges(self, node: Node) -> list[Node]:
        moves = []
        for lower, raise_ in itertools.permutations(range(len(node)), 2):
            if node[lower] > 0 and node[raise_] < self.tops[raise_]:
                moves.append(_step(_step(node, lower, -1), raise_, +1))
        return moves


def _step(node: Node, q: int, by: int) -> Node:
    return (*node[:q], node[q] + by, *node[q + 1 :])


def greedy_search(
    base: Groups,
    hierarchies: Sequence[CodedHierarchy],
    privacy: Privacy,
    metric: Metric,
    progress: Callable[[int, int], None] | None = None,
) -> SearchResult:
    """An anonymous node of low ``metric`` found by climbing, descending and exchanging
    (see the module); ``node`` is ``None`` when no node is anonymous.

    ``base`` holds the table's classes at level 0 of every attribute. Never raises for
    valid inputs.
    """
    start = time.perf_counter()
    walker = _Walker(base, hierarchies, privacy, metric, progress)
    best: Node | None = None
    for first in (_climb(walker, _fewest_failing), _climb(walker, _best_trade), walker.tops):
        if first is None or not walker.look(first)[0]:
            continue
        found = _improve(walker, first)
        if best is None or (walker.look(found)[2], found) < (walker.look(best)[2], best):
            best = found
    return _result(walker, best, start)


def _fewest_failing(walker: _Walker, node: Node, option: Node) -> tuple[float, ...]:
    """Climb by the successor leaving the fewest records in failing classes."""
    return (walker.look(option)[1], walker.bound(option))


def _best_trade(walker: _Walker, node: Node, option: Node) -> tuple[float, ...]:
    """Climb by the successor that removes the most failing records per unit of bound."""
    gained = walker.look(node)[1] - walker.look(option)[1]
    cost = max(walker.bound(option) - walker.bound(node), 1e-12)
    return (-gained / cost, walker.bound(option))


def _climb(
    walker: _Walker, rank: Callable[[_Walker, Node, Node], tuple[float, ...]]
) -> Node | None:
    """From the bottom, the first anonymous node up the path ``rank`` prefers, or
    ``None`` when the path reaches the top without one."""
    node: Node = tuple(0 for _ in walker.tops)
    while not walker.look(node)[0]:
        options = walker.up(node)
        if not options:
            return None
        node = min(options, key=lambda option: (*rank(walker, node, option), option))
    return node


def _improve(walker: _Walker, node: Node) -> Node:
    """Descend, then exchange and descend again, until no move lowers the score."""
    for _ in range(MAX_ROUNDS):
        node = _descend(walker, node)
        better = _better(walker, walker.exchanges(node), walker.look(node)[2])
        if better is None:
            break
        node = better
    return node


def _descend(walker: _Walker, node: Node) -> Node:
    while True:
        better = _better(walker, walker.down(node), walker.look(node)[2])
        if better is None:
            return node
        node = better


def _better(walker: _Walker, options: list[Node], score: float) -> Node | None:
    """The anonymous option of least score (then least node) below ``score``, or
    ``None``."""
    below = score - 1e-12 * max(1.0, abs(score))
    found = [(walker.look(o)[2], o) for o in options if walker.look(o)[0]]
    winners = [(value, option) for value, option in found if value < below]
    return min(winners)[1] if winners else None


def _result(walker: _Walker, node: Node | None, start: float) -> SearchResult:
    seconds = time.perf_counter() - start
    anonymous = sum(1 for found in walker.seen.values() if found[0])
    if node is None:
        empty = np.zeros(0, dtype=np.int64)
        return SearchResult(
            None, float("nan"), empty, empty.astype(np.bool_), (), walker.size,
            walker.checked, walker.scored, anonymous, seconds, "greedy",
        )  # fmt: skip
    _, _, score, counts, fail, labels = walker.look(node)
    return SearchResult(
        node, score, counts, fail, labels, walker.size,
        walker.checked, walker.scored, anonymous, seconds, "greedy",
    )  # fmt: skip
