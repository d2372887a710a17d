"""Per-person date shifting."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from steward.deid.transforms.dates import offset_days, offsets, shift_dates

KEY = b"d" * 32


def test_same_offset_for_every_date_of_a_person() -> None:
    frame = pl.DataFrame(
        {
            "person": ["a", "a", "b", "a", None],
            "day": [
                dt.date(2024, 1, 1),
                dt.date(2024, 6, 1),
                dt.date(2024, 1, 1),
                None,
                dt.date(2024, 1, 1),
            ],
        }
    )
    out = frame.with_columns(shift_dates(pl.col("day"), pl.col("person"), KEY, max_days=30))
    moved = [
        (new - old).days if new and old else None
        for new, old in zip(out["day"], frame["day"], strict=True)
    ]
    assert moved[0] == moved[1] == offset_days(KEY, "a", 30)
    assert moved[2] == offset_days(KEY, "b", 30)
    assert out["day"][3] is None
    assert out["day"][4] is None  # no person: no consistent offset, so no date


def test_intervals_between_a_persons_dates_are_kept() -> None:
    frame = pl.DataFrame({"p": ["x", "x"], "d": [dt.date(2024, 1, 1), dt.date(2024, 1, 11)]})
    out = frame.with_columns(shift_dates(pl.col("d"), pl.col("p"), KEY, max_days=365))
    assert (out["d"][1] - out["d"][0]).days == 10


def test_offsets_within_bounds_and_spread() -> None:
    persons = pl.Series([f"person-{i}" for i in range(5000)])
    days = offsets(persons, KEY, 30).to_list()
    assert min(days) >= -30
    assert max(days) <= 30
    assert len(set(days)) == 61  # every offset in -30..30 occurs
    assert abs(sum(days) / len(days)) < 1.5


def test_offsets_depend_on_the_key() -> None:
    persons = pl.Series([f"p{i}" for i in range(50)])
    assert offsets(persons, KEY, 100).to_list() != offsets(persons, b"e" * 32, 100).to_list()
    assert offsets(persons, KEY, 100).to_list() == offsets(persons, KEY, 100).to_list()


def test_datetimes_shift_too() -> None:
    frame = pl.DataFrame({"p": ["x"], "t": [dt.datetime(2024, 1, 1, 12, 30)]})
    out = frame.with_columns(shift_dates(pl.col("t"), pl.col("p"), KEY, max_days=5))
    assert out["t"][0].time() == dt.time(12, 30)


def test_max_days_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_days"):
        shift_dates(pl.col("d"), pl.col("p"), KEY, max_days=0)
