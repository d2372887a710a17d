"""Every rule Steward checks a plan against, in one explicit list."""

from __future__ import annotations

from steward.policy.checks import minimization
from steward.policy.checks.framework import Rule

ALL_RULES: tuple[Rule, ...] = (*minimization.RULES,)
"""All rules, in a stable order; ids are unique (a test asserts it)."""

RULES_BY_ID = {rule.id: rule for rule in ALL_RULES}
