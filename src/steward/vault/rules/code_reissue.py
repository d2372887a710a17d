"""Who may issue a person a new access code (after checking who they are outside Steward).

A new code replaces the old one at once, so only a person with a staff account whose
role answers people's rights (:func:`steward.policy.rights_officer_roles`), with their
access current and their second factor passed where the role asks for it, may issue
one; never a service token. Plain Python: no Django, no database.
"""

from __future__ import annotations

from steward.policy import Plan, rights_officer_roles
from steward.policy.model import Role
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal


def reissue_refusal(
    plan: Plan, role: Role, *, person: bool, expired: bool, mfa_verified: bool
) -> str | None:
    """Why ``role`` may not issue a new access code, or ``None`` when it may.

    ``person`` is whether the actor is a person with a staff account (not a service
    token). The reason names the rule, never a person.
    """
    who = StaffStanding(role, 0 if person else None, expired, mfa_verified)
    refusal = standing_refusal(who, "a new access code is issued")
    if refusal:
        return refusal
    if role.id not in rights_officer_roles(plan):
        return f"the plan does not let the role '{role.id}' issue new access codes"
    return None
