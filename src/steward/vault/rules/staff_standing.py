"""Whether the one acting is a signed-in staff person in good standing: the checks every
staff-only step shares (an erasure, a rights decision, a new access code).

A service token is not a person; an account whose temporary access has ended may do
nothing; a role that asks for a second factor needs it passed in this session. Plain
Python: no Django, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from steward.policy.model import Role


@dataclass(frozen=True)
class StaffStanding:
    """Who acts: their role, account, and the state of their sign-in.

    ``user_id`` is ``None`` for a service token, which is not a person.
    """

    role: Role
    user_id: int | None
    expired: bool = False
    mfa_verified: bool = True


def standing_refusal(who: StaffStanding, done_by: str) -> str | None:
    """Why ``who`` may not act as a staff person, or ``None`` when they may.

    ``done_by`` completes "... by a person with a staff account" (for example "erasure
    is asked for and approved"). The reason names the rule, never a person.
    """
    if not who.role.staff or who.user_id is None:
        return f"{done_by} by a person with a staff account"
    if who.expired:
        return "this account's temporary access has ended"
    if who.role.mfa and not who.mfa_verified:
        return "this role must sign in with a second factor"
    return None
