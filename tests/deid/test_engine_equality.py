"""Every engine gives the same equivalence classes and risk figures on the same input.

Each engine reads each fixture file through its own reader (``read_table`` for Polars,
``read_table_spark`` for Spark) and aggregates it; the result must equal the Polars
engine's exactly: the same classes in the same order, the same sizes, the same values
(same Python types, nulls alike), the same sensitive distributions, and so the same risk
report. The class sizes are also checked against a plain count of the records in Python.

Fixtures: the example service requests, a few thousand rows of Adult, and a hand-made
table with nulls, empty texts, numbers, NaN, dates, times and booleans, written as CSV,
Parquet and JSON Lines.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from steward.deid.classes import ClassTable
from steward.deid.engine import PolarsEngine
from steward.deid.io import read_table
from steward.deid.risk import RiskReport, measure_risk
from tests.deid.paths import ADULT_DIR, REPO
from tests.deid.paths import ADULT_QI as ADULT_QI_ALL

ENGINES = ("polars", "spark")
ADULT_ROWS = 3000
ADULT_QI = list(ADULT_QI_ALL[:-1])
"""Adult's quasi-identifiers but the salary class."""


@dataclass(frozen=True)
class Case:
    """One aggregation to compare: a fixture file, quasi-identifiers, sensitive columns."""

    file: str
    qi: tuple[str, ...]
    sensitive: tuple[str, ...] = ()


CASES = {
    "requests-postal-age": Case("requests.csv", ("postal_code", "age"), ("request_type",)),
    "requests-district-type-day": Case(
        "requests.csv", ("district", "request_type", "opened_on"), ("age", "postal_code")
    ),
    "requests-no-qi": Case("requests.csv", ()),
    "adult-3": Case("adult.csv", ("age", "sex", "race"), ("salary-class", "occupation")),
    "adult-8": Case("adult.csv", tuple(ADULT_QI), ("salary-class",)),
    "mixed-csv": Case("mixed.csv", ("city", "age"), ("diagnosis", "flag")),
    "mixed-csv-one": Case("mixed.csv", ("score",), ("city",)),
    "mixed-parquet": Case("mixed.parquet", ("city", "age", "born"), ("diagnosis", "score")),
    "mixed-parquet-typed": Case("mixed.parquet", ("flag", "score", "seen"), ("age", "small")),
    "mixed-parquet-nan": Case("mixed.parquet", ("ratio",), ("born",)),
    "mixed-jsonl": Case("mixed.jsonl", ("city", "age", "flag"), ("score", "diagnosis")),
    "header-only": Case("empty.csv", ("a", "b"), ("c",)),
}


def mixed_table(rows: int = 400, seed: int = 13) -> pl.DataFrame:
    """A table with every kind of value the engines must treat alike."""
    pick = random.Random(seed)
    cities = [None, "", "Zürich", "zürich", "Ängelholm", "apple", "Apple", 'say "hi"', "a,b"]
    diagnoses = [None, "flu", "cold", "asthma", "hiv"]
    start = dt.date(1950, 1, 1)
    return pl.DataFrame(
        {
            "city": [pick.choice(cities) for _ in range(rows)],
            "age": [pick.choice([None, *range(18, 30)]) for _ in range(rows)],
            "small": pl.Series([pick.choice([None, 1, 2, 3]) for _ in range(rows)], dtype=pl.Int32),
            "score": [pick.choice([None, -1.5, 0.0, 2.25, 1e6]) for _ in range(rows)],
            "ratio": [pick.choice([None, float("nan"), 0.5, -2.0]) for _ in range(rows)],
            "born": [
                pick.choice([None, start + dt.timedelta(days=pick.randrange(20_000))])
                for _ in range(rows)
            ],
            "seen": [
                pick.choice([None, dt.datetime(2024, 1, 1, 8, 30), dt.datetime(2024, 6, 1, 23)])
                for _ in range(rows)
            ],
            "flag": [pick.choice([None, True, False]) for _ in range(rows)],
            "diagnosis": [pick.choice(diagnoses) for _ in range(rows)],
        }
    )


def write_csv(frame: pl.DataFrame, path: Path, delimiter: str = ",") -> None:
    """Text fields quoted (so an empty text is ``""``), nulls left empty and unquoted."""

    def field(value: Any) -> str:
        if value is None:
            return ""
        return '"' + str(value).replace('"', '""') + '"'

    lines = [delimiter.join(frame.columns)]
    lines += [delimiter.join(field(v) for v in row) for row in frame.iter_rows()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_jsonl(frame: pl.DataFrame, path: Path) -> None:
    """JSON Lines without NaN (JSON has none); dates and times as ISO text."""
    columns = ["diagnosis", "city", "age", "score", "flag", "born"]  # not alphabetical
    with path.open("w", encoding="utf-8") as handle:
        for row in frame.select(columns).iter_rows(named=True):
            handle.write(json.dumps(row, default=str) + "\n")


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture files, written once per run."""
    folder = tmp_path_factory.mktemp("engines")
    mixed = mixed_table()
    write_csv(mixed.drop("seen", "ratio", "small").cast(pl.String), folder / "mixed.csv", ";")
    mixed.write_parquet(folder / "mixed.parquet")
    write_jsonl(mixed, folder / "mixed.jsonl")
    (folder / "empty.csv").write_text("a,b,c\n", encoding="utf-8")
    found = {
        "requests.csv": REPO / "examples" / "deid" / "service-requests.csv",
        **{name: folder / name for name in ("mixed.csv", "mixed.parquet", "mixed.jsonl")},
        "empty.csv": folder / "empty.csv",
    }
    adult = ADULT_DIR / "adult.csv"
    if adult.is_file():
        lines = adult.read_text(encoding="utf-8").splitlines()[: ADULT_ROWS + 1]
        (folder / "adult.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        found["adult.csv"] = folder / "adult.csv"
    return found


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> tuple[Any, Callable[[Path], Any]]:
    """An engine under test and the reader that gives it tables."""
    if request.param == "polars":
        return PolarsEngine(), read_table
    session = request.getfixturevalue("spark")
    from steward.deid.engine_spark import SparkEngine
    from steward.deid.io_spark import read_table_spark

    return SparkEngine(), lambda path: read_table_spark(path, session=session)


_RESULTS: dict[tuple[str, str], tuple[ClassTable, ClassTable]] = {}


def compared(
    engine: tuple[Any, Callable[[Path], Any]], files: dict[str, Path], name: str
) -> tuple[ClassTable, ClassTable]:
    """The engine's classes for a case beside the Polars engine's, computed once a run."""
    key = (engine[0].name, name)
    if key not in _RESULTS:
        case = CASES[name]
        path = case_path(files, case)
        under_test, reader = engine
        expected = PolarsEngine().classes(read_table(path), case.qi, case.sensitive)
        _RESULTS[key] = under_test.classes(reader(path), case.qi, case.sensitive), expected
    return _RESULTS[key]


def case_path(files: dict[str, Path], case: Case) -> Path:
    if case.file not in files:
        pytest.skip(f"{case.file} is not in shared/data here")
    return files[case.file]


def assert_same_values(actual: Any, expected: Any, what: str) -> None:
    """Element by element: equal, of the same Python type, NaN matching NaN."""
    assert len(actual) == len(expected), what
    for position, (left, right) in enumerate(zip(actual, expected, strict=True)):
        assert type(left) is type(right), f"{what}[{position}]: {left!r} vs {right!r}"
        both_nan = isinstance(left, float) and math.isnan(left) and math.isnan(right)
        assert both_nan or left == right, f"{what}[{position}]: {left!r} vs {right!r}"


def assert_same_classes(actual: ClassTable, expected: ClassTable, *, ordered: bool) -> None:
    """The same classes; in the same order with values when ``ordered``."""
    assert actual.qi == expected.qi
    if not ordered:
        assert sorted(actual.sizes.tolist()) == sorted(expected.sizes.tolist())
        assert set(actual.sensitive) == set(expected.sensitive)
        for column, counts in expected.sensitive.items():
            assert actual.sensitive[column].counts.sum() == counts.counts.sum()
        return
    np.testing.assert_array_equal(actual.sizes, expected.sizes)
    assert actual.sizes.dtype == expected.sizes.dtype
    assert list(actual.values) == list(expected.values)
    for column, values in expected.values.items():
        assert_same_values(actual.values[column], values, f"values of {column}")
    assert list(actual.sensitive) == list(expected.sensitive)
    for column, counts in expected.sensitive.items():
        got = actual.sensitive[column]
        np.testing.assert_array_equal(got.class_index, counts.class_index)
        np.testing.assert_array_equal(got.counts, counts.counts)
        assert_same_values(got.values, counts.values, f"{column} values")


def as_text(report: RiskReport) -> str:
    """The report's figures as text, NaN written as ``NaN`` so that it equals itself."""
    return json.dumps(report.to_dict(), default=str)


def assert_close(actual: Any, expected: Any, where: str = "report") -> None:
    """Equal figures, floats within a relative 1e-12 (NaN equal to NaN)."""
    if isinstance(expected, dict):
        assert list(actual) == list(expected), where
        for key in expected:
            assert_close(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list | tuple):
        assert len(actual) == len(expected), where
        for position, (left, right) in enumerate(zip(actual, expected, strict=True)):
            assert_close(left, right, f"{where}[{position}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=1e-12, nan_ok=True), where
    else:
        assert actual == expected, where


def plain_sizes(path: Path, qi: tuple[str, ...]) -> list[int]:
    """Class sizes counted in plain Python from the records (nulls and NaN as markers)."""
    rows = read_table(path).select(list(qi)).collect().rows() if qi else []

    def key(value: Any) -> Any:
        return "<nan>" if isinstance(value, float) and math.isnan(value) else value

    if not qi:
        total = read_table(path).select(pl.len()).collect().item()
        return [total] if total else []
    return sorted(Counter(tuple(map(key, row)) for row in rows).values())


@pytest.mark.parametrize("name", list(CASES))
def test_classes_equal_the_polars_engines(
    engine: tuple[Any, Callable[[Path], Any]], files: dict[str, Path], name: str
) -> None:
    actual, expected = compared(engine, files, name)
    assert_same_classes(actual, expected, ordered=True)
    assert sorted(actual.sizes.tolist()) == plain_sizes(files[CASES[name].file], CASES[name].qi)


@pytest.mark.parametrize("name", ["requests-postal-age", "adult-8", "mixed-parquet-nan"])
def test_classes_without_values_hold_the_same_sizes(
    engine: tuple[Any, Callable[[Path], Any]], files: dict[str, Path], name: str
) -> None:
    case = CASES[name]
    path = case_path(files, case)
    under_test, reader = engine
    expected = PolarsEngine().classes(read_table(path), case.qi, case.sensitive)
    actual = under_test.classes(reader(path), case.qi, case.sensitive, keep_values=False)
    assert actual.values == {}
    assert_same_classes(actual, expected, ordered=False)
    # Without an order, sums of floats may differ in their last digit.
    assert_close(measure_risk(actual, k=5).to_dict(), measure_risk(expected, k=5).to_dict())


@pytest.mark.parametrize("name", list(CASES))
def test_risk_figures_equal_the_polars_engines(
    engine: tuple[Any, Callable[[Path], Any]], files: dict[str, Path], name: str
) -> None:
    actual, expected = compared(engine, files, name)
    for k in (2, 5):
        for population in (None, 10 * max(expected.records, 1)):
            mine = measure_risk(actual, k=k, population=population, show_values=True)
            theirs = measure_risk(expected, k=k, population=population, show_values=True)
            assert as_text(mine) == as_text(theirs)


@pytest.mark.parametrize("name", ["requests-postal-age", "mixed-parquet", "requests-no-qi"])
def test_each_record_gets_its_class_size(
    engine: tuple[Any, Callable[[Path], Any]], files: dict[str, Path], name: str
) -> None:
    case = CASES[name]
    path = case_path(files, case)
    under_test, reader = engine
    sized = under_test.with_class_size(reader(path), case.qi, "__size")
    if under_test.name == "spark":
        got = sorted(row["__size"] for row in sized.select("__size").collect())
    else:
        got = sorted(sized.select("__size").collect()["__size"].to_list())
    classes = PolarsEngine().classes(read_table(path), case.qi)
    assert got == sorted(np.repeat(classes.sizes, classes.sizes).tolist())


ANONYMIZED = [name for name, case in CASES.items() if case.qi and case.file != "empty.csv"]


@pytest.mark.parametrize("name", ANONYMIZED)
def test_anonymize_writes_the_polars_rows(
    engine: tuple[Any, Callable[[Path], Any]], files: dict[str, Path], name: str
) -> None:
    """Built-in hierarchies chosen from each engine's tuples, the same search, and the
    recoding run by each engine: the same levels and the same rows, whatever the types
    (nulls, NaN, dates, times, booleans) and the format read."""
    from steward.deid import AnonymizeRequest, DeidError, run_anonymize

    case = CASES[name]
    path = case_path(files, case)
    options: dict[str, Any] = {"qi": case.qi, "k": 2, "max_suppression": 0.1}
    if case.sensitive:
        options.update(sensitive=case.sensitive[0], l=2)
    outcomes: list[str | tuple[dict[str, int], int, pl.DataFrame]] = []
    for which in ("polars", engine[0].name):
        try:
            result = run_anonymize(AnonymizeRequest(path, engine=which, **options))
        except DeidError as error:
            outcomes.append(str(error))
            continue
        held = result.held()
        table = held.sort(held.columns, nulls_last=False)
        outcomes.append((dict(result.levels), result.suppressed, table))
    expected, actual = outcomes
    if isinstance(expected, str):
        assert actual == expected
        return
    assert not isinstance(actual, str), actual
    assert actual[:2] == expected[:2]
    assert_frame_equal(actual[2], expected[2])  # NaN equals NaN here
