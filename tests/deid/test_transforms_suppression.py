"""Local suppression of records in classes smaller than k."""

from __future__ import annotations

import polars as pl
import pytest

from steward.deid.transforms.suppression import count_small, suppress

FRAME = pl.DataFrame(
    {
        "band": ["20-29", "20-29", "20-29", "30-39", "30-39", "40-49"],
        "zip": [100, 100, 100, 200, 201, 300],
        "type": ["a", "b", "c", "d", "e", "f"],
    }
).lazy()


def test_small_classes_lose_their_quasi_identifiers() -> None:
    out = suppress(FRAME, ["band", "zip"], 2).collect()
    assert out["band"].to_list() == ["20-29", "20-29", "20-29", "*", "*", "*"]
    assert out["zip"].to_list() == [100, 100, 100, None, None, None]
    assert out["type"].to_list() == ["a", "b", "c", "d", "e", "f"]
    assert out.columns == ["band", "zip", "type"]


def test_replacement_marker_and_removal() -> None:
    marked = suppress(FRAME, ["band"], 2, replace_with="(suppressed)").collect()
    assert marked["band"].to_list()[-1] == "(suppressed)"
    removed = suppress(FRAME, ["band"], 3, remove_records=True).collect()
    assert removed["type"].to_list() == ["a", "b", "c"]


def test_count_small() -> None:
    assert count_small(FRAME, ["band"], 2) == 1
    assert count_small(FRAME, ["band", "zip"], 3) == 3


def test_bad_settings() -> None:
    with pytest.raises(ValueError, match="k must"):
        suppress(FRAME, ["band"], 1)
    with pytest.raises(ValueError, match="quasi-identifiers"):
        suppress(FRAME, [], 2)
