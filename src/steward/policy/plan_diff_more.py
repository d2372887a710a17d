"""The parts of a plan difference that are not about one kind of item: every other
setting added, removed or changed, and the checks that now pass or fail.

:func:`setting_changes` walks the plan sections :mod:`steward.policy.plan_diff` does not
compare one by one (organization, governance, questionnaire, rights, operations, ...)
and names each setting by its path, e.g. ``rights.export``. Texts that only explain
(labels, descriptions, help, notes) are left out. :func:`check_changes` runs the plan
checks on both plans and names the findings that appeared or went away.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from steward.policy.model import Plan

__all__ = ["COMPARED_ELSEWHERE", "check_changes", "setting_changes"]

COMPARED_ELSEWHERE = frozenset(
    {"steward", "version", "datasets", "purposes", "recipients", "roles", "disclosure"}
)
"""Top-level keys that :func:`steward.policy.plan_diff.diff_plans` compares item by item."""

_EXPLAINING = frozenset({"label", "description", "help", "notes", "title"})
_ALSO_ELSEWHERE = frozenset({"governance.review_every"})


def _flatten(value: Any, path: str, out: dict[str, str]) -> None:
    if value is None or path in _ALSO_ELSEWHERE:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _EXPLAINING:
                _flatten(item, f"{path}.{key}" if path else str(key), out)
        return
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            name = item.get("id") or item.get("name") or str(index)
            _flatten(item, f"{path}[{name}]", out)
        return
    if isinstance(value, list):
        out[path] = ", ".join(sorted(str(v) for v in value)) or "none"
        return
    if isinstance(value, bool):
        out[path] = "yes" if value else "no"
        return
    out[path] = str(value)


def _settings(plan: Plan) -> dict[str, str]:
    data = plan.model_dump(mode="json", by_alias=True)
    out: dict[str, str] = {}
    for key, value in data.items():
        if key not in COMPARED_ELSEWHERE:
            _flatten(value, key, out)
    return out


def setting_changes(old: Plan, new: Plan) -> list[tuple[str, str]]:
    """(setting path, plain sentence) for every other setting added, removed or changed,
    sorted by path. Never raises for valid plans."""
    before, after = _settings(old), _settings(new)
    changes: list[tuple[str, str]] = []
    for path in sorted(before.keys() | after.keys()):
        if path not in before:
            changes.append((path, f"setting {path} added: {after[path]}"))
        elif path not in after:
            changes.append((path, f"setting {path} removed (was {before[path]})"))
        elif before[path] != after[path]:
            changes.append((path, f"setting {path} changed from {before[path]} to {after[path]}"))
    return changes


def _findings(plan: Plan, today: date) -> dict[tuple[str, str], str]:
    from steward.policy.checks.catalogue import ALL_RULES
    from steward.policy.checks.framework import CheckContext, Severity
    from steward.policy.classification import classify
    from steward.policy.loader import format_location
    from steward.policy.tier_requirements import requirements_for

    classification = classify(plan)
    context = CheckContext(
        plan=plan,
        classification=classification,
        requirements=requirements_for(classification.tier),
        today=today,
    )
    found: dict[tuple[str, str], str] = {}
    for rule in ALL_RULES:
        for issue in rule.check(context):
            severity = issue.severity or rule.severity
            if severity is Severity.INFO:
                continue
            key = (rule.id, issue.message)
            found[key] = f"{severity.value} at {format_location(issue.location) or 'the plan'}"
    return found


def check_changes(old: Plan, new: Plan, today: date) -> list[tuple[str, str]]:
    """(rule id, plain sentence) for every check error or warning that ``new`` has and
    ``old`` had not ("now fails"), and the reverse ("now passes"), judged on ``today``.
    Findings are matched by rule and message, so a finding that only moved in the file
    is no change. Notes (info) are left out."""
    before, after = _findings(old, today), _findings(new, today)
    changes = [
        (rule, f"check {rule} now fails ({where}): {message}")
        for (rule, message), where in sorted(after.items())
        if (rule, message) not in before
    ]
    changes += [
        (rule, f"check {rule} now passes (was {where}): {message}")
        for (rule, message), where in sorted(before.items())
        if (rule, message) not in after
    ]
    return changes
