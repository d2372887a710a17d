"""Keyed pseudonyms: HMAC-SHA-256 under a managed key, the same in every file and run.

A value's pseudonym depends only on the key and the value's text, never on the column
or the file, so records of one person can still be linked across extracts made with
the same key, and not at all across extracts made with different keys.
"""

from __future__ import annotations

import hmac

import polars as pl
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.hmac import HMAC

MIN_LENGTH = 8
MAX_LENGTH = 64


def pseudonym(key: bytes, value: str, *, prefix: str = "", length: int = 16) -> str:
    """The pseudonym of one value: ``prefix`` + the first ``length`` hex digits of its HMAC."""
    digest = hmac.digest(key, value.encode("utf-8"), "sha256").hex()
    return prefix + digest[:length]


def pseudonyms(values: pl.Series, key: bytes, *, prefix: str = "", length: int = 16) -> pl.Series:
    """Each value's pseudonym (nulls stay null).

    When values repeat, each distinct value is hashed once and joined back.
    """
    text = values.cast(pl.String)
    distinct = text.drop_nulls().unique()
    if len(distinct) * 2 > len(text):
        return _hex(_digests(text.to_list(), key), prefix, length).alias(values.name)
    table = pl.DataFrame(
        {"v": distinct, "p": _hex(_digests(distinct.to_list(), key), prefix, length)}
    )
    joined = text.to_frame("v").join(table, on="v", how="left", maintain_order="left")
    return joined["p"].alias(values.name)


def _digests(values: list[str | None], key: bytes) -> pl.Series:
    """HMAC-SHA-256 of each value under ``key`` (nulls stay null).

    The keyed HMAC state is built once and copied for each value (``cryptography``'s
    ``HMAC.copy``), which gives the digests of ``hmac.digest`` at less than half its
    cost.
    """
    keyed = HMAC(key, SHA256())

    def one(value: str | None) -> bytes | None:
        if value is None:
            return None
        state = keyed.copy()
        state.update(value.encode("utf-8"))
        return state.finalize()

    return pl.Series([one(v) for v in values], dtype=pl.Binary)


def _hex(digests: pl.Series, prefix: str, length: int) -> pl.Series:
    text = digests.bin.encode("hex").str.slice(0, length)
    return pl.select(pl.lit(prefix) + pl.lit(text)).to_series() if prefix else text


def pseudonymize(expr: pl.Expr, key: bytes, *, prefix: str = "", length: int = 16) -> pl.Expr:
    """An expression replacing each value of ``expr`` by its pseudonym.

    Raises:
        ValueError: ``length`` is outside 8..64 hex digits.
    """
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"length must be {MIN_LENGTH} to {MAX_LENGTH} hex digits")
    return expr.cast(pl.String).map_batches(
        lambda s: pseudonyms(s, key, prefix=prefix, length=length),
        return_dtype=pl.String,
        is_elementwise=True,
    )
