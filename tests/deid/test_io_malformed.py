"""``deid scan`` and ``deid risk`` read CSV files through one path, so they accept and
refuse exactly the same files, however a file is malformed and wherever the fault is
(in the rows ``scan`` samples, or beyond them)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from steward.cli.main import app
from steward.deid.errors import DataFileError
from steward.deid.io import read_table

runner = CliRunner()
HEAD = 10_000
"""``deid scan`` reads at most this many rows (its sample times its read factor)."""

GOOD_ROW = "x1,y 2\n"
body_text = st.lists(st.sampled_from(["x", "1", " ", ",", '"', "\n", "\r\n"]), max_size=40).map(
    "".join
)


def _exit_codes(file: Path) -> tuple[int, int, str]:
    scan = runner.invoke(app, ["deid", "scan", str(file), "--format", "json"])
    risk = runner.invoke(app, ["deid", "risk", str(file), "--qi", "a", "--k", "1"])
    output = scan.output + risk.output
    return scan.exit_code, risk.exit_code, output


@settings(max_examples=60)
@given(body=body_text, prefix=st.sampled_from([0, 3, HEAD + 5]))
@example(body='1,2"x\n', prefix=HEAD + 5)  # a stray quote past the rows scan reads
@example(body='1,"2\n3,4\n', prefix=HEAD + 5)  # an unclosed quote past them
@example(body="1,2,3\n", prefix=HEAD + 5)  # a row too long, past them
@example(body="1\n", prefix=0)  # a row too short
@example(body="\n1,2\n", prefix=3)  # a blank line
@example(body='"1"x,2\n', prefix=0)  # text after a closing quote
@example(body='"1,""2""",3\n"a\nb",4\n', prefix=0)  # well-formed quoting
def test_scan_and_risk_agree_on_every_file(body: str, prefix: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "table.csv"
        file.write_text("a,b\n" + GOOD_ROW * prefix + body, encoding="utf-8", newline="")
        scan, risk, output = _exit_codes(file)
    assert "Traceback" not in output
    assert scan in (0, 2), output
    assert risk in (0, 1, 2), output
    assert (scan == 2) == (risk == 2), output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n1\n", "line 3: 1 field where the header has 2"),
        ("a,b\n1,2\n1,2,3\n", "line 3: 3 fields where the header has 2"),
        ('a,b\n1,"2\n3,4\n', "line 2: a quoted value opened here is never closed"),
        ('a,b\n1,"2"x\n', "line 2: text follows a closing quote"),
        ("a,b\n1,2\n\n3,4\n", "line 3 is blank"),
        ('a,b\n1,2"x\n', "bad quoting"),
    ],
)
def test_malformed_files_are_refused_with_the_line(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "t.csv"
    file.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(DataFileError, match=message):
        read_table(file)


def test_well_formed_quoting_and_one_column_blanks_are_read(tmp_path: Path) -> None:
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('a,b\n"1,""2""","x\ny"\r\n3,4\n', encoding="utf-8", newline="")
    assert read_table(quoted).collect().rows() == [('1,"2"', "x\ny"), ("3", "4")]
    single = tmp_path / "single.csv"
    single.write_text("a\n1\n\n2\n", encoding="utf-8")
    assert read_table(single).collect().height == 3
    latin = tmp_path / "latin.csv"
    latin.write_bytes("a,b\nJos\xe9,1\nRen\xe9e\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="line 3: 1 field"):
        read_table(latin)
