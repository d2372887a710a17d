"""Top and bottom coding."""

from __future__ import annotations

import polars as pl
import pytest

from steward.deid.transforms.coding import top_bottom_code


def test_top_and_bottom() -> None:
    frame = pl.DataFrame({"income": [-5, 0, 150_000, 250_000, None]})
    out = frame.select(top_bottom_code(pl.col("income"), top=200_000, bottom=0))
    assert out["income"].to_list() == [0, 0, 150_000, 200_000, None]


def test_top_only() -> None:
    frame = pl.DataFrame({"age": [17.0, 95.5]})
    assert frame.select(top_bottom_code(pl.col("age"), top=90))["age"].to_list() == [17.0, 90.0]


def test_bottom_above_top_is_refused() -> None:
    with pytest.raises(ValueError, match="bottom"):
        top_bottom_code(pl.col("x"), top=1, bottom=2)
