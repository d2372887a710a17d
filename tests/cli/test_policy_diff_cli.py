"""``steward policy diff OLD NEW`` through the command line: plain words, JSON, and clear
errors for files that are missing or not plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from steward.cli.main import app

CITY = Path(__file__).parents[2] / "examples" / "city-constituent-services.yaml"
runner = CliRunner()


def _run(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _changed(tmp_path: Path) -> Path:
    text = CITY.read_text(encoding="utf-8")
    old = "retention: {keep: 6m, from: case_closure}"
    assert old in text
    path = tmp_path / "new.yaml"
    path.write_text(text.replace(old, "retention: {keep: 1y, from: case_closure}"), "utf-8")
    return path


def test_the_changes_in_plain_words(tmp_path: Path) -> None:
    result = _run("policy", "diff", str(CITY), str(_changed(tmp_path)))
    assert result.exit_code == 0
    assert "[purposes] purpose follow_up: retention changed from 6 months" in result.output


def test_the_changes_as_json(tmp_path: Path) -> None:
    result = _run("policy", "diff", str(CITY), str(_changed(tmp_path)), "--format", "json")
    [change] = json.loads(result.output)
    assert change["subject"] == "follow_up"


def test_the_same_plan_has_no_change() -> None:
    result = _run("policy", "diff", str(CITY), str(CITY))
    assert (result.exit_code, result.output.strip()) == (
        0,
        "no change of practice between the two plans",
    )


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (None, 2, "missing.yaml"),
        ("steward: 1\nversion: [\n", 2, "plan"),
        ("steward: 1\n", 1, "organization"),
    ],
    ids=["missing", "not-yaml", "not-a-plan"],
)
def test_a_bad_file_is_told_without_a_traceback(
    tmp_path: Path, content: str | None, code: int, message: str
) -> None:
    path = tmp_path / "missing.yaml"
    if content is not None:
        path = tmp_path / "plan.yaml"
        path.write_text(content, "utf-8")
    result = _run("policy", "diff", str(CITY), str(path))
    assert result.exit_code == code
    assert message in result.output


def test_settings_and_checks_that_changed_are_told(tmp_path: Path) -> None:
    text = CITY.read_text(encoding="utf-8")
    assert "  export: true\n" in text
    path = tmp_path / "new.yaml"
    path.write_text(text.replace("  export: true\n", "  export: false\n"), "utf-8")
    result = _run("policy", "diff", str(CITY), str(path))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "- [settings] setting rights.export changed from yes to no" in lines
    assert any(line.startswith("- [checks] check GOV006 now fails (warning") for line in lines)
