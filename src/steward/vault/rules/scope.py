"""Which records a role reaches: all, its team's, those assigned to the person, or their own."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from steward.policy.model import Scope


@dataclass(frozen=True)
class Reach:
    """Who is asking, as far as scope is concerned."""

    scope: Scope
    user_id: int | None
    team: str
    subject_id: UUID | None


@dataclass(frozen=True)
class RecordFacts:
    """What scope looks at on a record."""

    assigned_to: int | None
    team: str
    subject_id: UUID


def in_scope(reach: Reach, record: RecordFacts) -> bool:
    """Whether ``reach`` extends to ``record``.

    * ``all``: every record;
    * ``team``: records of the person's own team (never records without a team);
    * ``assigned``: records assigned to the person;
    * ``own``: the person's own records (people the data is about).
    """
    if reach.scope is Scope.ALL:
        return True
    if reach.scope is Scope.TEAM:
        return bool(reach.team) and record.team == reach.team
    if reach.scope is Scope.ASSIGNED:
        return reach.user_id is not None and record.assigned_to == reach.user_id
    return reach.subject_id is not None and record.subject_id == reach.subject_id


def missing_team(scope: Scope, role_id: str, team: str, holder: str) -> str | None:
    """The warning for giving a team-scoped role no team, or ``None``.

    ``holder`` names what gets the role ("this account", "this token"). Such a holder
    reaches no records, because a team scope never reaches records of no team.
    """
    if scope is Scope.TEAM and not team.strip():
        return (
            f"the role '{role_id}' sees only its team's records: without --team {holder} "
            "will reach no records"
        )
    return None


def unknown_team(declared: frozenset[str], team: str) -> str | None:
    """Why ``team`` cannot be given to an account or token, or ``None`` if it can.

    A plan that declares its teams routes records only to those; a holder put in any
    other team would reach no records. A plan that declares no teams accepts any name.
    """
    name = team.strip()
    if not name or not declared or name in declared:
        return None
    return f"the plan declares no team '{name}' (its teams: {', '.join(sorted(declared))})"
