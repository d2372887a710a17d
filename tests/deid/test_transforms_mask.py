"""Dropping and masking."""

from __future__ import annotations

import polars as pl

from steward.deid.transforms.mask import drop, mask


def masked(values: list[str | None], **kwargs: object) -> list[str | None]:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    return frame.select(mask(pl.col("v"), **kwargs))["v"].to_list()  # type: ignore[arg-type]


def test_mask_everything_by_default() -> None:
    assert masked(["alice", "", None]) == ["*****", "", None]


def test_mask_keeps_first_and_last() -> None:
    assert masked(["alice@x.org"], keep_last=4) == ["*******.org"]
    assert masked(["5551234567"], keep_first=2, keep_last=2, char="#") == ["55######67"]


def test_short_values_are_hidden_entirely() -> None:
    assert masked(["abc", "abcd", "abcde"], keep_first=2, keep_last=2) == ["***", "****", "ab*de"]


def test_fixed_length_hides_the_length() -> None:
    assert masked(["a", "abcdefgh", None], keep_first=1, length=3) == ["***", "a***", None]


def test_mask_reads_numbers_as_text() -> None:
    frame = pl.DataFrame({"v": [123456]})
    assert frame.select(mask(pl.col("v"), keep_last=2))["v"].to_list() == ["****56"]


def test_drop() -> None:
    frame = pl.DataFrame({"a": [1], "b": [2]}).lazy()
    assert drop(frame, "a").collect().columns == ["b"]
