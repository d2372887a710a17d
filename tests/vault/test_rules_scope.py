"""Scope, as a table: which records each kind of role reaches."""

from __future__ import annotations

from uuid import UUID

import pytest

from steward.policy.model import Scope
from steward.vault.rules.scope import Reach, RecordFacts, in_scope, unknown_team

ME, OTHER = UUID(int=1), UUID(int=2)
RECORD = RecordFacts(assigned_to=7, team="north", subject_id=ME)
UNASSIGNED = RecordFacts(assigned_to=None, team="", subject_id=OTHER)


@pytest.mark.parametrize(
    ("reach", "record", "expected"),
    [
        (Reach(Scope.ALL, None, "", None), RECORD, True),
        (Reach(Scope.ALL, None, "", None), UNASSIGNED, True),
        (Reach(Scope.TEAM, 1, "north", None), RECORD, True),
        (Reach(Scope.TEAM, 1, "south", None), RECORD, False),
        (Reach(Scope.TEAM, 1, "", None), UNASSIGNED, False),
        (Reach(Scope.ASSIGNED, 7, "", None), RECORD, True),
        (Reach(Scope.ASSIGNED, 8, "north", None), RECORD, False),
        (Reach(Scope.ASSIGNED, None, "", None), UNASSIGNED, False),
        (Reach(Scope.OWN, None, "", ME), RECORD, True),
        (Reach(Scope.OWN, None, "", ME), UNASSIGNED, False),
        (Reach(Scope.OWN, None, "", None), RECORD, False),
    ],
)
def test_in_scope(reach: Reach, record: RecordFacts, expected: bool) -> None:
    assert in_scope(reach, record) is expected


@pytest.mark.parametrize(
    ("declared", "team", "refused"),
    [
        (frozenset({"north", "south"}), "north", False),
        (frozenset({"north", "south"}), " south ", False),
        (frozenset({"north", "south"}), "", False),  # no team: the warning's business
        (frozenset({"north", "south"}), "nroth", True),
        (frozenset(), "anything", False),  # a plan that declares no teams
    ],
)
def test_unknown_team(declared: frozenset[str], team: str, refused: bool) -> None:
    message = unknown_team(declared, team)
    assert (message is not None) is refused
    if message:
        assert team.strip() in message
        assert all(name in message for name in declared)
