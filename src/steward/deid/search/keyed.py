"""Fast roll-up: classes held as sorted mixed-radix keys.

When the attributes' leaf codes fit together in 62 bits, a class is one int64 key: the
bit field of attribute ``q`` holds the code of its label at the node's level, with a fixed
width (enough bits for the attribute's number of leaves) whatever the level. Rolling a finer node
``u`` up to ``v`` then only rewrites the digits of the attributes whose level changes
(a gather through a precomputed label-to-label table) and merges equal keys with one
sort. No per-class representative arrays are carried, so a roll-up is a dozen NumPy
operations on the finer node's classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from steward.deid.search.groups import KEY_LIMIT, BoolArray, Groups, IntArray, Sensitive
from steward.deid.search.hierarchies import CodedHierarchy

DENSE_SLACK = 1 << 16


@dataclass(frozen=True)
class KeySpace:
    """The key layout for a list of hierarchies."""

    shifts: tuple[int, ...]
    masks: tuple[int, ...]
    sizes: tuple[tuple[int, ...], ...]
    """``sizes[q][l]``: how many labels attribute ``q`` has at level ``l``."""
    bits: int
    """How many low bits of a key hold attribute codes."""
    steps: tuple[tuple[tuple[IntArray, ...], ...], ...]
    """``steps[q][a][b]`` maps label codes of level ``a`` to level ``b`` (for a <= b)."""

    @classmethod
    def of(cls, hierarchies: Sequence[CodedHierarchy]) -> KeySpace | None:
        """The key space, or ``None`` when keys would not fit in 62 bits."""
        widths = [max(h.domain_size - 1, 1).bit_length() for h in hierarchies]
        if sum(widths) > KEY_LIMIT.bit_length() - 1:
            return None
        shifts = [0] * len(widths)
        for q in range(len(widths) - 2, -1, -1):
            shifts[q] = shifts[q + 1] + widths[q + 1]
        steps = []
        for h in hierarchies:
            table = []
            for a in range(h.height):
                row = []
                for b in range(h.height):
                    step = np.zeros(len(h.labels[a]), dtype=np.int64)
                    if b >= a:
                        step[h.maps[a]] = h.maps[b]
                    row.append(step)
                table.append(tuple(row))
            steps.append(tuple(table))
        masks = tuple((1 << w) - 1 for w in widths)
        sizes = tuple(tuple(len(labels) for labels in h.labels) for h in hierarchies)
        return cls(tuple(shifts), masks, sizes, sum(widths), tuple(steps))

    def keyed(self, base: Groups, hierarchies: Sequence[CodedHierarchy]) -> Keyed:
        """``base`` (classes at any node) as keyed classes."""
        key = np.zeros(base.size, dtype=np.int64)
        for q, (codes, level, h) in enumerate(zip(base.codes, base.node, hierarchies, strict=True)):
            key |= h.maps[level][codes] << self.shifts[q]
        return _merge(base.node, key, base.counts, base.sensitive, self.bits)

    def roll(self, source: Keyed, node: Sequence[int]) -> Keyed:
        """The classes at ``node``, which must generalize ``source.node``.

        When the node's labels span a small enough range, classes are counted with a
        bincount over a compact mixed-radix index (no sort); otherwise keys are sorted.
        """
        if tuple(node) == source.node:
            return source
        product = 1
        for q, level in enumerate(node):
            product *= self.sizes[q][level]
        if product <= 2 * source.size + DENSE_SLACK:
            digits = []
            for q, (old, new) in enumerate(zip(source.node, node, strict=True)):
                digit = (source.keys >> self.shifts[q]) & self.masks[q]
                digits.append(self.steps[q][old][new][digit] if old != new else digit)
            return self._dense(source, tuple(node), digits, product)
        key = source.keys
        for q, (old, new) in enumerate(zip(source.node, node, strict=True)):
            if old != new:
                shift = self.shifts[q]
                digit = (key >> shift) & self.masks[q]
                key = key ^ ((digit ^ self.steps[q][old][new][digit]) << shift)
        return _merge(tuple(node), key, source.counts, source.sensitive, self.bits)

    def _dense(
        self, source: Keyed, node: tuple[int, ...], digits: list[IntArray], product: int
    ) -> Keyed:
        compact = np.zeros(source.size, dtype=np.int64)
        for q, digit in enumerate(digits):
            compact = compact * self.sizes[q][node[q]] + digit
        bins = np.bincount(compact, weights=source.counts, minlength=product)
        present = np.flatnonzero(bins)
        counts = bins[present].astype(np.int64)
        keys = np.zeros(present.size, dtype=np.int64)
        rest = present
        for q in range(len(digits) - 1, -1, -1):
            radix = self.sizes[q][node[q]]
            keys |= (rest % radix) << self.shifts[q]
            rest = rest // radix
        sensitive = None
        if source.sensitive is not None:
            rank = np.full(product, -1, dtype=np.int64)
            rank[present] = np.arange(present.size, dtype=np.int64)
            group = rank[compact]
            sensitive = _pairs(group[source.sensitive.group], source.sensitive)
        return Keyed(node, keys, counts, sensitive)

    def labels(self, classes: Keyed, q: int, mask: BoolArray) -> IntArray:
        """The label codes of attribute ``q`` of the classes selected by ``mask``."""
        result: IntArray = (classes.keys[mask] >> self.shifts[q]) & self.masks[q]
        return result


@dataclass(frozen=True)
class Keyed:
    """Classes at ``node``: sorted distinct ``keys``, their record ``counts`` and
    sensitive values (``sensitive.group`` indexes ``keys``)."""

    node: tuple[int, ...]
    keys: IntArray
    counts: IntArray
    sensitive: Sensitive | None = None

    @property
    def size(self) -> int:
        """How many classes."""
        return int(self.counts.size)


def _merge(
    node: tuple[int, ...],
    key: IntArray,
    counts: IntArray,
    sensitive: Sensitive | None,
    bits: int,
) -> Keyed:
    spare = 64 - bits
    if sensitive is None and key.size and int(counts.max()) < (1 << spare):
        # Pack each count under its key and sort plain integers (faster than argsort).
        packed = np.sort((key.astype(np.uint64) << np.uint64(spare)) | counts.astype(np.uint64))
        high = packed >> np.uint64(spare)
        starts = np.flatnonzero(np.concatenate(([True], high[1:] != high[:-1])))
        low = (packed & np.uint64((1 << spare) - 1)).astype(np.int64)
        merged = np.add.reduceat(low, starts)
        return Keyed(node, high[starts].astype(np.int64), merged, None)
    order = np.argsort(key)
    ordered = key[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    keys = ordered[starts]
    merged = np.add.reduceat(counts[order], starts) if key.size else counts[:0]
    rolled = None
    if sensitive is not None:
        position = np.empty(key.size, dtype=np.int64)
        position[order] = np.cumsum(np.concatenate(([False], ordered[1:] != ordered[:-1])))
        rolled = _pairs(position[sensitive.group], sensitive)
    return Keyed(node, keys, merged.astype(np.int64, copy=False), rolled)


def _pairs(group: IntArray, sensitive: Sensitive) -> Sensitive:
    """Merge sensitive (class, value) pairs after their classes were renumbered."""
    pair = group * sensitive.values + sensitive.value
    pair_order = np.argsort(pair)
    sorted_pairs = pair[pair_order]
    first = np.flatnonzero(np.concatenate(([True], sorted_pairs[1:] != sorted_pairs[:-1])))
    count = np.add.reduceat(sensitive.count[pair_order], first) if pair.size else pair[:0]
    chosen = sorted_pairs[first]
    return Sensitive(chosen // sensitive.values, chosen % sensitive.values, count, sensitive.values)
