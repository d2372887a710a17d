"""``steward deid anonymize``: the command's output and its clear errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from steward.cli.main import app

runner = CliRunner()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    rows = ["age;sex;illness"]
    for i in range(300):
        rows.append(f"{20 + (i * 7) % 40};{'F' if i % 3 else 'M'};{['flu', 'cold', 'none'][i % 3]}")
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    ages = [f"{a};{a // 10 * 10}s;*" for a in range(20, 60)]
    (tmp_path / "age.csv").write_text("\n".join(ages) + "\n")
    (tmp_path / "sex.csv").write_text("F;*\nM;*\n")
    return tmp_path


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["deid", "anonymize", *args])
    return result.exit_code, result.output


def test_anonymize_writes_output_and_report(data: Path) -> None:
    out, report = data / "out.parquet", data / "report.html"
    code, output = _run(
        str(data / "people.csv"), "--qi", "age,sex", "--k", "5", "--out", str(out),
        "--report", str(report), "--l", "2", "--sensitive", "illness",
        "--max-suppression", "0.02",
    )  # fmt: skip
    assert code == 0, output
    assert "k achieved" in output
    assert "lattice" in output
    written = pl.read_parquet(out)
    assert written.height == 300
    kept = written.filter(pl.col("age") != "*")
    assert kept.group_by(["age", "sex"]).len()["len"].min() >= 5  # type: ignore[operator]
    assert report.read_text().count("<svg") == 3


@pytest.mark.parametrize("metric", ["loss", "entropy", "discernibility"])
def test_every_metric_runs(data: Path, metric: str) -> None:
    code, output = _run(
        str(data / "people.csv"), "--qi", "age,sex", "--out", str(data / "o.csv"),
        "--metric", metric,
    )  # fmt: skip
    assert code == 0, output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--qi", "age,height"], "no column 'height'"),
        (["--qi", "age,sex", "--k", "1"], "k must be at least 2"),
        (["--qi", "age,sex", "--max-suppression", "1.5"], "between 0 and 1"),
        (["--qi", "age,sex", "--max-suppression", "-0.1"], "between 0 and 1"),
        (["--qi", "age,illness"], "no hierarchy for 'illness'"),
        (["--qi", "age,sex", "--l", "2"], "sensitive column"),
        (["--qi", "age,sex", "--metric", "precision"], "unknown --metric"),
        (["--qi", "age,sex", "--t", "2", "--sensitive", "illness"], "t must be"),
        (["--qi", "age,sex", "--hierarchies", "/nonexistent"], "no such folder"),
    ],
)
def test_bad_requests_exit_2_with_a_message(data: Path, extra: list[str], message: str) -> None:
    code, output = _run(str(data / "people.csv"), "--out", str(data / "o.csv"), *extra)
    assert code == 2
    assert message in output.replace("\n", " ")
    assert "Traceback" not in output


def test_bad_output_and_missing_file(data: Path) -> None:
    code, output = _run(str(data / "people.csv"), "--qi", "age", "--out", str(data / "o.xlsx"))
    assert code == 2
    assert ".parquet" in output
    code, output = _run(str(data / "nope.csv"), "--qi", "age", "--out", str(data / "o.csv"))
    assert code == 2
    assert "no such file" in output


def test_values_outside_the_hierarchy_are_counted_not_shown(data: Path) -> None:
    (data / "people.csv").write_text("age;sex\n99;F\n21;M\n")
    code, output = _run(str(data / "people.csv"), "--qi", "age,sex", "--out", str(data / "o.csv"))
    assert code == 2
    assert "1 records" in output
    assert "99" not in output


def test_impossible_request_is_explained(data: Path) -> None:
    (data / "people.csv").write_text("age;sex\n20;F\n21;M\n")
    code, output = _run(
        str(data / "people.csv"), "--qi", "age,sex", "--k", "5", "--out", str(data / "o.csv")
    )
    assert code == 2
    assert "no generalization" in output
