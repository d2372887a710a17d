"""``steward deid anonymize``: the command's output and its clear errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from steward.cli.main import app

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "deid" / "service-requests.csv"


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


def test_the_example_without_hierarchy_files_uses_builtins(tmp_path: Path) -> None:
    """The example that failed with "no hierarchy for 'age'" before built-ins."""
    out = tmp_path / "out" / "requests-k5.csv"
    out.parent.mkdir()
    code, output = _run(
        str(EXAMPLE), "--qi", "age,postal_code,district,opened_on", "--k", "5",
        "--max-suppression", "0.05", "--out", str(out),
    )  # fmt: skip
    assert code == 0, output
    assert "age: built-in age bands, 5 levels" in output
    assert "postal_code: built-in postal truncation, 6 levels" in output
    assert "district: built-in suppression, 2 levels" in output
    assert "opened_on: built-in dates, 5 levels" in output
    assert f"hierarchies written to {out.parent}" in output.replace("\n", "")
    names = sorted(p.name for p in out.parent.glob("*_hierarchy.csv"))
    assert names == [f"{c}_hierarchy.csv" for c in ("age", "district", "opened_on", "postal_code")]
    written = pl.read_csv(out, infer_schema=False)
    qi = ["age", "postal_code", "district", "opened_on"]
    kept = written.filter(~pl.all_horizontal(pl.col(qi) == "*"))
    assert kept.group_by(qi).len()["len"].min() >= 5  # type: ignore[operator]


def test_written_hierarchies_passed_back_give_the_identical_output(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    args = ["--qi", "age,postal_code,district", "--k", "5", "--max-suppression", "0.03"]
    code, output = _run(str(EXAMPLE), *args, "--out", str(first / "o.csv"))
    assert code == 0, output
    code, output = _run(
        str(EXAMPLE), *args, "--out", str(second / "o.csv"), "--hierarchies", str(first)
    )
    assert code == 0, output
    assert "age: file " in output
    assert "built-in" not in output
    for name in ("o.csv", "age_hierarchy.csv", "postal_code_hierarchy.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_an_explicit_folder_wins_for_the_columns_it_covers(data: Path) -> None:
    out = data / "out"
    out.mkdir()
    code, output = _run(
        str(data / "people.csv"), "--qi", "age,sex,illness", "--k", "5",
        "--hierarchies", str(data), "--out", str(out / "o.csv"),
    )  # fmt: skip
    assert code == 0, output
    flat = output.replace("\n", "")
    assert f"age: file {data / 'age.csv'}, 3 levels" in flat
    assert f"sex: file {data / 'sex.csv'}, 2 levels" in flat
    assert "illness: built-in suppression, 2 levels" in flat
    assert (out / "age_hierarchy.csv").read_text().startswith("20;20s;*\n")


def test_a_bad_hierarchy_file_is_named_with_its_line(data: Path) -> None:
    (data / "age.csv").write_text("20;20s;*\n21;20s;*\n22;*\n")
    code, output = _run(str(data / "people.csv"), "--qi", "age,sex", "--out", str(data / "o.csv"))
    assert code == 2
    assert f"{data / 'age.csv'}:3:" in output.replace("\n", "")
    assert "different lengths" in output
    assert "Traceback" not in output
