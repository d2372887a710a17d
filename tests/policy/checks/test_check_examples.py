"""The example plans pass every check, and findings point at the right line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from steward.policy import load_plan, load_plan_text
from steward.policy.checks import RULES_BY_ID, Severity, run_checks

EXAMPLES = Path(__file__).parents[3] / "examples"
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "name",
    [
        "city-constituent-services.yaml",
        "nonprofit-data-project.yaml",
        "security-help-desk.yaml",
    ],
)
def test_example_plans_have_no_errors(name: str) -> None:
    report = run_checks(load_plan(EXAMPLES / name), today=TODAY)

    errors = [f"{f.line}: {f.rule} {f.message}" for f in report.findings]
    errors = [
        e for e, f in zip(errors, report.findings, strict=True) if f.severity is Severity.ERROR
    ]
    assert errors == []
    assert report.passed


def test_a_finding_points_at_the_offending_line_and_column() -> None:
    text = (EXAMPLES / "city-constituent-services.yaml").read_text(encoding="utf-8")
    bad = text.replace("keep: [date, country]", "keep: [date, country, ip_address]")
    lines = bad.splitlines()
    line = next(i for i, s in enumerate(lines, 1) if "ip_address]" in s)
    column = lines[line - 1].index("ip_address") + 1

    report = run_checks(load_plan_text(bad, source="city.yaml"), rules=[RULES_BY_ID["OPS001"]])

    [finding] = report.findings
    assert (finding.file, finding.line, finding.column) == ("city.yaml", line, column)
    assert finding.path == "operations.web_logs.keep[2]"


def test_a_finding_about_a_missing_key_points_at_its_parent() -> None:
    text = (EXAMPLES / "city-constituent-services.yaml").read_text(encoding="utf-8")
    bad = text.replace("    expires: 2027-06-30\n", "")
    lines = bad.splitlines()
    role_line = next(i for i, s in enumerate(lines, 1) if s.strip() == "temporary: true")

    report = run_checks(load_plan_text(bad), rules=[RULES_BY_ID["ACC004"]], today=TODAY)

    [finding] = report.findings
    assert finding.line == role_line


def test_a_bare_plan_is_checked_without_raising() -> None:
    bare = 'steward: 1\nversion: "1"\norganization:\n  name: Example\n'

    report = run_checks(load_plan_text(bare), today=TODAY)

    rules = {f.rule for f in report.findings}
    assert {"GOV001", "GOV012", "HOST006"} <= rules
    assert report.passed  # no personal data: nothing to disclose, breach or justify
    assert all(f.line >= 1 for f in report.findings)
