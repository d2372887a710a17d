"""Noise on numbers: reproducible from the seed, with the asked-for spread."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from steward.deid.transforms.noise import add_noise, draw, noisy

SEED = 20240601


def test_reproducible_and_seed_dependent() -> None:
    assert np.array_equal(draw("laplace", 2.0, 100, SEED), draw("laplace", 2.0, 100, SEED))
    assert not np.array_equal(draw("laplace", 2.0, 100, SEED), draw("laplace", 2.0, 100, SEED + 1))


@pytest.mark.parametrize(("kind", "std"), [("laplace", 500 * np.sqrt(2)), ("gaussian", 500.0)])
def test_distribution_is_centered_with_the_right_spread(kind: str, std: float) -> None:
    sample = draw(kind, 500.0, 200_000, SEED)  # type: ignore[arg-type]
    assert abs(sample.mean()) < 5 * std / np.sqrt(sample.size)
    assert sample.std() == pytest.approx(std, rel=0.02)
    if kind == "laplace":
        assert np.median(np.abs(sample)) == pytest.approx(500 * np.log(2), rel=0.02)


def test_rounding_to_a_multiple_gives_integers() -> None:
    values = pl.Series("income", [51_234, 78_901, None])
    out = noisy(values, "laplace", 500.0, SEED, round_to=100)
    assert out.dtype == pl.Int64
    assert out[2] is None
    assert all(v % 100 == 0 for v in out.drop_nulls())
    assert all(abs(a - b) < 10_000 for a, b in zip(out[:2], values[:2], strict=True))


def test_expression_matches_the_series_function() -> None:
    frame = pl.DataFrame({"x": [1.0, 2.0, 3.0]})
    out = frame.select(add_noise(pl.col("x"), "gaussian", 1.0, SEED))
    assert out["x"].to_list() == noisy(frame["x"], "gaussian", 1.0, SEED).to_list()


@pytest.mark.parametrize(
    ("kind", "scale", "round_to"),
    [("laplace", 0.0, None), ("cauchy", 1.0, None), ("laplace", 1.0, 0.0)],
)
def test_bad_settings(kind: str, scale: float, round_to: float | None) -> None:
    with pytest.raises(ValueError):
        add_noise(pl.col("x"), kind, scale, SEED, round_to)  # type: ignore[arg-type]
