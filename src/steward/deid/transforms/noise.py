"""Random noise on numbers, reproducible from the key.

The noise stream of a column is seeded from the key and the column's name, so the same
input in the same row order gives the same output; a different key gives different noise.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

NoiseKind = Literal["laplace", "gaussian"]


def draw(kind: NoiseKind, scale: float, size: int, seed: int) -> npt.NDArray[np.float64]:
    """``size`` draws of zero-mean noise: Laplace with scale ``b`` or Gaussian with sigma.

    Raises:
        ValueError: an unknown kind or a scale that is not positive.
    """
    if not scale > 0:
        raise ValueError("the noise scale must be positive")
    generator = np.random.Generator(np.random.PCG64(seed))
    if kind == "laplace":
        return generator.laplace(0.0, scale, size)
    if kind == "gaussian":
        return generator.normal(0.0, scale, size)
    raise ValueError(f"unknown noise kind {kind!r}; use laplace or gaussian")


def noisy(
    values: pl.Series, kind: NoiseKind, scale: float, seed: int, round_to: float | None = None
) -> pl.Series:
    """``values`` plus noise, optionally rounded to a multiple of ``round_to``; nulls stay."""
    numbers = values.cast(pl.Float64)
    out = numbers + pl.Series(draw(kind, scale, len(values), seed))
    if round_to is not None:
        out = (out / round_to).round(0) * round_to
        if float(round_to).is_integer():
            out = out.cast(pl.Int64)
    return out.alias(values.name)


def add_noise(
    expr: pl.Expr, kind: NoiseKind, scale: float, seed: int, round_to: float | None = None
) -> pl.Expr:
    """An expression adding noise to a whole column at once (reproducible per row order).

    Raises:
        ValueError: the scale or ``round_to`` is not positive.
    """
    if round_to is not None and not round_to > 0:
        raise ValueError("round must be positive")
    draw(kind, scale, 0, seed)
    dtype = pl.Int64 if round_to is not None and float(round_to).is_integer() else pl.Float64
    return expr.map_batches(lambda s: noisy(s, kind, scale, seed, round_to), return_dtype=dtype)
