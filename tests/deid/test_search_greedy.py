"""The greedy search for wide tables: on small random tables its answer meets the privacy
model and is never better than the brute-force optimum (and exists whenever one does,
for monotone models); on Adult with 4% suppression it finds the optimum; ``auto``
switches to it past the lattice limit; and a table of 16 quasi-identifiers, whose
lattice has billions of nodes, is anonymized without building it."""

from __future__ import annotations

import importlib
from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings

from steward.deid.errors import DeidError
from steward.deid.io import collect, read_table
from steward.deid.search.anonymize import Settings, anonymize, lattice_size
from steward.deid.search.hierarchies import CodedHierarchy, find_hierarchies, from_rows
from tests.deid.paths import ADULT_DIR, ADULT_QI
from tests.deid.test_search_flash import Case, _run, brute_force, cases

anonymize_module = importlib.import_module("steward.deid.search.anonymize")
ADULT = ADULT_DIR


@settings(max_examples=150)
@given(cases())
def test_greedy_meets_the_model_and_never_beats_the_optimum(case: Case) -> None:
    optimum = brute_force(case)
    found = _run(case, "greedy")
    monotone = case.t is None or case.suppression == 0.0
    if optimum is None:
        assert found is None
    elif found is None:
        assert not monotone  # only a non-monotone model can hide its anonymous nodes
    else:
        assert found >= optimum - 1e-9 * max(1.0, abs(optimum))


@pytest.fixture(scope="module")
def adult() -> tuple[pl.DataFrame, dict[str, CodedHierarchy]]:
    if not (ADULT / "adult.csv").exists():
        pytest.skip(f"Adult is not at {ADULT}")
    return collect(read_table(ADULT / "adult.csv"), "adult"), find_hierarchies(ADULT, ADULT_QI)


@pytest.mark.parametrize("k", [2, 5, 10, 50])
def test_greedy_finds_adults_optimum_with_suppression(
    adult: tuple[pl.DataFrame, dict[str, CodedHierarchy]], k: int
) -> None:
    table, hierarchies = adult
    optimal = Settings(qi=ADULT_QI, k=k, max_suppression=0.04, search="optimal")
    best = anonymize(table, optimal, hierarchies)
    greedy = anonymize(table, replace(optimal, search="greedy"), hierarchies)
    assert greedy.loss == pytest.approx(best.loss, rel=1e-9)
    assert greedy.search.checked < best.search.lattice_size


def test_auto_switches_to_greedy_past_the_limit(
    adult: tuple[pl.DataFrame, dict[str, CodedHierarchy]], monkeypatch: pytest.MonkeyPatch
) -> None:
    table, hierarchies = adult
    chosen = Settings(qi=ADULT_QI, k=5, max_suppression=0.04)
    assert lattice_size([hierarchies[q] for q in ADULT_QI]) == 12_960
    optimal = anonymize(table, chosen, hierarchies)
    assert optimal.search.checked + optimal.search.scored > 0
    monkeypatch.setattr(anonymize_module, "OPTIMAL_LIMIT", 10_000)
    called: list[str] = []
    original = anonymize_module.greedy_search

    def spy(*args: object, **kwargs: object) -> object:
        called.append("greedy")
        return original(*args, **kwargs)

    monkeypatch.setattr(anonymize_module, "greedy_search", spy)
    switched = anonymize(table, chosen, hierarchies)
    assert called == ["greedy"]
    assert switched.loss == pytest.approx(optimal.loss, rel=1e-9)


def test_sixteen_quasi_identifiers_without_building_the_lattice() -> None:
    rng = np.random.default_rng(20261201)
    columns = [f"c{i}" for i in range(16)]
    table = pl.DataFrame({c: [f"v{x}" for x in rng.integers(0, 8, 5000)] for c in columns})
    hierarchies = {
        c: from_rows(c, [[f"v{x}", f"g{x // 2}", f"h{x // 4}", "*"] for x in range(8)])
        for c in columns
    }
    chosen = Settings(qi=tuple(columns), k=5, max_suppression=0.05)
    assert lattice_size(list(hierarchies.values())) == 4**16 > anonymize_module.OPTIMAL_LIMIT
    result = anonymize(table, chosen, hierarchies)
    assert result.search.lattice_size == 4**16
    assert result.search.checked < 5000
    assert result.suppressed <= 250
    kept = result.held().filter(pl.col("c0") != "*")
    assert kept.group_by(columns).len()["len"].min() >= 5  # type: ignore[operator]


def test_an_unknown_search_is_refused() -> None:
    with pytest.raises(DeidError, match="unknown search 'best'"):
        Settings(qi=("a",), k=2, search="best").check(["a"])
