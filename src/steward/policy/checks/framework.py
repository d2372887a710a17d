"""The vocabulary of plan checks: rules, the context they read, and what they find."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from steward.policy.classification import Classification
from steward.policy.model import Location, Plan
from steward.policy.tier_requirements import TierRequirements


class Severity(StrEnum):
    """How serious a finding is. Errors make ``steward policy check`` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Area(StrEnum):
    """The privacy-by-design area a rule belongs to."""

    MINIMIZATION = "minimization"
    LEGAL_BASIS = "legal basis"
    RETENTION = "retention"
    SAFEGUARDS = "safeguards"
    ACCESS = "access"
    DISCLOSURE = "disclosure"
    HOSTING = "hosting"
    OPERATIONS = "operations"
    NOTICE = "notice"
    USER_CONTROL = "user control"
    ENFORCEMENT = "enforcement"
    ACCOUNTABILITY = "accountability"


@dataclass(frozen=True)
class CheckContext:
    """Everything a rule may read: the plan, its classification and today's date."""

    plan: Plan
    classification: Classification
    requirements: TierRequirements
    today: date


@dataclass(frozen=True)
class Issue:
    """What a rule reports: where, what is wrong, and optionally a sharper severity or hint."""

    location: Location
    message: str
    severity: Severity | None = None
    hint: str | None = None


CheckFunction = Callable[[CheckContext], Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    """A privacy-by-design rule.

    Attributes:
        id: stable identifier, e.g. ``MIN001``; never reused for another meaning.
        title: what the rule requires, in a few words.
        severity: the default severity of its findings.
        area: the privacy-by-design area.
        hint: how to fix a finding.
        check: yields an :class:`Issue` for each violation.
        digit: ids of the DIGIT checklist items the rule answers (see docs/checks.md).
    """

    id: str
    title: str
    severity: Severity
    area: Area
    hint: str
    check: CheckFunction
    digit: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One violation, located in the plan file."""

    rule: str
    severity: Severity
    title: str
    message: str
    hint: str
    file: str
    line: int
    column: int
    path: str

    def to_dict(self) -> dict[str, str | int]:
        """A JSON-ready mapping."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "title": self.title,
            "message": self.message,
            "hint": self.hint,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
        }
