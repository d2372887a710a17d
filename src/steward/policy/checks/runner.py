"""Run the rules over a loaded plan and collect located findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from steward.policy.checks.framework import CheckContext, Finding, Rule, Severity
from steward.policy.classification import Classification, classify
from steward.policy.loader import LoadedPlan, format_location
from steward.policy.tier_requirements import requirements_for


@dataclass(frozen=True)
class CheckReport:
    """The findings for one plan, sorted by position, with its classification."""

    source: str
    classification: Classification
    findings: tuple[Finding, ...]

    def count(self, severity: Severity) -> int:
        """How many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def passed(self) -> bool:
        """Whether there are no errors (warnings and notes do not fail a plan)."""
        return self.count(Severity.ERROR) == 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of the whole report."""
        return {
            "plan": self.source,
            "tier": self.classification.tier.label,
            "factors": [
                {"tier": f.tier.label, "reason": f.reason, "path": format_location(f.location)}
                for f in self.classification.factors
            ],
            "findings": [f.to_dict() for f in self.findings],
            "summary": {s.value: self.count(s) for s in Severity},
            "passed": self.passed,
        }


def run_checks(
    loaded: LoadedPlan, *, rules: Sequence[Rule] | None = None, today: date | None = None
) -> CheckReport:
    """Run ``rules`` (default: every rule) over ``loaded``.

    Findings are sorted by line, then column, then rule id. Never raises for a
    plan that loaded; a rule that cannot apply simply yields nothing.
    """
    from steward.policy.checks.catalogue import ALL_RULES

    classification = classify(loaded.plan)
    context = CheckContext(
        plan=loaded.plan,
        classification=classification,
        requirements=requirements_for(classification.tier),
        today=today or date.today(),
    )
    findings: list[Finding] = []
    for rule in ALL_RULES if rules is None else rules:
        for issue in rule.check(context):
            where = loaded.locate(issue.location)
            findings.append(
                Finding(
                    rule=rule.id,
                    severity=issue.severity or rule.severity,
                    title=rule.title,
                    message=issue.message,
                    hint=issue.hint or rule.hint,
                    file=loaded.source,
                    line=where.line,
                    column=where.column,
                    path=format_location(issue.location),
                )
            )
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    return CheckReport(loaded.source, classification, tuple(findings))
