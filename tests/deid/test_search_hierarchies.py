"""Tests for the ARX hierarchy reader of the search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from steward.deid.errors import DeidError
from steward.deid.search.hierarchies import find_hierarchies, from_rows, read_hierarchy
from tests.deid.paths import ADULT_DIR, ADULT_QI

ADULT = ADULT_DIR
LEVELS = {
    "sex": [2, 1],
    "age": [100, 20, 10, 5, 1],
    "race": [5, 1],
    "marital-status": [7, 2, 1],
    "education": [16, 5, 3, 1],
    "native-country": [41, 5, 1],
    "workclass": [8, 3, 1],
    "occupation": [14, 3, 1],
    "salary-class": [2, 1],
}

needs_adult = pytest.mark.skipif(not ADULT.is_dir(), reason="Adult data not available")


@needs_adult
def test_adult_hierarchies_have_the_documented_levels() -> None:
    found = find_hierarchies(ADULT, ADULT_QI)
    for name, sizes in LEVELS.items():
        assert [len(labels) for labels in found[name].labels] == sizes
    heights = [found[q].height for q in ADULT_QI]
    assert int(np.prod(heights)) == 12_960


@needs_adult
def test_adult_age_maps_leaves_to_their_labels() -> None:
    age = read_hierarchy(ADULT / "adult_hierarchy_age.csv", "age")
    code = age.code_of()["39"]
    assert age.labels[1][age.maps[1][code]] == "35-39"
    assert age.labels[4][age.maps[4][code]] == "*"
    assert int(age.leaf_counts[4][0]) == age.domain_size == 100


def test_rows_give_codes_maps_and_leaf_counts() -> None:
    h = from_rows("x", [["a", "ab", "*"], ["b", "ab", "*"], ["c", "c", "*"]])
    assert h.leaves == ("a", "b", "c")
    assert h.labels[1] == ("ab", "c")
    assert h.maps[1].tolist() == [0, 0, 1]
    assert h.leaf_counts[1].tolist() == [2, 1]
    assert h.height == 3


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "no rows"),
        ([["a", "*"], ["b"]], "different lengths"),
        ([["a", "*"], ["a", "*"]], "twice"),
        ([["a", "x", "*1"], ["b", "x", "*2"]], "tree"),
    ],
)
def test_bad_hierarchies_are_refused(rows: list[list[str]], message: str) -> None:
    with pytest.raises(DeidError, match=message):
        from_rows("x", rows)


def test_missing_hierarchy_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("1;*\n2;*\n")
    with pytest.raises(DeidError, match="no hierarchy for 'b'"):
        find_hierarchies(tmp_path, ["a", "b"])
    with pytest.raises(DeidError, match="no such folder"):
        find_hierarchies(tmp_path / "nope", ["a"])


def test_comma_separated_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("1,low,*\n2,low,*\n3,high,*\n")
    assert find_hierarchies(tmp_path, ["a"])["a"].labels[1] == ("low", "high")
