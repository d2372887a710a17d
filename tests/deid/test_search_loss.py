"""Known answers for the information-loss metrics on a hand-computed table."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from steward.deid.search.encode import encode
from steward.deid.search.groups import Privacy, failing, roll_up
from steward.deid.search.hierarchies import from_rows
from steward.deid.search.loss import MetricName, prepare

LETTERS = from_rows("a", [["a", "ab", "*"], ["b", "ab", "*"], ["c", "cd", "*"], ["d", "cd", "*"]])
FLAG = from_rows("f", [["y", "*"], ["n", "*"]])


def _score(metric: MetricName, node: tuple[int, ...], k: int) -> tuple[float, list[float]]:
    table = pl.DataFrame({"a": ["a", "a", "b", "c"], "f": ["y", "y", "y", "y"]})
    hierarchies = [LETTERS, FLAG]
    coded = encode(table, ("a", "f"), hierarchies)
    prepared = prepare(metric, coded.base, hierarchies)
    groups, _ = roll_up(coded.base, node, hierarchies)
    fail = failing(groups, Privacy(k=k, limit=4))
    labels = tuple(
        h.maps[level][c[fail]] for h, level, c in zip(hierarchies, node, groups.codes, strict=True)
    )
    per = prepared.attribute_losses(node, groups.counts[fail], labels)
    return prepared.score(node, groups.counts, fail, labels), per.tolist()


def test_loss_generalization_is_leaves_covered() -> None:
    score, per = _score("loss", (1, 0), k=1)
    assert per == pytest.approx([1 / 3, 0.0])
    assert score == pytest.approx(math.sqrt(4 / 3) - 1)


def test_loss_suppression_costs_one_per_record() -> None:
    score, per = _score("loss", (0, 0), k=2)
    assert per == pytest.approx([0.5, 0.5])
    assert score == pytest.approx(0.5)


def test_loss_top_level_is_one() -> None:
    _, per = _score("loss", (2, 1), k=1)
    assert per == pytest.approx([1.0, 1.0])


def test_entropy_known_answers() -> None:
    _, per = _score("entropy", (1, 0), k=1)
    assert per == pytest.approx([2 * math.log2(1.5) + math.log2(3), 0.0])
    suppressed, per = _score("entropy", (0, 0), k=2)
    assert per == pytest.approx([4.0, 0.0])
    assert suppressed == pytest.approx(4.0)


def test_discernibility_known_answers() -> None:
    assert _score("discernibility", (0, 0), k=2)[0] == pytest.approx(4 + 2 * 4)
    assert _score("discernibility", (1, 0), k=2)[0] == pytest.approx(9 + 4)
    assert _score("discernibility", (2, 0), k=2)[0] == pytest.approx(16)


@pytest.mark.parametrize("metric", ["loss", "entropy"])
def test_bounds_are_the_unsuppressed_values_and_monotone(metric: MetricName) -> None:
    table = pl.DataFrame({"a": ["a", "a", "b", "c"], "f": ["y", "n", "y", "y"]})
    hierarchies = [LETTERS, FLAG]
    coded = encode(table, ("a", "f"), hierarchies)
    prepared = prepare(metric, coded.base, hierarchies)
    levels = np.array([[i, j] for i in range(3) for j in range(2)], dtype=np.int16)
    bounds = prepared.bounds(levels)
    for row, bound in zip(levels, bounds, strict=True):
        node = (int(row[0]), int(row[1]))
        groups, _ = roll_up(coded.base, node, hierarchies)
        none = np.zeros(groups.size, dtype=np.bool_)
        empty = (np.zeros(0, dtype=np.int64),) * 2
        assert prepared.score(node, groups.counts, none, empty) == pytest.approx(bound)
    grid = bounds.reshape(3, 2)
    assert np.all(np.diff(grid, axis=0) >= 0)
    assert np.all(np.diff(grid, axis=1) >= 0)
