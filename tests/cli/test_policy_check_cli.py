"""``steward policy check`` and ``steward policy schema`` through the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner, Result

from steward.cli.main import app

EXAMPLES = Path(__file__).parents[2] / "examples"
CITY = EXAMPLES / "city-constituent-services.yaml"

runner = CliRunner()


def _run(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _with_purposeless_field(tmp_path: Path) -> Path:
    """The city example with one more field that serves no purpose (rule MIN001)."""
    text = CITY.read_text(encoding="utf-8")
    anchor = "      - name: immigration_status\n"
    assert anchor in text
    extra = (
        "      - name: favourite_colour\n"
        "        label: Favourite colour\n"
        "        category: demographic\n"
    )
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace(anchor, extra + anchor, 1), encoding="utf-8")
    return path


def test_example_passes() -> None:
    result = _run("policy", "check", str(CITY))
    assert result.exit_code == 0, result.output
    assert "tier" in result.output
    assert "passed" in result.output


def test_plan_with_an_error_exits_1(tmp_path: Path) -> None:
    path = _with_purposeless_field(tmp_path)
    result = _run("policy", "check", str(path))
    assert result.exit_code == 1, result.output
    assert "MIN001" in result.output
    assert "favourite_colour" in result.output
    assert "failed" in result.output


def test_json_findings_carry_rule_severity_line_and_hint(tmp_path: Path) -> None:
    path = _with_purposeless_field(tmp_path)
    result = _run("policy", "check", str(path), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["passed"] is False
    assert report["tier"] in {"public", "internal", "confidential", "restricted"}
    findings = report["findings"]
    assert findings
    for finding in findings:
        assert {"rule", "severity", "line", "column", "hint", "message"} <= set(finding)
        assert isinstance(finding["line"], int)
        assert finding["line"] >= 1
    ours = [f for f in findings if f["rule"] == "MIN001"]
    assert len(ours) == 1
    assert ours[0]["severity"] == "error"
    line = path.read_text(encoding="utf-8").splitlines()[ours[0]["line"] - 1]
    assert "favourite_colour" in line


def test_json_on_the_example_passes() -> None:
    result = _run("policy", "check", str(CITY), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["passed"] is True


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = _run("policy", "check", str(tmp_path / "absent.yaml"))
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_folder_exits_2(tmp_path: Path) -> None:
    result = _run("policy", "check", str(tmp_path))
    assert result.exit_code == 2
    assert "folder" in result.output


def test_non_utf8_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"steward: 1\nversion: \xff\n")
    result = _run("policy", "check", str(path))
    assert result.exit_code == 2
    assert "UTF-8" in result.output


def test_invalid_yaml_exits_2_with_its_line(tmp_path: Path) -> None:
    # A file that is not YAML is unusable input (exit 2), like an unreadable one.
    path = tmp_path / "plan.yaml"
    path.write_text("steward: 1\nversion: [1\norganization: {name: X}\n", encoding="utf-8")
    result = _run("policy", "check", str(path))
    assert result.exit_code == 2
    assert f"{path}:" in result.output
    assert "not valid YAML" in result.output


def test_schema_problem_exits_1_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    text = CITY.read_text(encoding="utf-8").replace("legal_basis: consent", "legal_basis: concent")
    path.write_text(text, encoding="utf-8")
    result = _run("policy", "check", str(path))
    assert result.exit_code == 1
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "concent" in t)
    assert f"{path}:{line}:18:" in result.output


# ------------------------------------------------------------------ schema


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = _run("policy", "schema")
    assert result.exit_code == 0
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_schema_is_valid_json_schema(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert {"organization", "purposes", "datasets"} <= set(schema["properties"])
    assert {"steward", "version", "organization"} <= set(schema["required"])


def _as_json(path: Path) -> Any:
    """The plan as an editor's YAML extension sees it: dates are plain strings."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_schema_validates_the_examples(schema: dict[str, Any], example: Path) -> None:
    jsonschema.Draft202012Validator(schema).validate(_as_json(example))


def test_schema_rejects_a_wrong_value(schema: dict[str, Any]) -> None:
    plan = _as_json(CITY)
    plan["purposes"][0]["legal_basis"] = "concent"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(plan)


def test_schema_out_writes_a_file(tmp_path: Path, schema: dict[str, Any]) -> None:
    out = tmp_path / "plan.schema.json"
    result = _run("policy", "schema", "--out", str(out))
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == schema


def test_schema_out_to_a_missing_folder_exits_2(tmp_path: Path) -> None:
    result = _run("policy", "schema", "--out", str(tmp_path / "no" / "such" / "x.json"))
    assert result.exit_code == 2
    assert "cannot write" in result.output
