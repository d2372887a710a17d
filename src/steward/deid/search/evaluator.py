"""Computing the classes of lattice nodes, with a cache to roll up from.

A node's classes are rolled up from the smallest cached finer node (or the table's
distinct tuples): keyed classes (:mod:`steward.deid.search.keyed`) when the key space
fits in 62 bits, coded groups (:func:`steward.deid.search.groups.roll_up`) otherwise.
The cache holds at most ``CACHE_SIZE`` nodes and about ``CACHE_BUDGET_FACTOR`` times
the table's distinct tuples in classes, evicting the least recently used.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from steward.deid.search.groups import BoolArray, Groups, IntArray, roll_up
from steward.deid.search.hierarchies import CodedHierarchy
from steward.deid.search.keyed import Keyed, KeySpace
from steward.deid.search.lattice import Lattice

CACHE_SIZE = 256
CACHE_BUDGET_FACTOR = 8
CACHE_BUDGET_MIN = 4_000_000


class Evaluator:
    """Computes and caches the classes of lattice nodes by roll-up from the smallest
    cached finer node: keyed classes when the key space fits, else coded groups."""

    def __init__(
        self, base: Groups, hierarchies: Sequence[CodedHierarchy], lattice: Lattice
    ) -> None:
        self.hierarchies = list(hierarchies)
        self.lattice = lattice
        self.space = KeySpace.of(hierarchies)
        self.base: Groups | Keyed = (
            base if self.space is None else self.space.keyed(base, hierarchies)
        )
        self.slots: list[Groups | Keyed | None] = [None] * CACHE_SIZE
        self.slot_index = np.full(CACHE_SIZE, -1, dtype=np.int64)
        self.slot_levels = np.zeros((CACHE_SIZE, lattice.levels.shape[1]), dtype=np.int16)
        self.slot_sizes = np.full(CACHE_SIZE, np.iinfo(np.int64).max, dtype=np.int64)
        self.slot_used = np.zeros(CACHE_SIZE, dtype=np.int64)
        self.clock = 0
        self.budget = max(CACHE_BUDGET_FACTOR * base.size, CACHE_BUDGET_MIN)

    def classes(self, index: int) -> Groups | Keyed:
        """The classes at node ``index``."""
        self.clock += 1
        levels = self.lattice.levels[index]
        hits = np.flatnonzero(self.slot_index == index)
        if hits.size:
            self.slot_used[hits[0]] = self.clock
            found = self.slots[int(hits[0])]
            assert found is not None
            return found
        usable = np.all(self.slot_levels <= levels, axis=1) & (self.slot_index >= 0)
        source = self.base
        if usable.any():
            slot = int(np.argmin(np.where(usable, self.slot_sizes, np.iinfo(np.int64).max)))
            cached = self.slots[slot]
            if cached is not None and cached.size < source.size:
                source = cached
                self.slot_used[slot] = self.clock
        node = self.lattice.node(index)
        result: Groups | Keyed
        if self.space is not None and isinstance(source, Keyed):
            result = self.space.roll(source, node)
        else:
            assert isinstance(source, Groups)
            result, _ = roll_up(source, node, self.hierarchies)
        victim = int(np.argmin(self.slot_used))
        self._store(victim, index, levels, result)
        return result

    def _store(
        self, victim: int, index: int, levels: npt.NDArray[np.int16], result: Groups | Keyed
    ) -> None:
        """Cache ``result`` in slot ``victim``, then evict the least recently used
        entries while the cache holds more classes than its budget."""
        self.slots[victim] = result
        self.slot_index[victim] = index
        self.slot_levels[victim] = levels
        self.slot_sizes[victim] = result.size
        self.slot_used[victim] = self.clock
        held = np.where(self.slot_index >= 0, self.slot_sizes, 0)
        while int(held.sum()) > self.budget and int((self.slot_index >= 0).sum()) > 1:
            used = np.where(self.slot_index >= 0, self.slot_used, np.iinfo(np.int64).max)
            oldest = int(np.argmin(used))
            self.slots[oldest] = None
            self.slot_index[oldest] = -1
            self.slot_sizes[oldest] = np.iinfo(np.int64).max
            self.slot_used[oldest] = 0
            held[oldest] = 0

    def labels(self, classes: Groups | Keyed, mask: BoolArray) -> tuple[IntArray, ...]:
        """Per attribute, the label codes of the classes selected by ``mask``."""
        if isinstance(classes, Keyed):
            assert self.space is not None
            return tuple(self.space.labels(classes, q, mask) for q in range(len(classes.node)))
        return tuple(
            h.maps[level][codes[mask]]
            for h, level, codes in zip(self.hierarchies, classes.node, classes.codes, strict=True)
        )
