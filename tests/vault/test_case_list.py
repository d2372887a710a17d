"""The case list through the access service: filters, order, pages, search; scoped and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from steward.audit import Outcome
from steward.vault.models import Record
from steward.vault.rules.case_query import CaseQuery, Sort, StatusFilter
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, AccessService
from steward.vault.services.case_list import CasePage
from tests.vault.conftest import actor_for
from tests.vault.test_staff_support import DISTINCT, add_case

DAY = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def cases(city_vault: Vault) -> list[Record]:
    """Six cases: three north, three south, one a day from DAY; the last two closed;
    two share an email address (written differently)."""
    made = []
    for n, team in enumerate(["north", "south", "north", "south", "north", "south"]):
        email = "shared@example.org" if n in (1, 2) else f"person{n}@example.org"
        if n == 2:
            email = "  SHARED@Example.org "
        record = add_case(city_vault, {**DISTINCT, "email": email}, team=team)
        moment = DAY + timedelta(days=n)
        closed = {"status": Record.Status.CLOSED, "closed": moment} if n >= 4 else {}
        Record.objects.filter(pk=record.pk).update(created=moment, updated=moment, **closed)
        made.append(record)
    Record.objects.filter(pk=made[0].pk).update(updated=DAY + timedelta(days=10))
    return made


def _ids(views: list) -> list[int]:
    return [v.id for v in views]


def _positions(cases: list[Record], views: list) -> list[int]:
    index = {c.id: n for n, c in enumerate(cases)}
    return [index[v.id] for v in views]


QUERIES = [
    # (query, positions of the cases listed, in order)
    (None, [5, 4, 3, 2, 1, 0]),
    (CaseQuery(), [5, 4, 3, 2, 1, 0]),
    (CaseQuery(sort=Sort.CREATED), [0, 1, 2, 3, 4, 5]),
    (CaseQuery(sort=Sort.UPDATED_DESC), [0, 5, 4, 3, 2, 1]),
    (CaseQuery(sort=Sort.STATUS), [3, 2, 1, 0, 5, 4]),
    (CaseQuery(sort=Sort.STATUS_DESC), [5, 4, 3, 2, 1, 0]),
    (CaseQuery(status=StatusFilter.OPEN), [3, 2, 1, 0]),
    (CaseQuery(status=StatusFilter.CLOSED), [5, 4]),
    (CaseQuery(team="north"), [4, 2, 0]),
    (CaseQuery(team="north", status=StatusFilter.OPEN), [2, 0]),
    (CaseQuery(created_from=(DAY + timedelta(days=1)).date()), [5, 4, 3, 2, 1]),
    (CaseQuery(created_to=(DAY + timedelta(days=1)).date()), [1, 0]),
    (
        CaseQuery(
            created_from=(DAY + timedelta(days=2)).date(), created_to=DAY.date().replace(day=4)
        ),
        [3, 2],
    ),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_filters_and_orders(
    city_vault: Vault, cases: list[Record], query: CaseQuery | None, expected: list[int]
) -> None:
    service = AccessService(city_vault)
    officer = actor_for(city_vault, "privacy_officer")
    views = service.list_records(officer, "service_request", query=query)
    assert _positions(cases, views) == expected
    assert service.count_records(officer, "service_request", query=query) == len(expected)


def test_a_filter_never_widens_the_scope(city_vault: Vault, cases: list[Record]) -> None:
    service = AccessService(city_vault)
    north = actor_for(city_vault, "supervisor", team="north")
    assert _positions(cases, service.list_records(north, "service_request")) == [4, 2, 0]
    south_only = CaseQuery(team="south")
    assert service.list_records(north, "service_request", query=south_only) == []
    assert service.count_records(north, "service_request", query=south_only) == 0


def test_pages_do_not_overlap(city_vault: Vault, cases: list[Record]) -> None:
    service = AccessService(city_vault)
    officer = actor_for(city_vault, "privacy_officer")
    query = CaseQuery(sort=Sort.STATUS)
    pages = [
        service.list_records(officer, "service_request", limit=4, offset=o, query=query)
        for o in (0, 4)
    ]
    assert [len(p) for p in pages] == [4, 2]
    assert len(set(_ids(pages[0] + pages[1]))) == 6


def test_the_list_is_audited_with_its_filters(city_vault: Vault, cases: list[Record]) -> None:
    service = AccessService(city_vault)
    officer = actor_for(city_vault, "privacy_officer")
    service.list_records(officer, "service_request", query=CaseQuery(team="north"))
    entry = list(city_vault.audit.entries())[-1]
    assert (entry.action, entry.outcome) == ("record.list", Outcome.ALLOWED)
    assert entry.purpose == "status any; sort -created; team north"


def test_search_finds_by_blind_index_with_filters_and_pages(
    city_vault: Vault, cases: list[Record]
) -> None:
    service = AccessService(city_vault)
    officer = actor_for(city_vault, "privacy_officer")
    found = service.find_records(officer, "service_request", "email", "shared@EXAMPLE.org")
    assert isinstance(found, CasePage)
    assert (_positions(cases, found.items), found.total, found.truncated) == ([2, 1], 2, False)
    oldest = CaseQuery(sort=Sort.CREATED)
    page = service.find_records(
        officer, "service_request", "email", "shared@example.org", limit=1, offset=1, query=oldest
    )
    assert (_positions(cases, page.items), page.total) == ([2], 2)
    north = CaseQuery(team="north")
    only = service.find_records(
        officer, "service_request", "email", "shared@example.org", query=north
    )
    assert _positions(cases, only.items) == [2]
    none = service.find_records(officer, "service_request", "email", "nobody@example.org")
    assert (none.items, none.total) == ([], 0)


def test_search_keeps_the_scope_and_never_audits_the_term(
    city_vault: Vault, cases: list[Record]
) -> None:
    service = AccessService(city_vault)
    south = actor_for(city_vault, "supervisor", team="south")
    found = service.find_records(south, "service_request", "email", "shared@example.org")
    assert _positions(cases, found.items) == [1]
    entry = list(city_vault.audit.entries())[-1]
    assert (entry.action, entry.fields) == ("record.search", ("email",))
    assert "shared" not in entry.purpose


def test_search_refuses_fields_that_are_not_searchable(
    city_vault: Vault, cases: list[Record]
) -> None:
    officer = actor_for(city_vault, "privacy_officer")
    with pytest.raises(AccessDenied, match="not searchable"):
        AccessService(city_vault).find_records(officer, "service_request", "details", "lamp")
