"""``steward deid redact``: CSV, Parquet and JSON Lines, pass-through columns, errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner, Result

from steward.cli.main import app

runner = CliRunner()

NOTES = [
    "Call Maria Lopez on (202) 456-1111 about the refund.",
    None,
    "Card 4111 1111 1111 1111 was charged; code 4111 1111 1111 1112 was refused.",
    "Nothing personal in this one.",
]
REDACTED = [
    "Call [PERSON] on [PHONE] about the refund.",
    None,
    "Card [CARD] was charged; code 4111 1111 1111 1112 was refused.",
    "Nothing personal in this one.",
]


def _run(*args: str) -> Result:
    result = runner.invoke(app, ["deid", "redact", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "case_id": ["C4", "C1", "C3", "C2"],
            "notes": NOTES,
            "owner": ["maria.lopez@example.org", "b@example.org", None, "d@example.org"],
            "hours": [1.5, 2.0, None, 4.25],
        }
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_redacts_the_named_column_and_passes_the_rest(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / f"cases{suffix}"
    frame = _frame()
    if suffix == ".csv":
        frame.write_csv(source)
    elif suffix == ".parquet":
        frame.write_parquet(source)
    else:
        frame.write_ndjson(source)
    out = tmp_path / f"out{suffix}"
    result = _run(str(source), "--columns", "notes", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "3 spans redacted" in result.output
    assert "4111" not in result.output
    assert "Maria" not in result.output
    written = (
        pl.read_csv(out, infer_schema=False)
        if suffix == ".csv"
        else pl.read_parquet(out)
        if suffix == ".parquet"
        else pl.read_ndjson(out)
    )
    assert written.columns == frame.columns
    assert written["case_id"].to_list() == ["C4", "C1", "C3", "C2"]
    expected = REDACTED if suffix != ".csv" else [v or None for v in REDACTED]
    assert written["notes"].to_list() == expected
    assert written["owner"].to_list()[0] == "maria.lopez@example.org"
    if suffix != ".csv":
        assert written["hours"].to_list() == frame["hours"].to_list()


def test_kinds_and_several_columns(tmp_path: Path) -> None:
    source = tmp_path / "cases.parquet"
    _frame().write_parquet(source)
    out = tmp_path / "out.csv"
    result = _run(
        str(source), "--columns", "notes, owner", "--kinds", "email,card", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["owner"].to_list()[:2] == ["[EMAIL]", "[EMAIL]"]
    assert written["notes"].to_list()[0] == NOTES[0]
    assert written["notes"].to_list()[2] == REDACTED[2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--columns", "nope"], "no column 'nope'"),
        (["--columns", ","], "name the text columns"),
        (["--columns", "hours"], "not text"),
        (["--columns", "notes", "--kinds", "shoe size"], "unknown kind 'shoe size'"),
        (["--columns", "notes", "--region", "XX"], "unknown phone region"),
    ],
)
def test_bad_requests(tmp_path: Path, args: list[str], message: str) -> None:
    source = tmp_path / "cases.parquet"
    _frame().write_parquet(source)
    out = tmp_path / "out.csv"
    result = _run(str(source), *args, "--out", str(out))
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_bad_files_and_outputs(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    _frame().write_csv(source)
    cases = [
        (tmp_path / "missing.csv", tmp_path / "o.csv", "no such file"),
        (source, tmp_path / "o.xlsx", "write CSV"),
        (source, tmp_path / "no" / "o.csv", "no such folder"),
        (source, source, "would overwrite the input"),
    ]
    broken = tmp_path / "broken.csv"
    broken.write_text('a,b\n1,"open\n', encoding="utf-8")
    cases.append((broken, tmp_path / "o.csv", "never closed"))
    taken = tmp_path / "taken.csv"
    taken.mkdir()
    cases.append((source, taken, "cannot be written"))
    for src, out, message in cases:
        result = _run(str(src), "--columns", "notes", "--out", str(out))
        assert result.exit_code == 2, (src, out, result.output)
        assert message in result.output, result.output
    assert source.read_text(encoding="utf-8").startswith("case_id,notes")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "broken.csv",
        "cases.csv",
        "taken.csv",
    ]
