"""The case list page: filters in the address, search only by POST, scoped and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from steward.vault.models import Record
from steward.vault.runtime import Vault
from tests.vault.test_staff_support import DISTINCT, add_case, body, leaked, signed_in

DAY = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
ROW = '<th scope="row" data-label="Case">'


@pytest.fixture
def cases(city_vault: Vault) -> list[Record]:
    """Four cases: north, south, north (closed), south; one a day from DAY."""
    made = []
    for n, team in enumerate(["north", "south", "north", "south"]):
        record = add_case(city_vault, {**DISTINCT, "email": f"p{n}@example.org"}, team=team)
        closed = {"status": Record.Status.CLOSED, "closed": DAY} if n == 2 else {}
        moment = DAY + timedelta(days=n)
        Record.objects.filter(pk=record.pk).update(created=moment, updated=moment, **closed)
        made.append(record)
    return made


def _shown(html: str, cases: list[Record]) -> list[int]:
    """Positions of the cases listed, in the page's order."""
    found = [
        (html.index(f"/staff/records/{c.id}/"), n)
        for n, c in enumerate(cases)
        if f"/staff/records/{c.id}/" in html
    ]
    return [n for _, n in sorted(found)]


@pytest.fixture
def officer(city_vault: Vault) -> Client:
    return signed_in(city_vault, "dana.ortiz", "privacy_officer")[0]


LISTS = [
    ("", [3, 2, 1, 0]),
    ("status=open", [3, 1, 0]),
    ("status=closed", [2]),
    ("team=north", [2, 0]),
    ("sort=created", [0, 1, 2, 3]),
    ("sort=status", [3, 1, 0, 2]),
    ("from=2026-03-02&to=2026-03-03", [2, 1]),
    ("size=10&page=1", [3, 2, 1, 0]),
]


@pytest.mark.parametrize(("address", "expected"), LISTS)
def test_filters_and_sorting_in_the_address(
    officer: Client, cases: list[Record], address: str, expected: list[int]
) -> None:
    response = officer.get(f"/staff/?dataset=service_request&{address}")
    assert response.status_code == 200
    html = body(response)
    assert _shown(html, cases) == expected
    assert f"of {len(expected)}." in html
    assert leaked(html) <= {"district", "request_type"}


@pytest.mark.parametrize(
    "address",
    [
        "status=shut",
        "team=mars",
        "from=yesterday",
        "sort=name",
        "size=7",
        "page=0",
        "to=2026-13-01",
    ],
)
def test_bad_filters_are_refused_with_a_message(
    officer: Client, cases: list[Record], address: str
) -> None:
    response = officer.get(f"/staff/?dataset=service_request&{address}")
    assert response.status_code == 400
    html = body(response)
    assert "Check the search and filters" in html
    assert ROW not in html


def test_search_by_post_finds_the_case_and_keeps_the_term_out_of_the_address(
    city_vault: Vault, officer: Client, cases: list[Record]
) -> None:
    form = {"dataset": "service_request", "field": "email", "term": " P1@Example.org "}
    response = officer.post("/staff/", form)
    assert response.status_code == 200
    html = body(response)
    assert _shown(html, cases) == [1]
    assert "of 1." in html
    entry = list(city_vault.audit.entries())[-1]
    assert (entry.action, entry.fields) == ("record.search", ("email",))
    assert "p1@" not in entry.purpose.lower()
    assert "p1%40" not in html.lower()  # no page link carries the term
    filtered = officer.post("/staff/", {**form, "status": "closed"})
    assert _shown(body(filtered), cases) == []


def test_a_term_in_the_address_is_refused(officer: Client, cases: list[Record]) -> None:
    for name in ("term", "q"):
        response = officer.get(f"/staff/?dataset=service_request&{name}=p1@example.org")
        assert response.status_code == 400
        assert "never goes in the address" in body(response)


def test_search_by_a_field_that_is_not_offered_is_refused(
    officer: Client, cases: list[Record]
) -> None:
    response = officer.post(
        "/staff/", {"dataset": "service_request", "field": "details", "term": "lamp"}
    )
    assert response.status_code == 400
    assert "fields you may search by" in body(response)


def test_the_search_form_offers_the_searchable_fields_the_role_reads(
    officer: Client, cases: list[Record]
) -> None:
    html = body(officer.get("/staff/?dataset=service_request"))
    for name in ("full_name", "email", "phone"):
        assert f'<option value="{name}"' in html
    assert '<option value="details"' not in html
    assert 'id="team"' in html  # scope all: every team to choose from


def test_a_supervisor_sees_only_their_team_whatever_the_filter(
    city_vault: Vault, cases: list[Record]
) -> None:
    client, _ = signed_in(city_vault, "lee.park", "supervisor", team="north")
    assert _shown(body(client.get("/staff/?dataset=service_request")), cases) == [2, 0]
    assert client.get("/staff/?dataset=service_request&team=south").status_code == 400
    html = body(
        client.post(
            "/staff/", {"dataset": "service_request", "field": "email", "term": "p1@example.org"}
        )
    )
    assert _shown(html, cases) == []
    assert 'id="team"' not in html  # one team only: nothing to choose


def test_page_links_keep_the_filters(officer: Client, city_vault: Vault) -> None:
    for _ in range(12):
        add_case(city_vault, team="north")
    html = body(officer.get("/staff/?dataset=service_request&size=10&status=open&team=north"))
    assert html.count(ROW) == 10
    assert "Page 1 of 2" in html
    for kept in ("status=open", "team=north", "size=10", "page=2"):
        assert kept in html
    second = body(
        officer.get("/staff/?dataset=service_request&size=10&status=open&team=north&page=2")
    )
    assert second.count(ROW) == 2
    assert "Cases 11 to 12 of 12." in second


def test_search_results_page_by_post(officer: Client, city_vault: Vault) -> None:
    for _ in range(12):
        add_case(city_vault, {**DISTINCT, "email": "same@example.org"}, team="north")
    form = {
        "dataset": "service_request",
        "field": "email",
        "term": "same@example.org",
        "size": "10",
    }
    first = body(officer.post("/staff/", form))
    assert first.count(ROW) == 10
    assert 'name="page" value="2"' in first
    second = body(officer.post("/staff/", {**form, "page": "2"}))
    assert second.count(ROW) == 2
