"""Known-answer tests for t-closeness (ordered and equal-distance EMD)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.deid.classes import SensitiveCounts
from steward.deid.errors import DeidError
from steward.deid.risk import emd_per_class, is_numeric, sensitive_domain, t_closeness


def _sensitive(rows: Sequence[tuple[int, object, int]]) -> SensitiveCounts:
    index, values, counts = zip(*rows, strict=True)
    return SensitiveCounts(
        np.array(index, dtype=np.int64),
        np.array(values, dtype=object),
        np.array(counts, dtype=np.int64),
    )


# Class 0: (a, a, b, c); class 1: (a, b). The table: a 3/6, b 2/6, c 1/6.
CATEGORIES = _sensitive([(0, "a", 2), (0, "b", 1), (0, "c", 1), (1, "a", 1), (1, "b", 1)])
# The same shape with numbers 1 < 2 < 3 in place of a, b, c.
NUMBERS = _sensitive([(0, "1", 2), (0, "2", 1), (0, "3", 1), (1, "1", 1), (1, "2", 1)])


def test_equal_distance_is_total_variation() -> None:
    # p = (1/2, 1/3, 1/6).
    # class 0: q = (1/2, 1/4, 1/4): 1/2 (0 + 1/12 + 1/12) = 1/12.
    # class 1: q = (1/2, 1/2, 0):   1/2 (0 + 1/6 + 1/6)  = 1/6.
    distances = emd_per_class(CATEGORIES)
    assert distances.tolist() == pytest.approx([1 / 12, 1 / 6])
    assert t_closeness(CATEGORIES) == pytest.approx(1 / 6)


def test_ordered_distance() -> None:
    # m = 3, p = (1/2, 1/3, 1/6); EMD = 1/(m-1) * sum_{i<m} |cumulative (q - p)|.
    # class 0: r = (0, -1/12, 1/12): cumulative 0, -1/12 -> 1/12 / 2 = 1/24.
    # class 1: r = (0, 1/6, -1/6):   cumulative 0, 1/6  -> 1/6 / 2  = 1/12.
    assert sensitive_domain(NUMBERS).ordered
    assert emd_per_class(NUMBERS).tolist() == pytest.approx([1 / 24, 1 / 12])
    assert t_closeness(NUMBERS) == pytest.approx(1 / 12)


def test_ordered_distance_of_an_extreme_class() -> None:
    # Values 3, 4, 5, 6, 9 with counts 3, 1, 1, 1, 1 (7 records); class 1 holds only the 9.
    # r = (-3/7, -1/7, -1/7, -1/7, 6/7): cumulative -3/7, -4/7, -5/7, -6/7 -> 18/7 / 4 = 9/14.
    rows = [(0, "3", 3), (0, "4", 1), (0, "5", 1), (0, "6", 1), (1, "9", 1)]
    assert t_closeness(_sensitive(rows)) == pytest.approx(9 / 14)
    # As categories, class 1: 1/2 (6/7 + 6/7) = 6/7.
    forced = sensitive_domain(_sensitive(rows), ordered=False)
    assert t_closeness(_sensitive(rows), forced) == pytest.approx(6 / 7)


def test_numeric_texts_equal_as_numbers_merge() -> None:
    # "1" and "1.0" are the same number: class 0 holds 1, 1; class 1 holds 2, 2 -> m = 2,
    # p = (1/2, 1/2); class 0: r = (1/2, -1/2): |1/2| / 1 = 1/2.
    rows = [(0, "1", 1), (0, "1.0", 1), (1, "2", 2)]
    assert sensitive_domain(_sensitive(rows)).size == 2
    assert t_closeness(_sensitive(rows)) == pytest.approx(0.5)


def test_single_value_gives_zero() -> None:
    assert t_closeness(_sensitive([(0, "5", 2), (1, "5", 3)])) == 0.0
    assert t_closeness(_sensitive([(0, "x", 2), (1, "x", 3)])) == 0.0


def test_identical_distributions_give_zero() -> None:
    rows = [(0, "1", 1), (0, "2", 1), (1, "1", 2), (1, "2", 2)]
    assert t_closeness(_sensitive(rows)) == pytest.approx(0.0)


def test_null_is_a_value_below_every_number() -> None:
    # Positions: null, 1, 2 with counts 1, 1, 2 -> p = (1/4, 1/4, 1/2).
    # class 0 holds null and 1: q = (1/2, 1/2, 0): r = (1/4, 1/4, -1/2):
    # cumulative 1/4, 1/2 -> 3/4 / 2 = 3/8.
    rows = [(0, None, 1), (0, "1", 1), (1, "2", 2)]
    domain = sensitive_domain(_sensitive(rows))
    assert domain.ordered
    assert domain.has_null
    assert domain.encode(np.array([None, "2", 1], dtype=object)).tolist() == [0, 2, 1]
    assert emd_per_class(_sensitive(rows))[0] == pytest.approx(3 / 8)


def test_is_numeric() -> None:
    assert is_numeric(["1", " 2.5 ", "-3", None, float("nan")])
    assert is_numeric([1, 2.5])
    assert not is_numeric(["1", "x"])
    assert not is_numeric(["nan", "1"])
    assert not is_numeric([True, False])
    assert not is_numeric([None])


def test_forcing_ordered_on_text_fails() -> None:
    with pytest.raises(DeidError, match="not numbers"):
        sensitive_domain(CATEGORIES, ordered=True)


def test_overall_distribution_from_another_grouping() -> None:
    # The table grouped into a single class is at distance 0 from itself; the same values
    # split into two classes are measured against the shared domain.
    whole = _sensitive([(0, "1", 3), (0, "2", 2), (0, "3", 1)])
    domain = sensitive_domain(whole)
    assert t_closeness(whole, domain) == pytest.approx(0.0)
    assert t_closeness(NUMBERS, domain) == pytest.approx(1 / 12)
    with pytest.raises(DeidError, match="does not occur"):
        t_closeness(_sensitive([(0, "7", 1)]), domain)


def _dense_ordered_emd(rows: list[tuple[int, int, int]]) -> list[float]:
    """Li et al.'s ordered EMD from a dense classes x values matrix (the textbook way)."""
    values = sorted({v for _, v, _ in rows})
    classes = max(c for c, _, _ in rows) + 1
    matrix = np.zeros((classes, len(values)))
    for c, v, n in rows:
        matrix[c, values.index(v)] += n
    p = matrix.sum(axis=0) / matrix.sum()
    q = matrix / matrix.sum(axis=1, keepdims=True)
    if len(values) < 2:
        return [0.0] * classes
    cumulative = np.cumsum(q - p, axis=1)[:, :-1]
    distances: list[float] = (np.abs(cumulative).sum(axis=1) / (len(values) - 1)).tolist()
    return distances


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(-20, 60), st.integers(1, 9)),
        min_size=1,
        max_size=40,
    )
)
def test_ordered_emd_matches_the_dense_definition(rows: list[tuple[int, int, int]]) -> None:
    # Renumber classes densely so every class index below the maximum exists.
    used = sorted({c for c, _, _ in rows})
    rows = [(used.index(c), v, n) for c, v, n in rows]
    sensitive = _sensitive([(c, str(v), n) for c, v, n in rows])
    assert emd_per_class(sensitive).tolist() == pytest.approx(_dense_ordered_emd(rows), abs=1e-9)
