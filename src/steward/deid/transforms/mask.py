"""Dropping and masking columns."""

from __future__ import annotations

import polars as pl


def drop(frame: pl.LazyFrame, column: str) -> pl.LazyFrame:
    """``frame`` without ``column``."""
    return frame.drop(column)


def mask(
    expr: pl.Expr,
    *,
    keep_first: int = 0,
    keep_last: int = 0,
    char: str = "*",
    length: int | None = None,
) -> pl.Expr:
    """Hide every character of a text value but the first ``keep_first`` and last ``keep_last``.

    The hidden part is ``char`` repeated once per hidden character, or exactly ``length``
    times when given (so the value's length is hidden too). A value no longer than
    ``keep_first + keep_last`` is hidden entirely, so a short value is never shown whole.
    Nulls stay null.
    """
    text = expr.cast(pl.String)
    size = text.str.len_chars()
    shown = keep_first + keep_last
    hidden = pl.lit(length, dtype=pl.Int64) if length is not None else size - shown
    whole = pl.lit(length, dtype=pl.Int64) if length is not None else size
    stars = pl.lit(char).repeat_by(hidden.clip(lower_bound=0)).list.join("")
    all_stars = pl.lit(char).repeat_by(whole).list.join("")
    head = text.str.slice(0, keep_first)
    tail = text.str.slice(-keep_last, keep_last) if keep_last else pl.lit("")
    partial = pl.concat_str([head, stars, tail])
    return pl.when(text.is_null()).then(text).when(size > shown).then(partial).otherwise(all_stars)
