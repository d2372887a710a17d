"""Who is acting: a staff member, a service token or a person using their access code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.utils import timezone

from steward.policy.model import Plan, Role
from steward.vault.rules.scope import Reach


@dataclass(frozen=True)
class Actor:
    """The person or service behind a request, with their plan role.

    Attributes:
        ref: what the audit log records (hashed there), e.g. ``staff/12``.
        role: the plan role they act under.
        user_id: their account id, for the ``assigned`` scope.
        team: their team, for the ``team`` scope.
        subject_id: the person themself, for the ``own`` scope.
        mfa_verified: whether this session passed a second factor.
        access_until: when their own access ends, if it is temporary.
    """

    ref: str
    role: Role
    user_id: int | None = None
    team: str = ""
    subject_id: UUID | None = None
    mfa_verified: bool = False
    access_until: datetime | None = None

    @property
    def reach(self) -> Reach:
        """The scope facts of this actor."""
        return Reach(self.role.scope, self.user_id, self.team, self.subject_id)

    def expired(self, now: datetime | None = None) -> bool:
        """Whether this actor's own temporary access has ended."""
        moment = now or timezone.now()
        return self.access_until is not None and moment >= self.access_until

    def today(self) -> date:
        """Today's date, for role expiry."""
        return timezone.now().date()


def role_named(plan: Plan, role_id: str) -> Role:
    """The plan role ``role_id``.

    Raises:
        KeyError: the plan has no such role (the account's role was removed).
    """
    return plan.role(role_id)
