"""Whether someone must acknowledge the data management plan before they reach any data.

When a plan sets ``governance.team_acknowledgement``, every person who signs in to the
vault acknowledges the plan text the vault runs under before their first access, and
again whenever that text changes.

**What "the plan changed" means: its SHA-256 digest.** The vault binds an
acknowledgement to the digest of the plan file's bytes (a ``PlanVersion``), not to the
plan's hand-written ``version`` field: the digest is what the generated documents
print and what every record points to, and it cannot be forgotten. A ``version`` that
nobody bumped would let a changed duty go unacknowledged; under the digest, even a
typo fix asks everyone to confirm once more. That is the price, paid on purpose: the
person confirms exactly the text in force. Acknowledging a text once is enough for as
long as it is in force, also when a plan is changed and then put back.

**Service tokens are not people.** They cannot read a plan or promise anything; the
person who created a token with ``steward tokens create`` answers for it, and tokens
are never asked. Only signed-in staff sessions are.

Plain Python: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum


class Standing(StrEnum):
    """Where one person (or service) stands with the plan text in force."""

    NOT_ASKED = "not asked"
    """The plan does not ask its team to acknowledge it."""
    NOT_A_PERSON = "not a person"
    """A service token: no one to ask."""
    ACKNOWLEDGED = "acknowledged"
    """They acknowledged the plan text in force."""
    NEVER = "never acknowledged"
    """They never acknowledged any plan text: they must before their first access."""
    CHANGED = "plan changed"
    """They acknowledged an earlier plan text, not the one in force."""

    @property
    def must_acknowledge(self) -> bool:
        """Whether they must acknowledge before they reach any data."""
        return self in (Standing.NEVER, Standing.CHANGED)


def standing(
    *, required: bool, person: bool, current: str, acknowledged: Collection[str]
) -> Standing:
    """Where someone stands with the plan text whose digest is ``current``.

    Args:
        required: the plan sets ``governance.team_acknowledgement``.
        person: a signed-in staff member (``False`` for a service token).
        current: the SHA-256 digest of the plan text the vault runs under.
        acknowledged: the digests of every plan text they have acknowledged.
    """
    if not required:
        return Standing.NOT_ASKED
    if not person:
        return Standing.NOT_A_PERSON
    if current in acknowledged:
        return Standing.ACKNOWLEDGED
    return Standing.CHANGED if acknowledged else Standing.NEVER


def acknowledgement_refusal(found: Standing) -> str:
    """Why a request is refused until the plan is acknowledged (no personal data), or ``""``."""
    if found is Standing.NEVER:
        return (
            "acknowledge the data management plan before your first access: "
            "sign in at /staff/ to read and confirm it"
        )
    if found is Standing.CHANGED:
        return (
            "the data management plan has changed since you acknowledged it: "
            "sign in at /staff/ to read and confirm the new version"
        )
    return ""


def listing_refusal(
    *, role: str, reads_audit: bool, expired: bool, needs_mfa: bool, mfa_verified: bool
) -> str:
    """Why someone may not see who acknowledged the plan, or ``""`` if they may.

    The list is for the roles the plan lets read the audit log (the privacy officer),
    whose own access has not ended and who passed the second factor their role needs.
    """
    if not reads_audit:
        return f"the role '{role}' may not see who acknowledged the plan"
    if expired:
        return "this account's temporary access has ended"
    if needs_mfa and not mfa_verified:
        return "this role must sign in with a second factor"
    return ""
