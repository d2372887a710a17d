"""``steward deid risk``: table and JSON output, per-record risk, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner, Result

from steward.cli.main import app

runner = CliRunner()

CSV = """age,zip,disease,salary
30,12345,flu,3
30,12345,cold,4
30,12345,flu,5
40,12345,flu,3
40,12345,cancer,6
40,12345,flu,3
57,X9Z,flu,9
"""


def _run(*args: str) -> Result:
    result = runner.invoke(app, ["deid", "risk", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_table_output(data: Path) -> None:
    result = _run(str(data), "--qi", "age,zip", "--sensitive", "disease,salary", "--k", "3")
    assert result.exit_code == 0, result.output
    assert "k = 1" in result.output
    assert "prosecutor" in result.output
    assert "journalist" in result.output
    assert "Small cells" in result.output
    assert "disease" in result.output
    assert "ordered" in result.output
    # The small cell's values (57, X9Z) are personal data: hidden by default.
    assert "X9Z" not in result.output


def test_show_values(data: Path) -> None:
    result = _run(str(data), "--qi", "age,zip", "--k", "3", "--show-values")
    assert result.exit_code == 0, result.output
    assert "57" in result.output
    assert "X9Z" in result.output


def test_json_output(data: Path) -> None:
    result = _run(
        str(data), "--qi", "age,zip", "--sensitive", "disease", "--k", "3", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["k"] == 1
    assert report["records"] == 7
    assert report["small_cells"]["by_size"] == [{"size": 1, "classes": 1, "records": 1}]
    assert report["sensitive"][0]["t"] == pytest.approx(2 / 7)
    assert "X9Z" not in result.output


def test_per_record_csv_and_parquet(data: Path, tmp_path: Path) -> None:
    for name in ("risk.csv", "risk.parquet"):
        out = tmp_path / name
        result = _run(str(data), "--qi", "age,zip", "--per-record", str(out))
        assert result.exit_code == 0, result.output
        written = pl.read_csv(out) if name.endswith(".csv") else pl.read_parquet(out)
        assert written.columns == ["age", "zip", "disease", "salary", "reid_risk"]
        assert written["reid_risk"].to_list() == pytest.approx([1 / 3] * 6 + [1.0])


def test_population_file(data: Path, tmp_path: Path) -> None:
    people = tmp_path / "people.parquet"
    pl.concat([pl.read_csv(data)] * 4).write_parquet(people)  # typed ints: matched as text
    result = _run(
        str(data), "--qi", "age,zip", "--population-file", str(people), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["risk"]["journalist"]["highest"] == pytest.approx(1 / 4)
    assert report["population"] == 28


def test_population_size(data: Path) -> None:
    result = _run(str(data), "--qi", "age", "--population", "700", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["risk"]["marketer"]["average"] == pytest.approx(3 / 700)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--qi", "age,nope"], "nope"),
        (["--qi", ""], "--qi"),
        (["--qi", "age", "--sensitive", "age"], "both"),
        (["--qi", "age", "--k", "0"], "k must be"),
        (["--qi", "age", "--population", "3"], "smaller than the sample"),
        (["--qi", "age", "--population", "100", "--population-file", "x.csv"], "not both"),
        (["--qi", "age", "--sensitive", "disease", "--numeric", "disease"], "not numbers"),
        (["--qi", "age", "--numeric", "salary"], "not --sensitive"),
        (["--qi", "age", "--per-record", "out.json"], ".csv or .parquet"),
        (["--qi", "age", "--threshold", "3"], "threshold"),
    ],
)
def test_bad_options(data: Path, args: list[str], message: str) -> None:
    result = _run(str(data), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_bad_files(tmp_path: Path) -> None:
    missing = _run(str(tmp_path / "missing.csv"), "--qi", "a")
    assert missing.exit_code == 2
    assert "no such file" in missing.output
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert _run(str(empty), "--qi", "a").exit_code == 2
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n1,2,3,4\n", encoding="utf-8")
    result = _run(str(ragged), "--qi", "a,b")
    assert result.exit_code == 2
    assert "line 3: 4 fields where the header has 2" in result.output
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"a,b\n\x00\x01\x02,\x00\n")
    result = _run(str(binary), "--qi", "a")
    assert result.exit_code == 2
    assert "binary.csv" in result.output
    weird = tmp_path / "data.xlsx"
    weird.write_text("x", encoding="utf-8")
    assert _run(str(weird), "--qi", "a").exit_code == 2


def test_per_record_refuses_to_overwrite_input(data: Path) -> None:
    result = _run(str(data), "--qi", "age", "--per-record", str(data))
    assert result.exit_code == 2
    assert "overwrite" in result.output
