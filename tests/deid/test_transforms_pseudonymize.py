"""Keyed pseudonyms: stable across runs and files, different under another key."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl
import pytest

from steward.deid.transforms.pseudonymize import pseudonym, pseudonymize, pseudonyms

KEY = b"k" * 32
OTHER = b"o" * 32


def test_pseudonym_is_truncated_hmac_sha256_with_prefix() -> None:
    expected = hmac.new(KEY, b"R-1001", hashlib.sha256).hexdigest()[:16]
    assert pseudonym(KEY, "R-1001", prefix="p_") == "p_" + expected
    assert len(pseudonym(KEY, "x", length=10)) == 10


def test_same_value_same_pseudonym_across_frames_and_columns() -> None:
    first = pl.DataFrame({"resident_id": ["R-1", "R-2", "R-1", None]})
    second = pl.DataFrame({"client": ["R-2", "R-3", "R-1"]})
    a = first.select(pseudonymize(pl.col("resident_id"), KEY, prefix="p_"))["resident_id"]
    b = second.select(pseudonymize(pl.col("client"), KEY, prefix="p_"))["client"]
    assert a[0] == a[2] == b[2]
    assert a[1] == b[0]
    assert a[3] is None
    assert len({a[0], a[1], b[1]}) == 3


def test_stable_across_runs() -> None:
    values = pl.Series("v", ["x", "y"])
    assert pseudonyms(values, KEY).to_list() == pseudonyms(values.clone(), KEY).to_list()


def test_another_key_gives_other_pseudonyms() -> None:
    values = pl.Series("v", ["x", "y"])
    ours, theirs = pseudonyms(values, KEY), pseudonyms(values, OTHER)
    assert all(a != b for a, b in zip(ours, theirs, strict=True))


def test_numbers_hash_as_their_text() -> None:
    assert (
        pseudonyms(pl.Series([42]), KEY).to_list() == pseudonyms(pl.Series(["42"]), KEY).to_list()
    )


def test_all_null_column() -> None:
    assert pseudonyms(pl.Series("v", [None, None], dtype=pl.String), KEY).to_list() == [None, None]


@pytest.mark.parametrize("length", [7, 65])
def test_length_bounds(length: int) -> None:
    with pytest.raises(ValueError, match="length"):
        pseudonymize(pl.col("v"), KEY, length=length)


@pytest.mark.parametrize("key", [KEY, b"x" * 100, b"short"])
def test_both_paths_match_the_standard_hmac(key: bytes) -> None:
    mostly_unique = pl.Series("v", ["a", "b", "c", None])
    repeated = pl.Series("v", ["a", "a", "a", "b", None, "a"])
    for values in (mostly_unique, repeated):
        expected = [None if v is None else pseudonym(key, v, prefix="x") for v in values]
        assert pseudonyms(values, key, prefix="x").to_list() == expected
