"""The data management plan: models, loading, classification, checks and documents.

This package is plain Python: it imports no web framework and needs no database.
The plan's models are in :mod:`steward.policy.model`, its checks in
:mod:`steward.policy.checks`, its documents in :mod:`steward.policy.documents`.
Here are loading (with line-numbered problems), the access and consent decisions,
durations and the built-in categories.

The names are imported when first used (:mod:`steward._lazy`), so a command that only
catches a plan's errors does not load the plan's models.
"""

from typing import TYPE_CHECKING

from steward._lazy import lazy_exports

if TYPE_CHECKING:
    from steward.policy.access import Decision, decide, explain, held_purposes
    from steward.policy.consent import consent_purposes, needed_consents, only_consent
    from steward.policy.duration import Duration, parse_duration
    from steward.policy.erasure import (
        erasure_approvers,
        erasure_needs_second_person,
        erasure_requesters,
    )
    from steward.policy.errors import (
        PlanLoadError,
        PlanSyntaxError,
        PlanUnreadableError,
        Problem,
    )
    from steward.policy.loader import (
        LoadedPlan,
        format_location,
        load_plan,
        load_plan_text,
        schema_problems,
    )
    from steward.policy.model import Plan
    from steward.policy.plan_diff import Change, diff_plans
    from steward.policy.positions import Position, PositionMap, parse_yaml
    from steward.policy.schema import plan_json_schema
    from steward.policy.self_service import rights_officer_roles, self_service_role
    from steward.policy.taxonomy import BUILT_IN_CATEGORIES
    from steward.policy.tiers import Tier
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "access": ["Decision", "decide", "explain", "held_purposes"],
            "consent": ["consent_purposes", "needed_consents", "only_consent"],
            "duration": ["Duration", "parse_duration"],
            "erasure": ["erasure_approvers", "erasure_needs_second_person", "erasure_requesters"],
            "loader": [
                "LoadedPlan",
                "format_location",
                "load_plan",
                "load_plan_text",
                "schema_problems",
            ],
            "model": ["Plan"],
            "plan_diff": ["Change", "diff_plans"],
            "positions": ["Position", "PositionMap", "parse_yaml"],
            "schema": ["plan_json_schema"],
            "self_service": ["rights_officer_roles", "self_service_role"],
            "taxonomy": ["BUILT_IN_CATEGORIES"],
            "tiers": ["Tier"],
            "errors": ["PlanLoadError", "PlanSyntaxError", "PlanUnreadableError", "Problem"],
        },
    )

__all__ = [
    "BUILT_IN_CATEGORIES",
    "Change",
    "Decision",
    "Duration",
    "LoadedPlan",
    "Plan",
    "PlanLoadError",
    "PlanSyntaxError",
    "PlanUnreadableError",
    "Position",
    "PositionMap",
    "Problem",
    "Tier",
    "consent_purposes",
    "decide",
    "diff_plans",
    "erasure_approvers",
    "erasure_needs_second_person",
    "erasure_requesters",
    "explain",
    "format_location",
    "held_purposes",
    "load_plan",
    "load_plan_text",
    "needed_consents",
    "only_consent",
    "parse_duration",
    "parse_yaml",
    "plan_json_schema",
    "rights_officer_roles",
    "schema_problems",
    "self_service_role",
]
