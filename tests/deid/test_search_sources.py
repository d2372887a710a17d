"""Choosing each quasi-identifier's hierarchy (its file, or a built-in) and writing them
as ARX files that, passed back, give the identical hierarchies and result."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from steward.deid.errors import DeidError
from steward.deid.search import Settings, anonymize, hierarchies_for, write_hierarchies
from steward.deid.search.hierarchies import CodedHierarchy
from tests.deid.paths import ADULT_DIR

QI = ("age", "zip", "district", "opened")


@pytest.fixture
def table() -> pl.DataFrame:
    n = 400
    return pl.DataFrame(
        {
            "age": [None if i % 97 == 0 else str(18 + (i * 7) % 70) for i in range(n)],
            "zip": [f"0{2100 + (i * 13) % 60}" for i in range(n)],
            "district": [["North", "South", "East", "West"][i % 4] for i in range(n)],
            "opened": [f"2025-{1 + i % 12:02d}-{1 + (i * 5) % 28:02d}" for i in range(n)],
            "kind": [["noise", "housing", "graffiti"][i % 3] for i in range(n)],
        }
    )


def _same(a: CodedHierarchy, b: CodedHierarchy) -> bool:
    return (
        a.leaves == b.leaves
        and a.labels == b.labels
        and all((x == y).all() for x, y in zip(a.maps, b.maps, strict=True))
    )


def test_columns_without_a_file_get_a_builtin_from_the_scan(
    table: pl.DataFrame, tmp_path: Path
) -> None:
    used = hierarchies_for(table, QI, tmp_path)
    kinds = {c: (u.origin, u.kind, u.hierarchy.height) for c, u in used.items()}
    assert kinds == {
        "age": ("built-in", "age bands", 5),
        "zip": ("built-in", "postal truncation", 6),
        "district": ("built-in", "suppression", 2),
        "opened": ("built-in", "dates", 5),
    }
    assert used["age"].describe() == "built-in age bands, 5 levels"


def test_a_file_wins_for_the_columns_it_covers(table: pl.DataFrame, tmp_path: Path) -> None:
    (tmp_path / "district.csv").write_text("North;N-S;*\nSouth;N-S;*\nEast;E-W;*\nWest;E-W;*\n")
    used = hierarchies_for(table, QI, tmp_path, findings={})
    assert used["district"].origin == "file"
    assert used["district"].path == tmp_path / "district.csv"
    assert used["district"].describe().endswith("district.csv, 3 levels")
    assert used["age"].kind == "numeric bands"  # no finding given: by type alone


def test_written_hierarchies_passed_back_give_the_identical_result(
    table: pl.DataFrame, tmp_path: Path
) -> None:
    settings = Settings(QI, k=5, max_suppression=0.02)
    first = hierarchies_for(table, QI, None)
    written = write_hierarchies(first, tmp_path)
    assert sorted(p.name for p in written.values()) == sorted(f"{c}_hierarchy.csv" for c in QI)
    again = hierarchies_for(table, QI, tmp_path)
    assert all(again[c].origin == "file" for c in QI)
    assert all(_same(first[c].hierarchy, again[c].hierarchy) for c in QI)
    one = anonymize(table, settings, {c: u.hierarchy for c, u in first.items()})
    two = anonymize(table, settings, {c: u.hierarchy for c, u in again.items()})
    assert one.levels == two.levels
    assert one.loss == two.loss
    assert_frame_equal(one.held(), two.held())


def test_a_missing_value_is_the_empty_leaf_and_stays_missing(tmp_path: Path) -> None:
    table = pl.DataFrame({"age": [None] * 5 + ["30"] * 5})
    used = hierarchies_for(table, ["age"], None, findings={"age": "age"})
    assert used["age"].hierarchy.rows()[-1] == ["", "", "", "", "*"]
    write_hierarchies(used, tmp_path)
    assert (tmp_path / "age_hierarchy.csv").read_text().endswith("\n;;;;*\n")
    result = anonymize(table, Settings(("age",), k=5), {"age": used["age"].hierarchy})
    assert result.levels["age"] < 4  # not the root: the classes of 5 are kept
    assert result.held()["age"].null_count() == 5


def test_a_file_is_not_rewritten_over_itself(table: pl.DataFrame, tmp_path: Path) -> None:
    own = tmp_path / "district_hierarchy.csv"
    own.write_text("North,*\nSouth,*\nEast,*\nWest,*\n")
    used = hierarchies_for(table, ["district"], tmp_path)
    assert write_hierarchies(used, tmp_path) == {"district": own}
    assert own.read_text() == "North,*\nSouth,*\nEast,*\nWest,*\n"


def test_bad_requests_are_refused(table: pl.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(DeidError, match="no such folder"):
        hierarchies_for(table, QI, tmp_path / "nope")
    odd = table.rename({"district": "a/b"})
    with pytest.raises(DeidError, match="cannot be a file name"):
        hierarchies_for(odd, ["a/b"], None)


@pytest.mark.skipif(not ADULT_DIR.is_dir(), reason="Adult data not available")
def test_adult_files_are_written_back_byte_for_byte(tmp_path: Path) -> None:
    columns = ["age", "education", "native-country"]
    table = pl.read_csv(ADULT_DIR / "adult.csv", separator=";", infer_schema=False)
    used = hierarchies_for(table, columns, ADULT_DIR)
    written = write_hierarchies(used, tmp_path)
    for column in columns:
        original = (ADULT_DIR / f"adult_hierarchy_{column}.csv").read_text().rstrip("\n")
        assert written[column].read_text().rstrip("\n") == original
