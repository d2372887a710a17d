"""Reading a case list's filters from untrusted text: a table of inputs and answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from steward.vault.rules.case_query import (
    CaseQuery,
    Sort,
    StatusFilter,
    page_size,
    parse_query,
)

TEAMS = frozenset({"north", "south"})

CASES = [
    # (params, query expected, parameters with a problem)
    ({}, CaseQuery(), set()),
    ({"status": "open"}, CaseQuery(status=StatusFilter.OPEN), set()),
    ({"status": " closed "}, CaseQuery(status=StatusFilter.CLOSED), set()),
    ({"status": "any"}, CaseQuery(), set()),
    ({"status": "shut"}, CaseQuery(), {"status"}),
    ({"team": "north"}, CaseQuery(team="north"), set()),
    ({"team": "mars"}, CaseQuery(), {"team"}),
    ({"from": "2026-01-02"}, CaseQuery(created_from=date(2026, 1, 2)), set()),
    ({"to": "2026-01-02"}, CaseQuery(created_to=date(2026, 1, 2)), set()),
    ({"from": "02/01/2026"}, CaseQuery(), {"from"}),
    ({"from": "1999-12-31"}, CaseQuery(), {"from"}),
    ({"to": "3000-01-01"}, CaseQuery(), {"to"}),
    (
        {"from": "2026-03-01", "to": "2026-02-01"},
        CaseQuery(created_from=date(2026, 3, 1)),
        {"to"},
    ),
    ({"sort": "updated"}, CaseQuery(sort=Sort.UPDATED), set()),
    ({"sort": "-status"}, CaseQuery(sort=Sort.STATUS_DESC), set()),
    ({"sort": "name"}, CaseQuery(), {"sort"}),
    ({"sort": "created; DROP TABLE"}, CaseQuery(), {"sort"}),
]


@pytest.mark.parametrize(("params", "expected", "problems"), CASES)
def test_parse_query(params: dict[str, str], expected: CaseQuery, problems: set[str]) -> None:
    query, found = parse_query(params, TEAMS)
    assert query == expected
    assert set(found) == problems
    for name, message in found.items():
        assert params[name].strip() not in message or not params[name].strip()


@pytest.mark.parametrize(
    ("raw", "size"),
    [("", 25), ("10", 10), ("100", 100), ("7", None), ("-1", None), ("25x", None), ("1e3", None)],
)
def test_page_size(raw: str, size: int | None) -> None:
    assert page_size(raw) == size


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        (Sort.CREATED_DESC, ("-created", "id")),
        (Sort.CREATED, ("created", "id")),
        (Sort.UPDATED_DESC, ("-updated", "-created", "id")),
        (Sort.UPDATED, ("updated", "-created", "id")),
        (Sort.STATUS, ("-status", "-created", "id")),  # open first
        (Sort.STATUS_DESC, ("status", "-created", "id")),
    ],
)
def test_every_order_is_total(sort: Sort, order: tuple[str, ...]) -> None:
    assert CaseQuery(sort=sort).order_by() == order


def test_the_date_range_covers_whole_days_in_utc() -> None:
    query = CaseQuery(created_from=date(2026, 1, 2), created_to=date(2026, 1, 2))
    assert query.created_after == datetime(2026, 1, 2, tzinfo=UTC)
    assert query.created_before == datetime(2026, 1, 3, tzinfo=UTC)
    assert CaseQuery().created_after is None
    assert CaseQuery().created_before is None


def test_the_description_for_the_audit_log() -> None:
    query = CaseQuery(StatusFilter.OPEN, "north", date(2026, 1, 1), None, Sort.UPDATED)
    assert query.describe() == "status open; sort updated; team north; received 2026-01-01..now"
