"""Known-answer tests for k-anonymity, uniqueness and l-diversity on hand-computed tables."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from steward.deid.classes import SensitiveCounts
from steward.deid.risk import (
    classes_below,
    distinct_l,
    distinct_per_class,
    entropy_l,
    entropy_per_class,
    k_of,
    records_below,
    recursive_c,
    sample_uniqueness,
    size_histogram,
    unique_records,
)


def _sizes(*values: int) -> npt.NDArray[np.int64]:
    return np.array(values, dtype=np.int64)


def _sensitive(rows: Sequence[tuple[int, object, int]]) -> SensitiveCounts:
    index, values, counts = zip(*rows, strict=True)
    return SensitiveCounts(
        np.array(index, dtype=np.int64),
        np.array(values, dtype=object),
        np.array(counts, dtype=np.int64),
    )


# Three classes: class 0 holds 4 records (a, a, b, c), class 1 holds 2 (a, b), class 2 holds
# one (c). Seven records in all.
SIZES = _sizes(4, 2, 1)
THREE = _sensitive([(0, "a", 2), (0, "b", 1), (0, "c", 1), (1, "a", 1), (1, "b", 1), (2, "c", 1)])
# The same without class 2: six records.
TWO = _sensitive([(0, "a", 2), (0, "b", 1), (0, "c", 1), (1, "a", 1), (1, "b", 1)])


def test_k_is_the_smallest_class() -> None:
    assert k_of(SIZES) == 1
    assert k_of(_sizes(4, 2)) == 2
    assert k_of(_sizes()) == 0


def test_records_and_classes_below_k() -> None:
    # Below 3: the classes of 2 and 1 records -> 2 classes, 3 records.
    assert records_below(SIZES, 3) == 3
    assert classes_below(SIZES, 3) == 2
    # Below 1: nothing. Below 5: everything.
    assert records_below(SIZES, 1) == 0
    assert records_below(SIZES, 5) == 7


def test_sample_uniqueness() -> None:
    # One record (class 2) is alone: 1/7.
    assert unique_records(SIZES) == 1
    assert sample_uniqueness(SIZES) == pytest.approx(1 / 7)
    assert sample_uniqueness(_sizes(2, 2)) == 0.0
    assert sample_uniqueness(_sizes()) == 0.0


def test_size_histogram_buckets() -> None:
    sizes = _sizes(1, 1, 2, 10, 11, 20, 21, 2000)
    buckets = {b.label: (b.classes, b.records) for b in size_histogram(sizes)}
    assert buckets["1"] == (2, 2)
    assert buckets["2"] == (1, 2)
    assert buckets["3"] == (0, 0)
    assert buckets["10"] == (1, 10)
    assert buckets["11-20"] == (2, 31)
    assert buckets["21-50"] == (1, 21)
    assert buckets["101-1000"] == (0, 0)
    assert buckets["1001+"] == (1, 2000)
    # Every class and record lands in exactly one bucket.
    assert sum(c for c, _ in buckets.values()) == sizes.size
    assert sum(r for _, r in buckets.values()) == sizes.sum()


def test_distinct_l() -> None:
    # Distinct values per class: 3, 2, 1.
    assert distinct_per_class(THREE).tolist() == [3, 2, 1]
    assert distinct_l(THREE) == 1
    assert distinct_l(TWO) == 2
    assert distinct_l(_sensitive([(0, None, 3)])) == 1


def test_entropy_l() -> None:
    # Class 0: shares 1/2, 1/4, 1/4 -> H = 1/2 ln 2 + 2 * 1/4 ln 4 = 1.5 ln 2; exp(H) = 2^1.5.
    # Class 1: shares 1/2, 1/2 -> H = ln 2; exp(H) = 2.  Class 2: one value -> H = 0; exp = 1.
    entropies = entropy_per_class(THREE)
    assert entropies[0] == pytest.approx(1.5 * math.log(2))
    assert entropies[1] == pytest.approx(math.log(2))
    assert entropies[2] == pytest.approx(0.0)
    assert entropy_l(THREE) == pytest.approx(1.0)
    assert entropy_l(TWO) == pytest.approx(2.0)


def test_recursive_c() -> None:
    # l = 2: class 0 sorted (2, 1, 1): r1 / (r2 + r3) = 2/2 = 1; class 1 (1, 1): 1/1 = 1.
    assert recursive_c(TWO, 2) == pytest.approx(1.0)
    # l = 3: class 0: 2 / r3 = 2/1 = 2; class 1 has only two values -> no c works.
    assert recursive_c(TWO, 3) == math.inf
    assert recursive_c(_sensitive([(0, "a", 2), (0, "b", 1), (0, "c", 1)]), 3) == pytest.approx(2.0)
    # l = 1: r1 / (all) < 1 always: class 0 2/4, class 1 1/2.
    assert recursive_c(TWO, 1) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="at least 1"):
        recursive_c(TWO, 0)


def test_rows_in_any_order_give_the_same_answers() -> None:
    rows = [(1, "b", 1), (0, "c", 1), (1, "a", 1), (0, "a", 2), (0, "b", 1)]
    shuffled = _sensitive(rows)
    assert distinct_l(shuffled) == 2
    assert entropy_l(shuffled) == pytest.approx(2.0)
    assert recursive_c(shuffled, 2) == pytest.approx(1.0)


def test_empty_inputs() -> None:
    empty = SensitiveCounts(
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object), np.zeros(0, dtype=np.int64)
    )
    assert distinct_l(empty) == 0
    assert entropy_l(empty) == 0.0
    assert recursive_c(empty, 2) == 0.0
