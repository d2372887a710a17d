"""``steward init``: from questionnaire answers (a file or prompts) to DIR/plan.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from steward.cli.main import app
from steward.policy import load_plan
from steward.policy.checks import Severity, run_checks
from steward.policy.model import LegalBasis

runner = CliRunner()

ANSWERS = """\
organization: Riverton Food Bank
kind: nonprofit
jurisdictions: [US-CA]
privacy_officer:
  name: Sam Lee
  email: privacy@food.example.org
data_kinds: [contact, location, health, free_text]
subjects: [clients]
people: 5000
hosting: {by: third_party, provider: Example Cloud, location: US}
access: [caseworkers, privacy office]
children: false
source: {origin: data_subjects, basis: consent, lawfully_collected: yes}
shared_with_external_analysts: true
"""


def _run(*args: str, input: str | None = None) -> Result:
    result = runner.invoke(app, list(args), input=input)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _answers(tmp_path: Path, text: str = ANSWERS) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _errors(plan: Path) -> list[str]:
    report = run_checks(load_plan(plan))
    return [f"{f.rule} {f.path}" for f in report.findings if f.severity is Severity.ERROR]


def _fill_placeholders(plan: Path) -> None:
    """Replace every ``TODO:`` value, as the person who owns the plan would."""
    lines = plan.read_text(encoding="utf-8").splitlines(keepends=True)
    filled = [
        re.sub(r"(['\"]?)TODO:[^'\"\n]*\1", "Decided by the privacy officer", line)
        if not line.lstrip().startswith("#")
        else line
        for line in lines
    ]
    plan.write_text("".join(filled), encoding="utf-8")


def _assert_passes_once_filled(plan: Path) -> None:
    """The plan fails on its placeholders alone, and passes once they are filled in."""
    errors = _errors(plan)
    assert errors
    assert {e.split()[0] for e in errors} == {"GOV017"}
    _fill_placeholders(plan)
    assert _errors(plan) == []


def test_init_from_answers_file(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    result = _run("init", str(out), "--answers", str(_answers(tmp_path)))
    assert result.exit_code == 0, result.output
    plan = out / "plan.yaml"
    assert f"wrote {plan}" in result.output
    assert "tier: restricted" in result.output
    assert "next steps" in result.output
    assert f"steward policy check {plan}" in result.output
    loaded = load_plan(plan)
    assert loaded.plan.organization.name == "Riverton Food Bank"
    _assert_passes_once_filled(plan)


def test_init_says_the_placeholders_must_be_filled_before_the_plan_passes(
    tmp_path: Path,
) -> None:
    out = tmp_path / "plan"
    result = _run("init", str(out), "--answers", str(_answers(tmp_path)))
    plan = out / "plan.yaml"
    todos = _errors(plan)
    assert "placeholders to fill in (GOV017)" in result.output
    assert "passes the checks only once each TODO is replaced" in result.output
    for finding in run_checks(load_plan(plan)).findings:
        if finding.rule == "GOV017":
            assert f"{plan}:{finding.line}:{finding.column}: {finding.path}" in result.output
    assert len(todos) >= 3
    assert "1. replace every TODO placeholder" in result.output


def test_generated_plan_fails_policy_check_until_its_placeholders_are_filled(
    tmp_path: Path,
) -> None:
    out = tmp_path / "plan"
    assert _run("init", str(out), "--answers", str(_answers(tmp_path))).exit_code == 0
    result = _run("policy", "check", str(out / "plan.yaml"))
    assert result.exit_code == 1, result.output
    assert "GOV017" in result.output
    assert "unfinished placeholder" in result.output
    docs = _run("policy", "docs", str(out / "plan.yaml"), "--out", str(tmp_path / "docs"))
    assert docs.exit_code == 1
    assert not (tmp_path / "docs").exists()
    drafts = tmp_path / "drafts"
    docs = _run("policy", "docs", str(out / "plan.yaml"), "--out", str(drafts), "--draft")
    assert docs.exit_code == 0
    for page in drafts.glob("*.md"):
        assert page.read_text(encoding="utf-8").startswith("> **Draft, not for publication.**")
    _fill_placeholders(out / "plan.yaml")
    result = _run("policy", "check", str(out / "plan.yaml"))
    assert result.exit_code == 0, result.output


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    out.mkdir()
    (out / "plan.yaml").write_text("# my careful work\n", encoding="utf-8")
    result = _run("init", str(out), "--answers", str(_answers(tmp_path)))
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert "--force" in result.output
    assert (out / "plan.yaml").read_text(encoding="utf-8") == "# my careful work\n"


def test_force_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    out.mkdir()
    (out / "plan.yaml").write_text("# old\n", encoding="utf-8")
    result = _run("init", str(out), "--answers", str(_answers(tmp_path)), "--force")
    assert result.exit_code == 0, result.output
    assert load_plan(out / "plan.yaml").plan.organization.name == "Riverton Food Bank"


def test_directory_that_is_a_file_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    result = _run("init", str(target), "--answers", str(_answers(tmp_path)))
    assert result.exit_code == 2
    assert "not a folder" in result.output


def test_missing_answers_file_exits_2(tmp_path: Path) -> None:
    result = _run("init", str(tmp_path / "out"), "--answers", str(tmp_path / "absent.yaml"))
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert not (tmp_path / "out").exists()


def test_answers_not_yaml_exits_2_with_line(tmp_path: Path) -> None:
    path = _answers(tmp_path, "organization: X\njurisdictions: [US\n")
    result = _run("init", str(tmp_path / "out"), "--answers", str(path))
    assert result.exit_code == 2
    assert f"{path}:3:1: not valid YAML" in result.output


def test_answers_not_a_mapping_exits_2(tmp_path: Path) -> None:
    path = _answers(tmp_path, "- a\n- b\n")
    result = _run("init", str(tmp_path / "out"), "--answers", str(path))
    assert result.exit_code == 2
    assert "mapping" in result.output


def test_answers_not_utf8_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_bytes(b"organization: Caf\xe9\n")
    result = _run("init", str(tmp_path / "out"), "--answers", str(path))
    assert result.exit_code == 2
    assert f"{path}:1: not UTF-8" in result.output


def test_wrong_answers_are_each_located(tmp_path: Path) -> None:
    text = (
        ANSWERS.replace("kind: nonprofit", "kind: charity")
        .replace("[contact, location, health, free_text]", "[contact, helth]")
        .replace("email: privacy@food.example.org", "email: not-an-address")
        .replace("people: 5000", "people: -3")
    )
    path = _answers(tmp_path, text)
    result = _run("init", str(tmp_path / "out"), "--answers", str(path))
    assert result.exit_code == 2
    output = result.output
    assert "the answers have 4 problems" in output
    assert f"{path}:2:7: kind:" in output
    assert "'charity'" in output
    assert f"{path}:6:10: privacy_officer.email: 'not-an-address' is not an email address" in output
    assert (
        f"{path}:7:23: data_kinds[1]: unknown data kind 'helth'; did you mean 'health'?" in output
    )
    assert f"{path}:9:9: people:" in output
    assert not (tmp_path / "out").exists()


def test_missing_answer_is_named(tmp_path: Path) -> None:
    text = ANSWERS.replace("organization: Riverton Food Bank\n", "")
    result = _run("init", str(tmp_path / "out"), "--answers", str(_answers(tmp_path, text)))
    assert result.exit_code == 2
    assert "missing answer 'organization'" in result.output


def test_unknown_question_suggests_the_right_one(tmp_path: Path) -> None:
    text = ANSWERS + "chidren: true\n"
    result = _run("init", str(tmp_path / "out"), "--answers", str(_answers(tmp_path, text)))
    assert result.exit_code == 2
    assert "unknown question 'chidren'; did you mean 'children'?" in result.output


# ------------------------------------------------------------------ interactive

INTERACTIVE = [
    "Riverton 311",  # organization name
    "city_department",  # kind
    "US-CA",  # jurisdictions
    "Dana Ortiz",  # privacy officer
    "privacy@riverton.example.gov",  # email
    "contact, location, free_text",  # data kinds
    "residents",  # subjects
    "40000",  # people
    "self",  # hosted by
    "US-CA",  # hosting location
    "caseworkers, supervisors",  # access
    "data_subjects",  # origin
    "public_task",  # basis
    "yes",  # lawfully collected
    "n",  # cross-border
    "n",  # children
    "n",  # special categories
    "y",  # outside analysts
]


def test_interactive(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    result = _run("init", str(out), input="\n".join(INTERACTIVE) + "\n")
    assert result.exit_code == 0, result.output
    assert "tier: confidential" in result.output
    plan = load_plan(out / "plan.yaml").plan
    assert plan.organization.kind.value == "city_department"
    assert plan.purpose("service_delivery").legal_basis is LegalBasis.PUBLIC_TASK
    assert plan.role("analyst").temporary
    _assert_passes_once_filled(out / "plan.yaml")


def test_interactive_reasks_an_invalid_answer(tmp_path: Path) -> None:
    answers = list(INTERACTIVE)
    answers[1:2] = ["charity", "nonprofit"]  # bad kind, then a good one
    answers[3:4] = ["usa", "US"]  # bad jurisdiction (index shifted by one), then good
    answers[6:7] = ["not-an-email", "privacy@example.org"]
    answers[8:9] = ["contact, helth", "contact, health"]
    answers[11:12] = ["lots", "1200"]
    result = _run("init", str(tmp_path / "plan"), input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "'charity' is not one of" in result.output
    assert "ISO 3166" in result.output
    assert "is not an email address" in result.output
    assert "did you mean 'health'?" in result.output
    assert "whole number" in result.output
    plan = load_plan(tmp_path / "plan" / "plan.yaml").plan
    assert plan.questionnaire.people == 1200
    assert "health" in plan.questionnaire.data_kinds


def test_interactive_third_party_asks_for_the_provider(tmp_path: Path) -> None:
    answers = list(INTERACTIVE)
    answers[8:9] = ["third_party", "Example Cloud"]
    result = _run("init", str(tmp_path / "plan"), input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    plan = load_plan(tmp_path / "plan" / "plan.yaml").plan
    assert plan.questionnaire.hosting.provider == "Example Cloud"
    assert [r.id for r in plan.recipients if r.kind.value == "processor"] == ["hosting_provider"]


@pytest.mark.parametrize("stop_after", [0, 5])
def test_interactive_end_of_input_writes_nothing(tmp_path: Path, stop_after: int) -> None:
    out = tmp_path / "plan"
    result = _run("init", str(out), input="\n".join(INTERACTIVE[:stop_after]))
    assert result.exit_code != 0
    assert not (out / "plan.yaml").exists()
