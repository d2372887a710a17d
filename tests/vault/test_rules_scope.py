"""Scope, as a table: which records each kind of role reaches."""

from __future__ import annotations

from uuid import UUID

import pytest

from steward.policy.model import Scope
from steward.vault.rules.scope import Reach, RecordFacts, in_scope

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
