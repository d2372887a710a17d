"""The built-in hierarchies of ``anonymize``: which kind each column gets (from its type
and the scan's finding), their levels, and that every one is a valid tree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.deid.search.builtin_hierarchies import (
    ColumnProfile,
    Kind,
    ValueType,
    band_widths,
    builtin_hierarchy,
    builtin_rows,
    choose_kind,
    value_type,
)
from steward.deid.search.hierarchies import MISSING, from_rows


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        (pl.Series(["39", "50", "-3"]), "integer"),
        (pl.Series(["39", "?", None, "", "NA"]), "integer"),
        (pl.Series(["02139", "47501"]), "text"),
        (pl.Series(["0", "1"]), "integer"),
        (pl.Series(["1.5", "2", "1e3"]), "decimal"),
        (pl.Series(["2024-03-15", "2025-12-01"]), "date"),
        (pl.Series(["2024-02-30"]), "text"),
        (pl.Series(["2024-03-15T10:00", "2024-03-15 09:30:00"]), "datetime"),
        (pl.Series(["Downtown", "West"]), "text"),
        (pl.Series(["?", None]), "text"),
        (pl.Series([1, 2], dtype=pl.Int32), "integer"),
        (pl.Series([1.5, None]), "decimal"),
        (pl.Series([dt.date(2024, 1, 1)]), "date"),
        (pl.Series([dt.datetime(2024, 1, 1, 10)]), "datetime"),
        (pl.Series([True, False]), "text"),
    ],
)
def test_value_type(series: pl.Series, expected: ValueType) -> None:
    assert value_type(series) == expected


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        (ColumnProfile("integer", 73, "age"), "age bands"),
        (ColumnProfile("decimal", 73, "age"), "age bands"),
        (ColumnProfile("text", 8, "age"), "suppression"),
        (ColumnProfile("text", 149, "postal_code"), "postal truncation"),
        (ColumnProfile("integer", 149, "postal_code"), "postal truncation"),
        (ColumnProfile("date", 330, None), "dates"),
        (ColumnProfile("date", 330, "date_of_birth"), "dates"),
        (ColumnProfile("datetime", 900, None), "date-times"),
        (ColumnProfile("integer", 5000, None), "numeric bands"),
        (ColumnProfile("decimal", 5000, "gender"), "numeric bands"),
        (ColumnProfile("text", 5, None), "suppression"),
        (ColumnProfile("text", 20, "gender"), "suppression"),
        (ColumnProfile("text", 21, None), "prefix truncation"),
    ],
)
def test_the_kind_follows_the_finding_then_the_type(column: ColumnProfile, kind: Kind) -> None:
    assert choose_kind(column) == kind


@pytest.mark.parametrize(
    ("values", "finding", "kind", "first_row"),
    [
        (["39", "17", "90"], "age", "age bands", ["17", "15-19", "10-19", "0-19", "*"]),
        (["39", "17", "90"], None, "numeric bands", ["17", "15-19", "10-19", "0-49", "*"]),
        (["1.25", "0.5", "3"], None, "numeric bands",
         ["0.5", "0.50-<0.55", "0.5-<0.6", "0.5-<1.0", "0-<1", "*"]),
        (["47501", "02139"], "postal_code", "postal truncation",
         ["02139", "0213*", "021**", "02***", "0****", "*"]),
        (["2025-06-15", "2024-11-02"], None, "dates",
         ["2024-11-02", "2024-11", "2024-Q4", "2024", "*"]),
        (["2025-06-15T08:00", "2024-11-02 23:59"], None, "date-times",
         ["2024-11-02 23:59", "2024-11-02", "2024-11", "2024-Q4", "2024", "*"]),
        (["West", "East"], None, "suppression", ["East", "*"]),
        ([f"Street {i:02d} North" for i in range(30)], None, "prefix truncation",
         ["Street 00 North", "Street 0*", "Street*", "Stre*", "Str*", "St*", "S*", "*"]),
    ],
)  # fmt: skip
def test_each_kind_and_its_levels(
    values: list[str], finding: str | None, kind: Kind, first_row: list[str]
) -> None:
    built = builtin_hierarchy("c", pl.Series(values), finding)
    assert built.kind == kind
    assert built.rows[0] == first_row
    assert built.hierarchy.height == len(first_row)
    assert sorted(built.hierarchy.leaves) == sorted(set(values))


def test_missing_values_and_markers_stay_until_the_root() -> None:
    built = builtin_hierarchy("age", pl.Series(["39", "?", None, "41"]), "age")
    assert built.kind == "age bands"
    assert built.rows[-2:] == [[MISSING] * 4 + ["*"], ["?"] * 4 + ["*"]]


def test_a_single_value_or_a_narrow_range_goes_straight_to_the_root() -> None:
    assert builtin_hierarchy("n", pl.Series(["7", "7"])).rows == [["7", "*"]]
    assert builtin_hierarchy("n", pl.Series(["1", "3"])).rows == [["1", "*"], ["3", "*"]]


@pytest.mark.parametrize(
    ("low", "high", "integer", "widths"),
    [
        ("17", "90", True, ["5", "10", "50"]),
        ("0", "200000", True, ["5000", "10000", "50000", "100000"]),
        ("0", "1", False, ["0.01", "0.05", "0.1", "0.5", "1"]),
        ("-5", "5", True, ["5", "10"]),
        ("0", "3", True, []),
        ("4", "4", False, []),
    ],
)
def test_band_widths_grow_by_five_and_two(
    low: str, high: str, integer: bool, widths: list[str]
) -> None:
    found = band_widths(Decimal(low), Decimal(high), integer)
    assert found == [Decimal(w) for w in widths]


def test_decimal_bands_nest_exactly_at_their_edges() -> None:
    rows = builtin_rows("numeric bands", ["3.0", "2.9999", "0.3", "0.1"], "decimal")
    by_value = {row[0]: row[1:] for row in rows}
    assert by_value["3.0"][:3] == ["3.00-<3.05", "3.0-<3.1", "3.0-<3.5"]
    from_rows("x", rows)  # a tree: no band straddles one of the next level


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(-10_000, 10_000).map(str),
            st.decimals(-1000, 1000, places=3, allow_nan=False).map(str),
            st.dates().map(dt.date.isoformat),
            st.text(max_size=12),
            st.sampled_from(["?", "NA", ""]),
        ),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from([None, "age", "postal_code"]),
)
def test_every_builtin_is_a_tree_over_the_values_present(
    values: list[str | None], finding: str | None
) -> None:
    series = pl.Series("c", values, dtype=pl.String)
    built = builtin_hierarchy("c", series, finding)
    present = set(series.fill_null(MISSING).to_list())
    assert set(built.hierarchy.leaves) == present
    assert {row[-1] for row in built.rows} == {"*"}
