"""The case list over the API: filters in the query, search by POST; scoped and audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from steward.vault.api.router import api
from steward.vault.models import Record
from steward.vault.runtime import Vault
from tests.vault.test_api_support import VALUES, bearer, leaked, make_case, token_for

DAY = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
LIST = "/api/datasets/service_request/records"
SEARCH = "/api/records/search"


@pytest.fixture
def cases(city_vault: Vault) -> list[Record]:
    """Four cases: north, south, north (closed), south; one a day from DAY."""
    made = []
    for n, team in enumerate(["north", "south", "north", "south"]):
        record = make_case(city_vault, team=team)
        closed = {"status": Record.Status.CLOSED, "closed": DAY} if n == 2 else {}
        moment = DAY + timedelta(days=n)
        Record.objects.filter(pk=record.pk).update(created=moment, updated=moment, **closed)
        made.append(record)
    return made


def _positions(cases: list[Record], items: list[dict[str, Any]]) -> list[int]:
    index = {str(c.id): n for n, c in enumerate(cases)}
    return [index[item["id"]] for item in items]


def _officer(vault: Vault) -> dict[str, str]:
    return bearer(token_for(vault, "privacy_officer", team=""))


LISTS = [
    ("", [3, 2, 1, 0]),
    ("status=open", [3, 1, 0]),
    ("status=closed", [2]),
    ("team=north", [2, 0]),
    ("sort=created", [0, 1, 2, 3]),
    ("sort=status", [3, 1, 0, 2]),
    ("sort=-status", [2, 3, 1, 0]),
    ("created_from=2026-03-02&created_to=2026-03-03", [2, 1]),
    ("limit=2&offset=1", [2, 1]),
]


@pytest.mark.parametrize(("params", "expected"), LISTS)
def test_list_filters_sorts_and_pages(
    city_vault: Vault, cases: list[Record], params: str, expected: list[int]
) -> None:
    response = Client().get(f"{LIST}?{params}", headers=_officer(city_vault))
    assert response.status_code == 200, response.content
    data = response.json()
    assert _positions(cases, data["items"]) == expected
    total = {"limit=2&offset=1": 4}.get(params, len(expected))
    assert data["total"] == total
    item = data["items"][0]
    assert {"updated", "closed", "status", "team"} <= set(item)


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ("status=shut", "status"),
        ("sort=name", "sort"),
        ("team=mars", "team"),
        ("created_from=yesterday", "created_from"),
        ("created_from=2026-03-03&created_to=2026-03-01", "created_to"),
        ("limit=0", "limit"),
    ],
)
def test_bad_filters_are_422(
    city_vault: Vault, cases: list[Record], params: str, where: str
) -> None:
    response = Client().get(f"{LIST}?{params}", headers=_officer(city_vault))
    assert response.status_code == 422
    assert where in response.json()["problems"]


def test_a_team_scope_is_never_widened(city_vault: Vault, cases: list[Record]) -> None:
    north = bearer(token_for(city_vault, "supervisor", team="north"))
    data = Client().get(f"{LIST}?team=south", headers=north).json()
    assert (data["items"], data["total"]) == ([], 0)
    data = Client().get(LIST, headers=north).json()
    assert _positions(cases, data["items"]) == [2, 0]


def _search(vault: Vault, headers: dict[str, str] | None = None, **body: object):
    wanted = {"dataset": "service_request", "field": "email", "value": VALUES["email"], **body}
    return Client().post(
        SEARCH,
        json.dumps(wanted),
        content_type="application/json",
        headers=headers or _officer(vault),
    )


def test_search_by_post(city_vault: Vault, cases: list[Record]) -> None:
    response = _search(city_vault, value="  ZQ@Example.ORG ")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (_positions(cases, data["items"]), data["total"]) == ([3, 2, 1, 0], 4)
    assert leaked(response.content, {"full_name", "email", "phone", "street_address"}) == set()
    entry = list(city_vault.audit.entries())[-1]
    assert (entry.action, entry.fields) == ("record.search", ("email",))
    assert "zq@" not in entry.purpose.lower()


@pytest.mark.parametrize(
    ("body", "expected", "total"),
    [
        ({"status": "closed"}, [2], 1),
        ({"team": "south", "sort": "created"}, [1, 3], 2),
        ({"limit": 1, "offset": 1}, [2], 4),
        ({"value": "nobody@example.org"}, [], 0),
        ({"field": "phone", "value": "(555) 867-5309"}, [3, 2, 1, 0], 4),
    ],
)
def test_search_with_filters(
    city_vault: Vault, cases: list[Record], body: dict[str, Any], expected: list[int], total: int
) -> None:
    data = _search(city_vault, **body).json()
    assert (_positions(cases, data["items"]), data["total"]) == (expected, total)


def test_search_keeps_the_scope(city_vault: Vault, cases: list[Record]) -> None:
    north = bearer(token_for(city_vault, "supervisor", team="north"))
    data = _search(city_vault, north).json()
    assert _positions(cases, data["items"]) == [2, 0]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"field": "details"}, 403),  # not searchable
        ({"field": "nope"}, 404),
        ({"dataset": "nope"}, 404),
        ({"value": ""}, 422),
        ({"value": "x" * 321}, 422),
        ({"status": "shut"}, 422),
        ({"team": "mars"}, 422),
    ],
)
def test_search_refusals(
    city_vault: Vault, cases: list[Record], body: dict[str, Any], status: int
) -> None:
    response = _search(city_vault, **body)
    assert response.status_code == status, response.content
    assert VALUES["email"] not in response.content.decode()


def test_search_is_not_offered_by_get(city_vault: Vault) -> None:
    response = Client().get(f"{SEARCH}?value=zq@example.org", headers=_officer(city_vault))
    assert response.status_code in (404, 405)


def test_the_schema_lists_the_filters() -> None:
    schema = api.get_openapi_schema()
    names = {
        p["name"] for p in schema["paths"]["/api/datasets/{dataset}/records"]["get"]["parameters"]
    }
    assert {"status", "team", "created_from", "created_to", "sort", "limit", "offset"} <= names
    assert "post" in schema["paths"]["/api/records/search"]
