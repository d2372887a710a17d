"""k-anonymity, sample uniqueness and l-diversity, computed from class aggregates.

Every function here takes NumPy aggregates from a
:class:`~steward.deid.classes.ClassTable` (the class ``sizes``, or one sensitive
column's :class:`~steward.deid.classes.SensitiveCounts`), never records, so they run
the same whatever engine produced the classes, and fast enough to be called once per
node of a generalization lattice.

Definitions (Sweeney 2002; Machanavajjhala et al. 2007, "l-Diversity: Privacy Beyond
k-Anonymity"):

* k = the size of the smallest equivalence class.
* distinct l = the fewest distinct sensitive values in any class.
* entropy l = min over classes of ``exp(H)``, ``H = -sum p_s ln p_s`` over the class's
  sensitive values ``s``.
* recursive (c, l): with a class's value counts sorted ``r_1 >= r_2 >= ... >= r_m``, the
  class is (c, l)-diverse when ``r_1 < c * (r_l + ... + r_m)``.

A null sensitive value counts as one more value. An empty table has k = 0 and l = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from steward.deid.classes import Int64Array, SensitiveCounts

FloatArray = npt.NDArray[np.float64]

SIZE_BUCKETS: tuple[tuple[int, int | None], ...] = (
    *((size, size) for size in range(1, 11)),
    (11, 20),
    (21, 50),
    (51, 100),
    (101, 1000),
    (1001, None),
)
"""Class-size buckets of the histogram: every size from 1 to 10, then wider ranges."""


@dataclass(frozen=True)
class SizeBucket:
    """One bar of the class-size histogram: classes of ``low``..``high`` records."""

    low: int
    high: int | None
    classes: int
    records: int

    @property
    def label(self) -> str:
        """``"3"``, ``"11-20"`` or ``"1001+"``."""
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


def k_of(sizes: Int64Array) -> int:
    """k of k-anonymity: the smallest class size (0 for a table without records)."""
    return int(sizes.min()) if sizes.size else 0


def records_below(sizes: Int64Array, k: int) -> int:
    """How many records sit in classes of fewer than ``k`` records."""
    return int(sizes[sizes < k].sum())


def classes_below(sizes: Int64Array, k: int) -> int:
    """How many classes hold fewer than ``k`` records."""
    return int(np.count_nonzero(sizes < k))


def unique_records(sizes: Int64Array) -> int:
    """How many records are unique on the quasi-identifiers (classes of size 1)."""
    return int(np.count_nonzero(sizes == 1))


def sample_uniqueness(sizes: Int64Array) -> float:
    """The share of records that are unique on the quasi-identifiers (0 if no records)."""
    total = int(sizes.sum())
    return unique_records(sizes) / total if total else 0.0


def size_histogram(sizes: Int64Array) -> list[SizeBucket]:
    """The distribution of class sizes over :data:`SIZE_BUCKETS`, empty buckets included."""
    buckets = []
    for low, high in SIZE_BUCKETS:
        upper = np.iinfo(np.int64).max if high is None else high
        chosen = sizes[(sizes >= low) & (sizes <= upper)]
        buckets.append(SizeBucket(low, high, int(chosen.size), int(chosen.sum())))
    return buckets


def class_count(sensitive: SensitiveCounts, classes: int | None = None) -> int:
    """How many classes ``sensitive`` covers: ``classes`` if given, else largest index + 1."""
    if classes is not None:
        return classes
    return int(sensitive.class_index.max()) + 1 if sensitive.class_index.size else 0


def distinct_per_class(sensitive: SensitiveCounts, classes: int | None = None) -> Int64Array:
    """How many distinct sensitive values each class holds.

    Assumes one row per (class, value), as engines produce.
    """
    n = class_count(sensitive, classes)
    return np.bincount(sensitive.class_index, minlength=n).astype(np.int64)


def distinct_l(sensitive: SensitiveCounts, classes: int | None = None) -> int:
    """Distinct l-diversity: the fewest distinct sensitive values in any class (0 if empty)."""
    per_class = distinct_per_class(sensitive, classes)
    return int(per_class.min()) if per_class.size else 0


def entropy_per_class(sensitive: SensitiveCounts, classes: int | None = None) -> FloatArray:
    """The Shannon entropy (natural log) of each class's sensitive values."""
    n = class_count(sensitive, classes)
    index = sensitive.class_index
    counts = sensitive.counts.astype(np.float64)
    totals = np.bincount(index, weights=counts, minlength=n)
    shares = counts / totals[index]
    terms = -shares * np.log(shares)
    return np.bincount(index, weights=terms, minlength=n).astype(np.float64)


def entropy_l(sensitive: SensitiveCounts, classes: int | None = None) -> float:
    """Entropy l-diversity: ``min over classes of exp(entropy)`` (0.0 if empty).

    The value is a real number; a table is entropy l-diverse for every ``l`` up to it.
    A class holding ``n`` equally frequent values contributes exactly ``n`` (up to
    rounding in the last bits).
    """
    entropies = entropy_per_class(sensitive, classes)
    return float(math.exp(entropies.min())) if entropies.size else 0.0


def recursive_c(sensitive: SensitiveCounts, l: int, classes: int | None = None) -> float:  # noqa: E741
    """The bound c of recursive (c, l)-diversity for a given ``l``.

    Returns ``max over classes of r_1 / (r_l + ... + r_m)``: the table is recursive
    (c, l)-diverse for every ``c`` strictly greater than the result. A class with fewer
    than ``l`` distinct values makes it ``inf`` (no c works).

    Raises:
        ValueError: ``l`` is below 1.
    """
    if l < 1:
        raise ValueError("l must be at least 1")
    n = class_count(sensitive, classes)
    if n == 0:
        return 0.0
    index = sensitive.class_index
    counts = sensitive.counts
    order = np.lexsort((-counts, index))
    index, counts = index[order], counts[order]
    starts = np.searchsorted(index, np.arange(n), side="left")
    rank = np.arange(index.size) - starts[index]
    top = np.zeros(n, dtype=np.float64)
    top[index[rank == 0]] = counts[rank == 0]
    tail_rows = rank >= l - 1
    tail = np.bincount(index[tail_rows], weights=counts[tail_rows], minlength=n)
    with np.errstate(divide="ignore"):
        ratios = np.where(tail > 0, top / np.where(tail > 0, tail, 1.0), np.inf)
    return float(ratios.max())
