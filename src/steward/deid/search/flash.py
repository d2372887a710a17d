"""The optimal search: monotonicity tagging and bound pruning over the lattice.

Every node is *anonymous* (meets the privacy model within the suppression limit) or not.
For k-anonymity and distinct l-diversity (and t-closeness without suppression) this is
monotone: the generalizations of an anonymous node are anonymous, the specializations of
a non-anonymous node are not. Each check therefore tags a whole cone of the lattice.

Each metric also gives every node a lower bound (:meth:`Metric.bounds`) that is monotone
and cheap (no grouping). A node whose bound is not below the best value found so far
cannot win, so it is never checked nor scored. The search (for ``loss`` and ``entropy``):

1. Incumbent: along the greedy path from the bottom that always takes the successor
   with the least bound, binary-search the first anonymous node and score it.
2. Repeatedly check the *maximal* untagged nodes among those whose bound is below the
   best value (a non-anonymous one tags everything below it, so few checks settle the
   region that matters); every anonymous node checked is scored at once and may lower
   the best value, which shrinks the region.
3. Score the nodes tagged anonymous (never checked) whose bound is below the best value,
   in order of bound, stopping at the first bound that is not below the best value.

For ``discernibility`` (whose bound is flat) the lattice is tagged as ARX's Flash does
(Kohlmayer et al. 2012): from the lowest untagged node, a greedy path of untagged
successors is binary-searched; then step 3 runs. When the privacy model is not monotone
(t-closeness with suppression), step 3 runs over every node, checking each in turn.
Every node that can beat the answer is examined, so the answer is optimal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from steward.deid.search.evaluator import Evaluator
from steward.deid.search.groups import BoolArray, Groups, IntArray, Privacy, failing
from steward.deid.search.hierarchies import CodedHierarchy
from steward.deid.search.keyed import Keyed
from steward.deid.search.lattice import Lattice
from steward.deid.search.loss import Metric

UNKNOWN, ANONYMOUS, NOT_ANONYMOUS = 0, 1, -1


@dataclass(frozen=True)
class SearchResult:
    """The optimal node and how the search went.

    Attributes:
        node: the chosen level of each attribute; ``None`` when no node is anonymous.
        score: the chosen node's metric value.
        counts: the size of each class at the chosen node; ``fail`` marks the
            suppressed ones and ``labels[q]`` gives their label codes for attribute q.
        lattice_size: nodes in the lattice; ``checked``: nodes whose anonymity was
            computed; ``scored``: nodes whose metric was computed; ``anonymous``: nodes
            known to be anonymous; ``seconds``: time spent searching.
        strategy: ``optimal`` (this module) or ``greedy`` (:mod:`.greedy`).
    """

    node: tuple[int, ...] | None
    score: float
    counts: IntArray
    fail: BoolArray
    labels: tuple[IntArray, ...]
    lattice_size: int
    checked: int
    scored: int
    anonymous: int
    seconds: float
    strategy: str = "optimal"


@dataclass
class _State:
    """The search's working state: tags, the best node so far, counters."""

    lattice: Lattice
    evaluator: Evaluator
    privacy: Privacy
    metric: Metric
    bounds: npt.NDArray[np.float64]
    status: npt.NDArray[np.int8]
    scored_nodes: npt.NDArray[np.bool_]
    best: float = float("inf")
    best_index: int = -1
    best_parts: tuple[IntArray, BoolArray, tuple[IntArray, ...]] | None = None
    checked: int = 0
    scored: int = 0
    monotone: bool = field(default=True)
    progress: Callable[[int, int], None] | None = None

    def tick(self) -> None:
        """Tell the progress display how many nodes have been checked or scored."""
        if self.progress is not None:
            self.progress(self.checked + self.scored, self.lattice.size)

    def relevant(self, index: int) -> bool:
        """Whether the node's bound leaves it a chance to beat the best value."""
        return bool(self.bounds[index] < self.threshold())

    def threshold(self) -> float:
        """Bounds must be below this to matter (the best value, less a rounding margin)."""
        if self.best == float("inf"):
            return self.best
        return self.best - 1e-12 * max(1.0, abs(self.best))

    def visit(self, index: int) -> bool:
        """Check the node, tag what follows, score it if anonymous; return anonymity."""
        groups = self.evaluator.classes(index)
        fail = failing(groups, self.privacy)
        self.checked += 1
        self.tick()
        anonymous = int(groups.counts[fail].sum()) <= self.privacy.limit
        if self.monotone:
            _propagate(self.lattice, self.status, index, anonymous)
        else:
            self.status[index] = ANONYMOUS if anonymous else NOT_ANONYMOUS
        if anonymous:
            self.offer(index, groups, fail)
        return anonymous

    def offer(self, index: int, groups: Groups | Keyed, fail: BoolArray) -> None:
        """Score an anonymous node and keep it if it beats the best so far."""
        counts = groups.counts
        self.scored += 1
        self.scored_nodes[index] = True
        self.tick()
        labels = self.evaluator.labels(groups, fail)
        value = self.metric.score(groups.node, counts, fail, labels)
        if value < self.best - 1e-12 * max(1.0, abs(value)):
            self.best, self.best_index, self.best_parts = value, index, (counts, fail, labels)

    def score_known(self, index: int) -> None:
        """Score a node tagged anonymous without being checked."""
        groups = self.evaluator.classes(index)
        self.offer(index, groups, failing(groups, self.privacy))


def search(
    base: Groups,
    hierarchies: Sequence[CodedHierarchy],
    privacy: Privacy,
    metric: Metric,
    strategy: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> SearchResult:
    """Find the node of least ``metric`` satisfying ``privacy`` (see the module doc).

    ``base`` holds the table's classes at level 0 of every attribute. ``strategy="flash"``
    tags the whole lattice first even when the bound allows pruning (for comparison).
    """
    start = time.perf_counter()
    lattice = Lattice.of([h.height for h in hierarchies])
    state = _State(
        lattice,
        Evaluator(base, hierarchies, lattice),
        privacy,
        metric,
        metric.bounds(lattice.levels),
        np.zeros(lattice.size, dtype=np.int8),
        np.zeros(lattice.size, dtype=np.bool_),
        monotone=privacy.monotone,
        progress=progress,
    )
    if not privacy.monotone:
        _score_all(state, np.arange(lattice.size), check=True)
    elif metric.name == "discernibility" or strategy == "flash":
        _tag(state)
        _score_all(state, np.flatnonzero(state.status == ANONYMOUS), check=False)
    else:
        _incumbent(state)
        _settle(state)
        _score_all(state, np.flatnonzero(state.status == ANONYMOUS), check=False)
    seconds = time.perf_counter() - start
    anonymous = int((state.status == ANONYMOUS).sum())
    if state.best_parts is None:
        empty = np.zeros(0, dtype=np.int64)
        return SearchResult(
            None, float("nan"), empty, empty.astype(np.bool_), (), lattice.size,
            state.checked, state.scored, anonymous, seconds,
        )  # fmt: skip
    counts, fail, labels = state.best_parts
    return SearchResult(
        lattice.node(state.best_index), state.best, counts, fail, labels, lattice.size,
        state.checked, state.scored, anonymous, seconds,
    )  # fmt: skip


def _score_all(state: _State, candidates: npt.NDArray[np.intp], check: bool) -> None:
    """Step 3: score candidates in order of bound until no bound is below the best."""
    heights = state.lattice.heights_of_nodes()
    bounds = state.bounds[candidates]
    for position in np.lexsort((candidates, heights[candidates], bounds)):
        index = int(candidates[position])
        if not state.relevant(index):
            break
        if state.scored_nodes[index] or state.status[index] == NOT_ANONYMOUS:
            continue
        if check and state.status[index] == UNKNOWN:
            state.visit(index)
        else:
            state.score_known(index)


def _incumbent(state: _State) -> None:
    """Step 1: binary-search the least-bound greedy path from the bottom."""
    lattice = state.lattice
    path = [0]
    while True:
        successors = lattice.successors(path[-1])
        if not successors:
            break
        path.append(min(successors, key=lambda i: (state.bounds[i], i)))
    _binary_search(state, path)


def _settle(state: _State) -> None:
    """Step 2: check maximal untagged relevant nodes until none is left."""
    lattice = state.lattice
    successors = _successor_matrix(lattice)
    while True:
        open_nodes = (state.status == UNKNOWN) & (state.bounds < state.threshold())
        if not open_nodes.any():
            return
        padded = np.append(open_nodes, False)
        maximal = np.flatnonzero(open_nodes & ~padded[successors].any(axis=1))
        for index in maximal[np.argsort(-state.bounds[maximal], kind="stable")].tolist():
            if state.status[index] == UNKNOWN and state.relevant(index):
                state.visit(index)


def _successor_matrix(lattice: Lattice) -> npt.NDArray[np.intp]:
    """For every node and attribute, the successor's index, or ``size`` if none."""
    columns = []
    for q, stride in enumerate(lattice.strides):
        top = lattice.levels[:, q] >= lattice.heights[q] - 1
        columns.append(np.where(top, lattice.size, np.arange(lattice.size) + stride))
    return np.stack(columns, axis=1)


def _tag(state: _State) -> None:
    """Flash: tag every node by greedy paths of untagged successors and binary search."""
    lattice, status = state.lattice, state.status
    order = np.argsort(lattice.heights_of_nodes(), kind="stable")
    relative = [1.0 / max(h - 1, 1) for h in lattice.heights]
    for start in order.tolist():
        if status[start] != UNKNOWN:
            continue
        path = [start]
        while True:
            row = lattice.levels[path[-1]]
            options = [
                (float(row[q] + 1) * relative[q], q, path[-1] + stride)
                for q, stride in enumerate(lattice.strides)
                if int(row[q]) < lattice.heights[q] - 1 and status[path[-1] + stride] == UNKNOWN
            ]
            if not options:
                break
            path.append(min(options)[2])
        _binary_search(state, path)


def _binary_search(state: _State, path: list[int]) -> None:
    """Find the first anonymous node of a path of untagged nodes, tagging as it goes."""
    low, high = 0, len(path) - 1
    while low <= high:
        middle = (low + high) // 2
        if state.status[path[middle]] != UNKNOWN:
            anonymous = state.status[path[middle]] == ANONYMOUS
        else:
            anonymous = state.visit(path[middle])
        if anonymous:
            high = middle - 1
        else:
            low = middle + 1


def _propagate(lattice: Lattice, status: npt.NDArray[np.int8], index: int, anonymous: bool) -> None:
    """Tag a checked node's generalizations anonymous, or its specializations not."""
    if anonymous:
        status[lattice.above(index) & (status == UNKNOWN)] = ANONYMOUS
    else:
        status[lattice.below(index) & (status == UNKNOWN)] = NOT_ANONYMOUS
