"""measure_risk end to end on a small table read by the Polars engine."""

from __future__ import annotations

import json

import polars as pl
import pytest

from steward.deid.engine import PolarsEngine
from steward.deid.errors import DeidError
from steward.deid.risk import measure_risk

# age, zip are quasi-identifiers; disease (categorical) and salary (numeric) are sensitive.
#   (30, 123): flu 3, cold 4, flu 5        -> size 3
#   (40, 123): flu 3, cancer 6, flu 3      -> size 3
#   (50, 999): flu 9                       -> size 1
TABLE = pl.DataFrame(
    {
        "age": ["30", "30", "30", "40", "40", "40", "50"],
        "zip": ["123", "123", "123", "123", "123", "123", "999"],
        "disease": ["flu", "cold", "flu", "flu", "cancer", "flu", "flu"],
        "salary": ["3", "4", "5", "3", "6", "3", "9"],
    }
)


def test_report_figures() -> None:
    classes = PolarsEngine().classes(TABLE.lazy(), ["age", "zip"], ["disease", "salary"])
    report = measure_risk(classes, k=3)
    assert (report.records, report.classes, report.k) == (7, 3, 1)
    assert not report.k_anonymous
    assert (report.classes_below_k, report.records_below_k) == (1, 1)
    assert report.sample_uniqueness == pytest.approx(1 / 7)
    assert report.prosecutor.highest == 1.0
    assert report.prosecutor.average == pytest.approx(3 / 7)
    assert report.prosecutor.records_at_risk == pytest.approx(1 / 7)  # above 1/3
    disease, salary = report.sensitive
    assert disease.column == "disease"
    assert not disease.ordered
    assert salary.ordered
    assert disease.distinct_l == 1  # the (50, 999) class holds only flu
    assert disease.entropy_l == pytest.approx(1.0)
    assert disease.recursive_c is None
    # disease: p = (flu 5/7, cold 1/7, cancer 1/7). Class (50, 999) q = (1, 0, 0):
    # 1/2 (2/7 + 1/7 + 1/7) = 2/7. Class (30,123): q = (2/3, 1/3, 0):
    # 1/2 (1/21 + 4/21 + 3/21) = 4/21 < 2/7.
    assert disease.t == pytest.approx(2 / 7)
    # salary: values 3 4 5 6 9, p = (3, 1, 1, 1, 1)/7; class (50, 999) holds only 9:
    # cumulative r = -3/7, -4/7, -5/7, -6/7 -> 18/7 / 4 = 9/14.
    assert salary.t == pytest.approx(9 / 14)
    assert report.small_cells.records == 1
    assert report.journalist.note is not None


def test_population_table() -> None:
    people = pl.concat([TABLE] * 4)  # every combination 4 times as frequent
    classes = PolarsEngine().classes(TABLE.lazy(), ["age", "zip"])
    population = PolarsEngine().classes(people.lazy(), ["age", "zip"])
    report = measure_risk(classes, k=3, population=population)
    # F = (12, 12, 4): journalist highest 1/4, average 3/28; marketer (3/12+3/12+1/4)/7 = 3/28.
    assert report.journalist.highest == pytest.approx(1 / 4)
    assert report.journalist.average == pytest.approx(3 / 28)
    assert report.marketer.average == pytest.approx(3 / 28)
    assert report.population == 28
    assert report.notes == ()


def test_population_size() -> None:
    classes = PolarsEngine().classes(TABLE.lazy(), ["age", "zip"])
    report = measure_risk(classes, k=3, population=700)
    assert report.marketer.average == pytest.approx(3 / 700)
    assert report.notes


def test_bad_settings() -> None:
    classes = PolarsEngine().classes(TABLE.lazy(), ["age", "zip"])
    with pytest.raises(DeidError, match="k must be"):
        measure_risk(classes, k=0)
    with pytest.raises(DeidError, match="threshold"):
        measure_risk(classes, threshold=2.0)
    with pytest.raises(DeidError, match="smaller than the sample"):
        measure_risk(classes, population=3)


def test_override_distance() -> None:
    classes = PolarsEngine().classes(TABLE.lazy(), ["age", "zip"], ["salary"])
    report = measure_risk(classes, k=3, ordered={"salary": False})
    # As categories: class (50, 999) q = 9 only: 1/2 (3/7 + 1/7 + 1/7 + 1/7 + 6/7) = 6/7.
    assert report.sensitive[0].t == pytest.approx(6 / 7)


def test_json_is_strict_and_has_no_values() -> None:
    classes = PolarsEngine().classes(TABLE.lazy(), ["age", "zip"], ["disease"])
    text = measure_risk(classes, k=3).to_json()
    data = json.loads(text)
    assert data["k"] == 1
    assert data["risk"]["prosecutor"]["highest"] == 1.0
    assert data["sensitive"][0]["distinct_l"] == 1
    assert "999" not in text
    assert "values" not in data["small_cells"]
    shown = json.loads(measure_risk(classes, k=3, show_values=True).to_json())
    assert shown["small_cells"]["values"] == [{"age": "50", "zip": "999", "size": 1}]


def test_empty_table() -> None:
    classes = PolarsEngine().classes(TABLE.head(0).lazy(), ["age", "zip"], ["disease"])
    report = measure_risk(classes, k=2)
    assert (report.records, report.k, report.k_anonymous) == (0, 0, False)
    assert report.sensitive[0].t == 0.0
    json.loads(report.to_json())
