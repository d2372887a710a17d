"""Known-answer tests for prosecutor, journalist and marketer risk."""

from __future__ import annotations

import numpy as np
import pytest

from steward.deid.classes import ClassTable
from steward.deid.errors import DeidError
from steward.deid.risk import (
    estimated_population,
    journalist_risk,
    marketer_risk,
    matched_population,
    prosecutor_risk,
    record_risk,
)

# Sample: classes of 4, 2 and 1 records (n = 7, J = 3).
SIZES = np.array([4, 2, 1], dtype=np.int64)
# Population sizes of the same combinations.
POPULATION = np.array([40.0, 10.0, 2.0])


def test_prosecutor() -> None:
    risk = prosecutor_risk(SIZES, threshold=1 / 3)
    assert risk.highest == pytest.approx(1.0)  # 1 / min f = 1/1
    assert risk.average == pytest.approx(3 / 7)  # J / n
    # Risk above 1/3: classes of 2 (1/2) and 1 (1) -> 3 records of 7.
    assert risk.records_at_risk == pytest.approx(3 / 7)
    assert prosecutor_risk(SIZES, threshold=0.5).records_at_risk == pytest.approx(1 / 7)


def test_record_risk() -> None:
    assert record_risk(SIZES).tolist() == pytest.approx([0.25, 0.5, 1.0])


def test_journalist_with_population() -> None:
    risk = journalist_risk(SIZES, POPULATION, threshold=1 / 3)
    assert risk.highest == pytest.approx(1 / 2)  # 1 / min F = 1/2
    assert risk.average == pytest.approx(3 / 52)  # J / sum F = 3 / (40 + 10 + 2)
    # 1/F above 1/3: only the class with F = 2 (1 record).
    assert risk.records_at_risk == pytest.approx(1 / 7)
    # Above 0.05: 1/10 and 1/2 -> 2 + 1 records.
    assert journalist_risk(SIZES, POPULATION, 0.05).records_at_risk == pytest.approx(3 / 7)


def test_journalist_without_population_is_prosecutor() -> None:
    risk = journalist_risk(SIZES, None, threshold=1 / 3)
    base = prosecutor_risk(SIZES, threshold=1 / 3)
    assert (risk.highest, risk.average, risk.records_at_risk) == (
        base.highest,
        base.average,
        base.records_at_risk,
    )
    assert risk.note
    assert "prosecutor" in risk.note


def test_marketer() -> None:
    # Without population: J / n = 3/7.
    assert marketer_risk(SIZES, None).average == pytest.approx(3 / 7)
    # With population: (4/40 + 2/10 + 1/2) / 7 = 0.8 / 7.
    assert marketer_risk(SIZES, POPULATION).average == pytest.approx(0.8 / 7)
    assert marketer_risk(SIZES, None).highest is None


def test_estimated_population() -> None:
    # N = 70, n = 7: F = 10 f = (40, 20, 10); the marketer risk becomes J / N = 3/70.
    estimate = estimated_population(SIZES, 70)
    assert estimate.tolist() == [40.0, 20.0, 10.0]
    assert marketer_risk(SIZES, estimate).average == pytest.approx(3 / 70)
    with pytest.raises(DeidError, match="smaller than the sample"):
        estimated_population(SIZES, 6)


def test_matched_population() -> None:
    sample = ClassTable(
        ("age", "zip"),
        np.array([2, 1, 3], dtype=np.int64),
        {
            "age": np.array(["30", "40", "50"], dtype=object),
            "zip": np.array(["1", "1", "2"], dtype=object),
        },
    )
    population = ClassTable(
        ("age", "zip"),
        np.array([9, 5, 2], dtype=np.int64),
        {
            "age": np.array(["30", "40", "50"], dtype=object),
            "zip": np.array(["1", "2", "2"], dtype=object),
        },
    )
    # (30, 1) -> 9; (40, 1) missing -> its sample size 1; (50, 2) -> 2 < 3 -> raised to 3.
    found, raised = matched_population(sample, population)
    assert found.tolist() == [9.0, 1.0, 3.0]
    assert raised == 2
    other = ClassTable(
        ("age",), np.array([1], dtype=np.int64), {"age": np.array(["30"], dtype=object)}
    )
    with pytest.raises(DeidError, match="same quasi-identifiers"):
        matched_population(sample, other)


def test_empty_sample() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert prosecutor_risk(empty, 0.2).average == 0.0
    assert marketer_risk(empty, None).average == 0.0


def test_misaligned_population() -> None:
    with pytest.raises(DeidError, match="one figure per sample class"):
        journalist_risk(SIZES, np.array([1.0]), 0.2)
