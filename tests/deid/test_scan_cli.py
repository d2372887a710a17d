"""``steward deid scan``: table and JSON output, and every bad input path."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from steward.cli.main import app
from steward.deid.scan.report import mask

runner = CliRunner()

ROWS = [
    ("ann.lee@example.org", "(202) 456-1111", "ORD-2023-000001", "John Smith"),
    ("bo.kim@example.com", "(415) 555-2671", "ORD-2023-000002", "Maria Garcia"),
    ("cy.ng@example.net", "(312) 555-0199", "ORD-2023-000003", "Emily Johnson"),
]


def write_csv(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    lines = [delimiter.join(("notes", "id", "order", "col7"))]
    lines += [delimiter.join(row) for row in ROWS * 10]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_json_output(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "people.csv")
    result = runner.invoke(app, ["deid", "scan", str(file), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rows_sampled"] == 30
    by_name = {c["name"]: c for c in data["columns"]}
    assert by_name["notes"]["kinds"][0]["kind"] == "email"
    assert by_name["notes"]["role"] == "direct identifier"
    assert by_name["id"]["kinds"][0]["kind"] == "phone"
    assert by_name["order"]["role"] == "none"
    kind = by_name["notes"]["kinds"][0]
    assert set(kind) >= {
        "kind",
        "confidence",
        "matched",
        "sampled",
        "checksum_passed",
        "header_hint",
    }
    assert {"null_ratio", "uniqueness", "length_mean"} <= set(by_name["notes"]["stats"])
    assert "ann.lee" not in result.output
    assert "456-1111" not in result.output


def test_table_output_prints_no_values(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "people.csv")
    result = runner.invoke(app, ["deid", "scan", str(file)])
    assert result.exit_code == 0, result.output
    assert "email" in result.output
    assert "direct identifier" in result.output
    assert "example.org" not in result.output


def test_show_examples_masks_values(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "people.csv")
    result = runner.invoke(app, ["deid", "scan", str(file), "--format", "json", "--show-examples"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    examples = {c["name"]: c["examples"] for c in data["columns"]}
    assert 0 < len(examples["notes"]) <= 3
    assert "ann.lee@example.org" not in result.output


def test_mask_keeps_shape_only() -> None:
    assert mask("John Smith") == "J••n S•••h"
    assert mask("(202) 456-1111") == "(•••) 4••-•••1"


def test_semicolon_delimiter_and_latin1(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "p.csv", delimiter=";", encoding="latin-1")
    result = runner.invoke(
        app,
        [
            "deid",
            "scan",
            str(file),
            "--delimiter",
            ";",
            "--encoding",
            "latin-1",
            "--format",
            "json",
            "--sample",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["columns"][0]["kinds"][0]["sampled"] == 5


def test_parquet(tmp_path: Path) -> None:
    file = tmp_path / "p.parquet"
    pl.DataFrame({"n": list(range(30)), "e": ["a@b.org"] * 30}).write_parquet(file)
    result = runner.invoke(app, ["deid", "scan", str(file), "--format", "json"])
    assert result.exit_code == 0, result.output


def test_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["deid", "scan", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert "Traceback" not in result.output


def test_empty_file(tmp_path: Path) -> None:
    file = tmp_path / "empty.csv"
    file.write_text("")
    result = runner.invoke(app, ["deid", "scan", str(file)])
    assert result.exit_code == 2
    assert "empty" in result.output


def test_header_only_file(tmp_path: Path) -> None:
    file = tmp_path / "head.csv"
    file.write_text("a,b\n")
    result = runner.invoke(app, ["deid", "scan", str(file), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows_sampled"] == 0


def test_bad_delimiter(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "p.csv")
    result = runner.invoke(app, ["deid", "scan", str(file), "--delimiter", ";;"])
    assert result.exit_code == 2
    assert "delimiter" in result.output


def test_bad_encoding(tmp_path: Path) -> None:
    file = tmp_path / "p.csv"
    file.write_bytes("name\nJos\u00e9\n".encode("utf-16-le"))
    result = runner.invoke(app, ["deid", "scan", str(file), "--encoding", "utf-8"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unknown_encoding_name(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "p.csv")
    result = runner.invoke(app, ["deid", "scan", str(file), "--encoding", "klingon"])
    assert result.exit_code == 2


def test_bad_sample_and_region(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "p.csv")
    result = runner.invoke(app, ["deid", "scan", str(file), "--sample", "0"])
    assert result.exit_code == 2
    assert "sample" in result.output
    result = runner.invoke(app, ["deid", "scan", str(file), "--region", "ZZZ"])
    assert result.exit_code == 2
    assert "region" in result.output


def test_unknown_format_option(tmp_path: Path) -> None:
    file = write_csv(tmp_path / "p.csv")
    result = runner.invoke(app, ["deid", "scan", str(file), "--format", "xml"])
    assert result.exit_code != 0
