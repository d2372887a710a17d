"""Top and bottom coding: numbers beyond a threshold are set to the threshold."""

from __future__ import annotations

import polars as pl


def top_bottom_code(
    expr: pl.Expr, *, top: float | None = None, bottom: float | None = None
) -> pl.Expr:
    """``expr`` with values above ``top`` set to ``top`` and below ``bottom`` to ``bottom``.

    Raises:
        ValueError: ``bottom`` is above ``top``.
    """
    if top is not None and bottom is not None and bottom > top:
        raise ValueError("the bottom code must not be above the top code")
    return expr.clip(lower_bound=bottom, upper_bound=top)
