"""The requests of ``steward.deid``: each one's checks as a table (options -> message),
and the figures they produce, equal to those the engine gives when called piece by
piece, on the example data and on Adult."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import steward.deid.io as io
from steward.deid import (
    AnonymizeRequest,
    ApplyRequest,
    DataFileError,
    DeidError,
    PolarsEngine,
    RedactRequest,
    RiskRequest,
    ScanRequest,
    collect,
    read_table,
    run_anonymize,
    run_redact,
    run_risk,
    run_scan,
)
from steward.deid.redact import redact_file
from steward.deid.risk import measure_risk
from steward.deid.scan import masked_examples, scan_file
from steward.deid.search import Settings, anonymize, find_hierarchies
from tests.deid.paths import ADULT_DIR, REPO

SERVICE_REQUESTS = REPO / "examples" / "deid" / "service-requests.csv"
PEOPLE = """age,zip,disease,salary
30,12345,flu,3
30,12345,cold,4
30,12345,flu,5
40,12345,flu,3
40,12345,cancer,6
40,12345,flu,3
57,X9Z,flu,9
"""


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    return path


def _refused(request: Any, message: str) -> None:
    with pytest.raises(DeidError) as raised:
        request.validate()
    assert str(raised.value) == message


# --- Each request's checks: the options alone, before any data is read ---------------

RISK_REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"qi": ()}, "give at least one quasi-identifier with --qi"),
    (
        {"population": 100, "population_file": Path("p.csv")},
        "give --population or --population-file, not both",
    ),
    ({"population": 0}, "--population must be a positive number of people"),
    ({"sensitive": ("age", "zip")}, "age, zip: both a quasi-identifier and sensitive"),
    (
        {"numeric": ("salary",)},
        "--numeric/--categorical name 'salary', which is not --sensitive",
    ),
    (
        {"sensitive": ("salary",), "categorical": ("disease",)},
        "--numeric/--categorical name 'disease', which is not --sensitive",
    ),
    (
        {"sensitive": ("salary",), "numeric": ("salary",), "categorical": ("salary",)},
        "a column cannot be both --numeric and --categorical",
    ),
    ({"k": 0}, "k must be at least 1, not 0"),
    ({"threshold": 3.0}, "the risk threshold must be between 0 and 1, not 3.0"),
    ({"threshold": -0.1}, "the risk threshold must be between 0 and 1, not -0.1"),
    ({"threshold": math.nan}, "the risk threshold must be between 0 and 1, not nan"),
]


@pytest.mark.parametrize(("options", "message"), RISK_REFUSALS)
def test_risk_request_refusals(options: dict[str, Any], message: str) -> None:
    base = RiskRequest(Path("nowhere.csv"), qi=("age", "zip"))
    _refused(replace(base, **options), message)


def test_risk_request_per_record_refusals(people: Path, tmp_path: Path) -> None:
    base = RiskRequest(people, qi=("age",))
    cases = {
        tmp_path / "risk.json": f"{tmp_path / 'risk.json'}: --per-record writes .csv or .parquet "
        "files",
        people: f"{people}: --per-record would overwrite the input file",
        tmp_path / "no" / "risk.csv": f"{tmp_path / 'no'}: no such folder",
    }
    for out, message in cases.items():
        _refused(replace(base, per_record=out), message)


def test_a_sound_risk_request_is_accepted_without_reading_anything(tmp_path: Path) -> None:
    request = RiskRequest(
        tmp_path / "not-yet.csv",
        qi=("age", "zip"),
        sensitive=("disease", "salary"),
        numeric=("salary",),
        categorical=("disease",),
        population=1000,
        threshold=0.1,
        per_record=tmp_path / "risk.parquet",
    )
    request.validate()
    with pytest.raises(DataFileError, match="no such file"):
        run_risk(request)


ANONYMIZE_REFUSALS: list[tuple[dict[str, Any], str]] = [
    (
        {"metric": "precision"},
        "unknown --metric 'precision'; use one of loss, entropy, discernibility",
    ),
    ({"out": Path("out.xlsx")}, "out.xlsx: write the result as .csv, .tsv or .parquet"),
    (
        {"source": pl.LazyFrame({"age": ["1"]})},
        "give the hierarchies of a table that is not read from a file",
    ),
]


@pytest.mark.parametrize(("options", "message"), ANONYMIZE_REFUSALS)
def test_anonymize_request_refusals(options: dict[str, Any], message: str) -> None:
    base = AnonymizeRequest(Path("nowhere.csv"), qi=("age",), out=Path("out.csv"))
    _refused(replace(base, **options), message)


def test_anonymize_request_will_not_overwrite_its_input(people: Path) -> None:
    request = AnonymizeRequest(people, qi=("age",), out=people)
    _refused(request, f"{people}: will not overwrite the input file")


@pytest.fixture
def hierarchies(tmp_path: Path) -> Path:
    (tmp_path / "age.csv").write_text("30;30-49;*\n40;30-49;*\n57;50-69;*\n")
    (tmp_path / "zip.csv").write_text("12345;123**;*\nX9Z;X9*;*\n")
    return tmp_path


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"qi": ()}, "give at least one quasi-identifier (--qi)"),
        ({"qi": ("age", "age")}, "a quasi-identifier is listed twice"),
        (
            {"qi": ("age", "height")},
            "no column 'height'; the columns are age, zip, disease, salary",
        ),
        ({"k": 1}, "k must be at least 2, not 1"),
        ({"max_suppression": 1.5}, "the suppression limit must be between 0 and 1, not 1.5"),
        ({"l": 2}, "l-diversity and t-closeness need a sensitive column (--sensitive)"),
        ({"sensitive": "age", "l": 2}, "'age' cannot be both sensitive and a quasi-identifier"),
        ({"sensitive": "disease", "l": 0}, "l must be at least 1, not 0"),
        ({"sensitive": "disease", "t": 2.0}, "t must be between 0 and 1, not 2.0"),
        ({"hierarchies": Path("no-such-folder")}, "no-such-folder: no such folder of hierarchies"),
        (
            {"k": 8},
            "no generalization satisfies the privacy model within the suppression "
            "limit; raise --max-suppression or lower k / l / raise t",
        ),
    ],
)
def test_anonymize_refusals_the_table_shows(
    people: Path, hierarchies: Path, options: dict[str, Any], message: str
) -> None:
    request = replace(AnonymizeRequest(people, qi=("age", "zip"), k=2), **options)
    with pytest.raises(DeidError) as raised:
        run_anonymize(request)
    assert message in str(raised.value)


def test_apply_request_refusals(people: Path, tmp_path: Path) -> None:
    base = ApplyRequest(people, tmp_path / "recipe.yaml", tmp_path / "out.csv")
    cases = {
        tmp_path / "out.xlsx": f"{tmp_path / 'out.xlsx'}: write CSV (.csv, .tsv) or Parquet "
        "(.parquet); not '.xlsx'",
        tmp_path / "no" / "out.csv": f"{tmp_path / 'no'}: no such folder for the output",
        people: f"{people}: the output would overwrite the input",
    }
    for out, message in cases.items():
        _refused(replace(base, out=out), message)
    base.validate()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"region": "xx"}, "unknown phone region 'XX'; use a code such as US, GB, IN"),
        ({"sample": 0}, "the sample size must be at least 1, not 0"),
    ],
)
def test_scan_request_refusals(options: dict[str, Any], message: str) -> None:
    _refused(replace(ScanRequest(Path("nowhere.csv")), **options), message)
    ScanRequest(Path("nowhere.csv"), region="gb").validate()


def test_redact_request_refusals(people: Path, tmp_path: Path) -> None:
    base = RedactRequest(people, tmp_path / "out.csv", ("disease",))
    cases: list[tuple[dict[str, Any], str]] = [
        ({"columns": ("", " ")}, "name the text columns to redact with --columns"),
        ({"kinds": ("nope",)}, "unknown kind 'nope' to redact; the kinds are "),
        ({"kinds": ()}, "no kind to redact was given"),
        ({"region": "XX"}, "unknown phone region 'XX'; use a code such as US, GB, IN"),
        (
            {"out": tmp_path / "out.xlsx"},
            f"{tmp_path / 'out.xlsx'}: write CSV (.csv, .tsv), Parquet (.parquet) or JSON "
            "Lines (.jsonl); not '.xlsx'",
        ),
        ({"out": tmp_path / "no" / "o.csv"}, f"{tmp_path / 'no'}: no such folder for the output"),
        ({"out": people}, f"{people}: the output would overwrite the input"),
    ]
    for options, message in cases:
        with pytest.raises(DeidError) as raised:
            replace(base, **options).validate()
        assert str(raised.value).startswith(message)
    base.validate()


# --- The figures: the same as the engine's, called piece by piece ---------------------


def _piecewise_risk(
    path: Path, qi: list[str], sensitive: list[str], k: int, **options: Any
) -> dict[str, Any]:
    """What ``steward deid risk`` computed before the requests: group, then measure."""
    classes = PolarsEngine().classes(read_table(path), qi, sensitive, keep_values=False)
    return measure_risk(classes, k=k, **options).to_dict()


def test_risk_on_the_example_data_matches_the_engine() -> None:
    qi, sensitive = ["postal_code", "district"], ["request_type", "age"]
    request = RiskRequest(
        SERVICE_REQUESTS, qi=tuple(qi), sensitive=tuple(sensitive), numeric=("age",)
    )
    report = run_risk(request).report.to_dict()
    assert report == _piecewise_risk(SERVICE_REQUESTS, qi, sensitive, 5, ordered={"age": True})
    assert (report["records"], report["classes"], report["k"]) == (800, 149, 1)
    assert (report["records_below_k"], report["unique_records"]) == (208, 14)


def test_risk_with_a_population_size_matches_the_engine() -> None:
    request = RiskRequest(SERVICE_REQUESTS, qi=("district",), population=100_000, k=3)
    report = run_risk(request).report.to_dict()
    assert report == _piecewise_risk(SERVICE_REQUESTS, ["district"], [], 3, population=100_000)


@pytest.mark.skipif(not ADULT_DIR.is_dir(), reason="Adult data not available")
def test_risk_on_adult_matches_the_engine() -> None:
    qi, sensitive = ["age", "sex", "race", "education"], ["salary-class", "occupation"]
    adult = ADULT_DIR / "adult.csv"
    request = RiskRequest(adult, qi=tuple(qi), sensitive=tuple(sensitive))
    assert run_risk(request).report.to_dict() == _piecewise_risk(adult, qi, sensitive, 5)


def test_risk_of_an_open_table_equals_that_of_its_file(people: Path) -> None:
    from_file = run_risk(RiskRequest(people, qi=("age", "zip"), sensitive=("disease",)))
    frame = read_table(people)
    from_frame = run_risk(RiskRequest(frame, qi=("age", "zip"), sensitive=("disease",)))
    assert from_frame.report == from_file.report


def _count_whole_file_checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files whose every record :func:`read_table` checks (a whole read of a CSV
    file), recorded in order."""
    checked: list[Path] = []
    real = io.check_csv_structure

    def counted(path: Path, dialect: io.CsvDialect) -> None:
        checked.append(path)
        real(path, dialect)

    monkeypatch.setattr(io, "check_csv_structure", counted)
    return checked


def test_risk_reads_its_input_once_even_with_per_record_output(
    people: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = _count_whole_file_checks(monkeypatch)
    out = tmp_path / "risk.csv"
    stages: list[str] = []
    result = run_risk(RiskRequest(people, qi=("age", "zip"), per_record=out), stage=stages.append)
    assert checked == [people]
    assert result.per_record == out
    assert pl.read_csv(out)["reid_risk"].to_list() == pytest.approx([1 / 3] * 6 + [1.0])
    assert stages == [
        "Grouping people.csv by 2 quasi-identifiers...",
        "Writing per-record risk to risk.csv...",
    ]


def test_per_record_refuses_a_table_that_already_has_the_column(tmp_path: Path) -> None:
    source = tmp_path / "scored.csv"
    source.write_text("age,reid_risk\n1,0.5\n")
    request = RiskRequest(source, qi=("age",), per_record=tmp_path / "out.csv")
    with pytest.raises(DeidError, match="already has a column named 'reid_risk'"):
        run_risk(request)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.skipif(not ADULT_DIR.is_dir(), reason="Adult data not available")
def test_anonymize_on_adult_matches_the_engine(tmp_path: Path) -> None:
    qi = ("sex", "age", "race", "marital-status", "education")
    out = tmp_path / "adult-k5.csv"
    request = AnonymizeRequest(ADULT_DIR / "adult.csv", qi=qi, out=out, k=5, max_suppression=0.02)
    result = run_anonymize(request)
    table = collect(read_table(ADULT_DIR / "adult.csv"), "adult.csv")
    settings = Settings(qi, k=5, max_suppression=0.02)
    direct = anonymize(table, settings, find_hierarchies(ADULT_DIR, qi))
    assert dict(result.levels) == dict(direct.levels)
    assert dict(result.levels) == {
        "sex": 0, "age": 3, "race": 0, "marital-status": 0, "education": 2
    }  # fmt: skip
    assert (result.suppressed, result.k_achieved) == (direct.suppressed, direct.k_achieved)
    assert result.suppressed == 407
    assert result.loss == pytest.approx(direct.loss)
    assert round(result.loss, 4) == 0.1150
    assert result.table is None  # streamed to the file, not held
    assert pl.read_csv(out, infer_schema=False).equals(direct.held())


def test_anonymize_of_an_open_table_with_given_hierarchies(people: Path, hierarchies: Path) -> None:
    qi = ("age", "zip")
    from_file = run_anonymize(AnonymizeRequest(people, qi=qi, k=2))
    request = AnonymizeRequest(
        read_table(people), qi=qi, k=2, hierarchies=find_hierarchies(hierarchies, qi)
    )
    from_frame = run_anonymize(request)
    assert from_frame.held().equals(from_file.held())
    assert dict(from_frame.levels) == dict(from_file.levels)


def test_scan_matches_the_file_scan_and_reads_the_file_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked = _count_whole_file_checks(monkeypatch)
    result = run_scan(ScanRequest(SERVICE_REQUESTS, region="us", show_examples=True))
    assert checked == [SERVICE_REQUESTS]
    checked.clear()
    assert result.report == scan_file(SERVICE_REQUESTS)
    head = collect(read_table(SERVICE_REQUESTS).head(50), SERVICE_REQUESTS)
    assert result.examples == masked_examples(head, result.report)
    assert run_scan(ScanRequest(SERVICE_REQUESTS)).examples is None


def test_redact_request_and_redact_file_agree(tmp_path: Path) -> None:
    via_request = run_redact(
        RedactRequest(SERVICE_REQUESTS, tmp_path / "a.csv", ("details", " full_name"))
    )
    via_function = redact_file(SERVICE_REQUESTS, tmp_path / "b.csv", ["details", " full_name"])
    assert via_request.spans == via_function.spans
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_a_bracketed_name_is_a_file_and_a_missing_output_folder_is_made(
    people: Path, tmp_path: Path
) -> None:
    bracketed = tmp_path / "people[1].csv"
    bracketed.write_bytes(people.read_bytes())
    out = tmp_path / "new" / "folder" / "people-k2.csv"
    result = run_anonymize(AnonymizeRequest(bracketed, qi=("age",), k=2, out=out))
    assert out.exists()
    assert result.hierarchy_files["age"] == out.parent / "age_hierarchy.csv"
    assert result.hierarchies["age"].origin == "built-in"


def test_a_small_cell_with_a_null_number_reports_as_json(tmp_path: Path) -> None:
    path = tmp_path / "ages.parquet"
    pl.DataFrame({"age": [30, 30, None], "zip": ["a", "a", "b"]}).write_parquet(path)
    report = run_risk(RiskRequest(path, qi=("age", "zip"), k=2, show_values=True)).report
    shown = json.loads(report.to_json())  # NaN would not be JSON
    assert shown["small_cells"]["values"] == [{"age": None, "zip": "b", "size": 1}]
