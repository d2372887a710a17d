"""Helpers for the erasure tests: staff actors with real accounts. (No tests here.)"""

from __future__ import annotations

from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from tests.vault.test_staff_support import make_staff


def staff_actor(vault: Vault, username: str, role: str, team: str = "") -> Actor:
    """A staff account of ``role`` (ready to act, plan acknowledged) as an actor who
    passed a second factor."""
    user, _ = make_staff(vault, username, role, team=team)
    return Actor(
        ref=f"staff/{user.id}",
        role=vault.plan.role(role),
        user_id=user.id,
        team=team,
        mfa_verified=True,
    )
