"""Every rule Steward checks a plan against, in one explicit list."""

from __future__ import annotations

from steward.policy.checks import (
    access_control,
    disclosure,
    erasure,
    governance,
    hosting,
    legal_basis,
    minimization,
    operations,
    placeholders,
    records,
    retention,
    routing,
    safeguards,
)
from steward.policy.checks.framework import Rule

ALL_RULES: tuple[Rule, ...] = (
    *minimization.RULES,
    *legal_basis.RULES,
    *records.RULES,
    *retention.RULES,
    *safeguards.RULES,
    *access_control.RULES,
    *routing.RULES,
    *disclosure.RULES,
    *hosting.RULES,
    *operations.RULES,
    *governance.RULES,
    *erasure.RULES,
    *placeholders.RULES,
)
"""All rules, in a stable order; ids are unique (a test asserts it)."""

RULES_BY_ID = {rule.id: rule for rule in ALL_RULES}
"""Each rule by its id."""
