"""Generalization hierarchies: ARX files (loading, validation) and the built-ins."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from steward.deid.errors import DeidError
from steward.deid.hierarchy import (
    AgeBands,
    DateHierarchy,
    HierarchyError,
    NumericBins,
    PostalTruncation,
    TableHierarchy,
    load_hierarchy,
)
from tests.deid.paths import ADULT_DIR

ADULT = ADULT_DIR
ADULT_LEVELS = {
    "age": 5,
    "education": 4,
    "marital-status": 3,
    "native-country": 3,
    "occupation": 3,
    "workclass": 3,
    "race": 2,
    "sex": 2,
    "salary-class": 2,
}
needs_adult = pytest.mark.skipif(not ADULT.is_dir(), reason="the Adult benchmark is not here")


def write(tmp_path: Path, text: str, name: str = "h.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@needs_adult
@pytest.mark.parametrize(("name", "levels"), sorted(ADULT_LEVELS.items()))
def test_every_adult_hierarchy_loads_with_its_depth(name: str, levels: int) -> None:
    hierarchy = load_hierarchy(ADULT / f"adult_hierarchy_{name}.csv")
    assert hierarchy.levels == levels
    assert set(hierarchy.mapping(levels - 1).values()) == {"*"}
    assert hierarchy.mapping(0) == {v: v for v in hierarchy.values}


@needs_adult
def test_adult_education_generalizes_by_level() -> None:
    hierarchy = load_hierarchy(ADULT / "adult_hierarchy_education.csv")
    values = np.array(["Bachelors", "11th", None], dtype=object)
    assert list(hierarchy.generalize(values, 1)) == ["Undergraduate", "High School", None]
    assert list(hierarchy.generalize(values, 2)) == [
        "Higher education",
        "Secondary education",
        None,
    ]
    assert list(hierarchy.generalize(values, 3)) == ["*", "*", None]


def test_generalize_keeps_the_container_kind(tmp_path: Path) -> None:
    hierarchy = load_hierarchy(write(tmp_path, "a;x;*\nb;x;*\nc;y;*\n"))
    series = hierarchy.generalize(pl.Series("col", ["a", "c"]), 1)
    assert isinstance(series, pl.Series)
    assert series.name == "col"
    assert series.to_list() == ["x", "y"]
    array = hierarchy.generalize(np.array(["b"], dtype=object), 1)
    assert isinstance(array, np.ndarray)
    assert array.tolist() == ["x"]


def test_mapping_table_per_level(tmp_path: Path) -> None:
    hierarchy = load_hierarchy(write(tmp_path, "a;x;*\nb;x;*\nc;y;*\n"))
    assert hierarchy.mapping(1) == {"a": "x", "b": "x", "c": "y"}
    with pytest.raises(HierarchyError, match="level 3 does not exist"):
        hierarchy.mapping(3)


def test_values_outside_the_hierarchy_are_counted_not_named(tmp_path: Path) -> None:
    hierarchy = load_hierarchy(write(tmp_path, "a;x;*\nb;x;*\n"))
    with pytest.raises(HierarchyError) as caught:
        hierarchy.generalize(np.array(["a", "secret-1", "secret-2"], dtype=object), 1)
    assert "2 values are not in the hierarchy" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_missing_suppress_turns_unknown_values_into_root(tmp_path: Path) -> None:
    hierarchy = load_hierarchy(write(tmp_path, "a;x;*\nb;x;*\n"), missing="suppress")
    values = pl.Series(["a", "zzz", None])
    assert hierarchy.generalize(values, 1).to_list() == ["x", "*", None]
    assert hierarchy.generalize(values, 0).to_list() == ["a", "*", None]


def test_bom_blank_lines_and_spaces_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes("\ufeffa ; x ;*\n\nb;x;*\n\n".encode())
    hierarchy = load_hierarchy(path)
    assert hierarchy.values == ["a", "b"]
    assert hierarchy.levels == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a;x;*\nb;*\n", r"h\.csv:2: 2 levels, but line 1 has 3"),
        ("a;x;*\nb;y;*\na;y;*\n", r"h\.csv:3: value appears twice \(first on line 1\)"),
        ("a;x;*\nb;y;*\nc;y;ROOT\n", r"h\.csv:3: the last level differs from line 1"),
        ("a;x;p;*\nb;x;q;*\n", r"h\.csv:2: level 1 maps to two values at level 2 \(see line 1\)"),
        ("a;;*\n", r"h\.csv:1: level 1 is empty"),
        ("a\nb\n", r"h\.csv:1: a row needs a value and at least one level"),
        ("\n\n", r"h\.csv: the hierarchy file is empty"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(HierarchyError, match=message):
        load_hierarchy(write(tmp_path, text))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(HierarchyError, match="no such hierarchy file"):
        load_hierarchy(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    "raw",
    [
        b"caf\xe9;x;*\nthe;y;*\n",  # Latin-1, as ARX and `deid anonymize` read it
        "café;x;*\nthe;y;*\n".encode("utf-16"),
        b"caf\xc3\xa9;x;*;\nthe;y;*;\n",  # a separator ending every line adds no level
        b'"caf\xc3\xa9" ; x ;*\r\n\r\nthe;"y";*\r\n',  # quotes, spaces, CR LF, a blank line
    ],
)
def test_recipes_read_hierarchy_files_as_anonymize_does(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "word.csv"
    path.write_bytes(raw)
    hierarchy = load_hierarchy(path)
    assert hierarchy.levels == 3
    assert hierarchy.generalize(pl.Series(["café", "the"]), 1).to_list() == ["x", "y"]


def test_hierarchy_error_is_a_deid_error() -> None:
    assert issubclass(HierarchyError, DeidError)


def test_age_bands_levels() -> None:
    bands = AgeBands()
    assert bands.levels == 5
    ages = pl.Series([3, 37, 64, None])
    expected = [
        [3, 37, 64, None],
        ["0-4", "35-39", "60-64", None],
        ["0-9", "30-39", "60-69", None],
        ["0-19", "20-39", "60-79", None],
        ["*", "*", "*", None],
    ]
    assert [bands.generalize(ages, level).to_list() for level in range(5)] == expected
    assert bands.level_for_width(10) == 2
    with pytest.raises(HierarchyError, match="width 7"):
        bands.level_for_width(7)


def test_age_bands_read_text_and_reject_non_numbers() -> None:
    bands = AgeBands()
    assert bands.generalize(pl.Series(["42", " 7 "]), 1).to_list() == ["40-44", "5-9"]
    with pytest.raises(HierarchyError, match="1 value is not numbers"):
        bands.generalize(pl.Series(["42", "forty"]), 1)


def test_numeric_bins_by_width_and_edges() -> None:
    by_width = NumericBins(width=2.5)
    assert by_width.generalize(pl.Series([-1.0, 0.0, 3.0]), 1).to_list() == [
        "-2.5-<0.0",
        "0.0-<2.5",
        "2.5-<5.0",
    ]
    by_edges = NumericBins(edges=[0, 1000, 5000])
    values = pl.Series([-1.0, 0.0, 999.5, 1000.0, 7000.0])
    assert by_edges.generalize(values, 1).to_list() == [
        "<0",
        "0-<1000",
        "0-<1000",
        "1000-<5000",
        ">=5000",
    ]
    assert by_edges.generalize(values, 2).to_list() == ["*"] * 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "either a width or edges"),
        ({"width": 0}, "positive"),
        ({"edges": [3, 1]}, "increasing"),
    ],
)
def test_numeric_bins_reject_bad_settings(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(HierarchyError, match=message):
        NumericBins(**kwargs)  # type: ignore[arg-type]


def test_dates_to_month_quarter_year() -> None:
    dates = DateHierarchy()
    values = pl.Series(["2024-03-15", "2023-11-30", None])
    assert dates.generalize(values, DateHierarchy.level_for("month")).to_list() == [
        "2024-03",
        "2023-11",
        None,
    ]
    assert dates.generalize(values, 2).to_list() == ["2024-Q1", "2023-Q4", None]
    assert dates.generalize(values, 3).to_list() == ["2024", "2023", None]
    assert dates.generalize(values, 4).to_list() == ["*", "*", None]
    assert dates.generalize(pl.Series([dt.date(2020, 5, 1)]), 2).to_list() == ["2020-Q2"]
    with pytest.raises(HierarchyError, match="not one of"):
        DateHierarchy.level_for("week")
    with pytest.raises(HierarchyError, match="not dates"):
        dates.generalize(pl.Series(["yesterday"]), 1)


def test_dates_with_a_format() -> None:
    dates = DateHierarchy("%d/%m/%Y")
    assert dates.generalize(pl.Series(["15/03/2024"]), 1).to_list() == ["2024-03"]


def test_postal_truncation() -> None:
    postal = PostalTruncation(5)
    codes = pl.Series(["02139", "1234", None])
    assert postal.generalize(codes, postal.level_for_keep(3)).to_list() == ["021**", "123*", None]
    assert postal.generalize(codes, postal.level_for_keep(0)).to_list() == ["*****", "****", None]
    assert postal.generalize(codes, postal.levels - 1).to_list() == ["*", "*", None]
    with pytest.raises(HierarchyError, match="keep must be"):
        postal.level_for_keep(6)


def test_table_hierarchy_from_rows() -> None:
    hierarchy = TableHierarchy("t", [["a", "*"], ["b", "*"]])
    assert hierarchy.levels == 2
    with pytest.raises(HierarchyError, match="level -1"):
        hierarchy.generalize(np.array(["a"], dtype=object), -1)


def test_decimal_values_get_half_open_labels_and_edges_stay_in_their_band() -> None:
    bins = NumericBins(width=5)
    assert bins.generalize(pl.Series([24, 20, None]), 1).to_list() == ["20-24", "20-24", None]
    assert bins.generalize(pl.Series([24.5, 20.0]), 1).to_list() == ["20.0-<25.0"] * 2
    assert AgeBands().generalize(pl.Series([34.5]), 1).to_list() == ["30.0-<35.0"]
    tenths = NumericBins(width=0.1)
    assert tenths.generalize(pl.Series([3.0, 0.3, 0.7]), 1).to_list() == [
        "3.0-<3.1",
        "0.3-<0.4",
        "0.7-<0.8",
    ]
