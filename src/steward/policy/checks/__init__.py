"""Privacy-by-design checks over a plan: each rule has an id, a severity and a fix hint.

:data:`PLACEHOLDER_RULES` are the rules that find ``TODO:`` and other placeholders left
in a plan (``steward init`` writes them where a person must decide).
"""

from steward.policy.checks.catalogue import ALL_RULES, RULES_BY_ID
from steward.policy.checks.framework import (
    Area,
    CheckContext,
    Finding,
    Issue,
    Rule,
    Severity,
)
from steward.policy.checks.placeholders import RULES as PLACEHOLDER_RULES
from steward.policy.checks.runner import CheckReport, run_checks

__all__ = [
    "ALL_RULES",
    "PLACEHOLDER_RULES",
    "RULES_BY_ID",
    "Area",
    "CheckContext",
    "CheckReport",
    "Finding",
    "Issue",
    "Rule",
    "Severity",
    "run_checks",
]
