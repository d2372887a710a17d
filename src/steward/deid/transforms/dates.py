"""Per-person date shifting: every date of a person moves by the same secret offset.

The offset is derived with HMAC-SHA-256 from the person's identifier and the key, so it
is the same in every file and run with the same key, lies within ``±max_days``, and
keeps the intervals between one person's dates exact.
"""

from __future__ import annotations

import hmac

import polars as pl


def offset_days(key: bytes, person: str, max_days: int) -> int:
    """The offset of ``person``, in days, within ``-max_days .. max_days``."""
    digest = hmac.digest(key, person.encode("utf-8"), "sha256")
    return int.from_bytes(digest[:8], "big") % (2 * max_days + 1) - max_days


def offsets(persons: pl.Series, key: bytes, max_days: int) -> pl.Series:
    """Each person's offset in days (null where the person is null)."""
    text = persons.cast(pl.String)
    table = {p: offset_days(key, p, max_days) for p in text.drop_nulls().unique().to_list()}
    if not table:
        return pl.Series(persons.name, [None] * len(persons), dtype=pl.Int64)
    return text.replace_strict(table, default=None, return_dtype=pl.Int64)


def shift_dates(expr: pl.Expr, person: pl.Expr, key: bytes, *, max_days: int) -> pl.Expr:
    """``expr`` (a date or datetime) moved by its person's offset.

    A date whose person is null becomes null: it cannot be shifted consistently.

    Raises:
        ValueError: ``max_days`` is not positive.
    """
    if max_days < 1:
        raise ValueError("max_days must be at least 1")
    days = person.cast(pl.String).map_batches(
        lambda s: offsets(s, key, max_days), return_dtype=pl.Int64, is_elementwise=True
    )
    return expr + pl.duration(days=days)
