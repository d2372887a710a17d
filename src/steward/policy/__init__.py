"""The data management plan: models, loading, classification, checks and documents.

This package is plain Python: it imports no web framework and needs no database.
"""

from steward.policy.loader import (
    LoadedPlan,
    PlanLoadError,
    PlanUnreadableError,
    Problem,
    load_plan,
    load_plan_text,
)
from steward.policy.model import Plan
from steward.policy.tiers import Tier

__all__ = [
    "LoadedPlan",
    "Plan",
    "PlanLoadError",
    "PlanUnreadableError",
    "Problem",
    "Tier",
    "load_plan",
    "load_plan_text",
]
