"""The statistics pages and API: who sees what (a table over every role), and an attacker
who reads the pages a donor and the public see and tries to recover suppressed counts."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from steward.vault.runtime import Vault
from steward.vault.services.aggregate_releases import AggregateReleaseService
from tests.vault.aggregate_support import council, grid_rows, put_records
from tests.vault.erasure_support import staff_actor
from tests.vault.small_cells_attack import leaks, true_values
from tests.vault.test_api_support import staff_user

__all__ = ["council"]

APRIL = date(2026, 4, 3)
GRID = {("North", "pothole"): 30, ("North", "noise"): 2, ("South", "pothole"): 14}
GRID |= {("South", "noise"): 21, ("East", "pothole"): 3, ("East", "noise"): 11}
GRID |= {("West", "graffiti"): 7, ("West", "pothole"): 12}
ROLES = ["caseworker", "supervisor", "privacy_officer", "analyst", "council_viewer"]
CELL = re.compile(r'data-cell="([^"]+)">([^<]*)</td>')


def client_for(role: str | None) -> Client:
    """A client signed in (with a second factor) as a new account of ``role``, or none."""
    client = Client()
    if role is None:
        return client
    user: User = staff_user(f"user-{role}", role)
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _releases(vault: Vault) -> tuple[Any, Any]:
    put_records(vault, grid_rows(APRIL, GRID))
    service, officer = (
        AggregateReleaseService(vault),
        staff_actor(vault, "olivia", "privacy_officer"),
    )
    public = service.release(officer, "service_request", "public", ["district", "request_type"])
    donor = service.release(
        officer, "service_request", "city_council", ["request_type"], date(2026, 3, 1)
    )
    return public, donor


def _truth() -> dict[str, int]:
    districts = sorted({d for d, _ in GRID})
    types = sorted({t for _, t in GRID})
    return true_values({d: {t: GRID.get((d, t), 0) for t in types} for d in districts})


def table_from_page(text: str, release: str) -> dict[str, Any]:
    """Rebuild a 2-D table from the cells a page shows for ``release``."""
    start = text.index(f'data-release="{release}"')
    section = text[start : text.index("</section>", start)]
    cells = {
        html.unescape(n): (None if v == "suppressed" else int(v)) for n, v in CELL.findall(section)
    }
    table: dict[str, Any] = {"counts": {}, "row_totals": {}, "col_totals": {}, "total": None}
    for name, value in cells.items():
        if name == "total":
            table["total"] = value
        elif name.startswith("row:"):
            table["row_totals"][name[4:]] = value
        elif name.startswith("col:"):
            table["col_totals"][name[4:]] = value
        else:
            r, c = name.split("|")
            table["counts"].setdefault(r, {})[c] = value
    return table


def _sub(table: dict[str, Any]) -> dict[str, Any]:
    """Only the rows and columns with someone in them (the truth's shape)."""
    rows = [r for r, v in table["row_totals"].items() if v != 0]
    cols = [c for c, v in table["col_totals"].items() if v != 0]
    return {
        "counts": {r: {c: table["counts"][r][c] for c in cols} for r in rows},
        "row_totals": {r: table["row_totals"][r] for r in rows},
        "col_totals": {c: table["col_totals"][c] for c in cols},
        "total": table["total"],
    }


def test_the_public_page_gives_nothing_back_to_an_attacker(council: Vault) -> None:
    public, _ = _releases(council)
    text = client_for(None).get("/statistics/").content.decode()
    table = table_from_page(text, str(public.id))
    assert table["counts"]["North"]["noise"] is None
    assert leaks(_sub(table), _truth(), 10) == []
    data = client_for(None).get("/statistics/releases.json").json()
    assert [r["id"] for r in data["releases"]] == [str(public.id)]
    assert leaks(_sub(data["releases"][0]["table"]), _truth(), 10) == []


def test_the_donor_dashboard_shows_its_releases_and_the_public_ones(council: Vault) -> None:
    public, donor = _releases(council)
    client = client_for("council_viewer")
    response = client.get("/staff/statistics/")
    text = response.content.decode()
    assert response.status_code == 200
    assert str(donor.id) in text
    assert str(public.id) in text
    assert "Release counts" not in text  # no form for a donor
    assert leaks(_sub(table_from_page(text, str(public.id))), _truth(), 10) == []
    got = client.get(f"/staff/statistics/{donor.id}.json")
    assert got.status_code == 200
    assert got.json()["table"] == donor.table
    assert client_for(None).get(f"/statistics/{donor.id}.json").status_code == 404


ALLOWED = {"privacy_officer", "council_viewer"}


@pytest.mark.parametrize("role", [*ROLES, None])
def test_who_reaches_each_page_and_endpoint(council: Vault, role: str | None) -> None:
    public, donor = _releases(council)
    client = client_for(role)
    page = client.get("/staff/statistics/").status_code
    if role is None:
        assert page == 302  # to sign in
    else:
        assert page == (200 if role in ALLOWED else 403)
    listed = client.get("/api/aggregates")
    if role is None:
        assert listed.status_code == 401
    else:
        seen = {r["id"] for r in listed.json()}
        expected = {str(public.id), str(donor.id)} if role in ALLOWED else set()
        assert seen == expected
    form = {"dataset": "service_request", "audience": "public", "by": "district"}
    form["start"] = "2026-03-01"  # not the months of the public table by district
    posted = client.post("/staff/statistics/release/", form).status_code
    assert posted == (200 if role == "privacy_officer" else 302 if role is None else 403)
    assert client.get("/statistics/").status_code == 200
    donor_json = client.get(f"/staff/statistics/{donor.id}.json").status_code
    assert donor_json == (200 if role in ALLOWED else 302 if role is None else 404)
    body = json.dumps(
        {"dataset": "service_request", "audience": "city_council", "by": ["district"]}
        | {"start": "2026-02-01"}
    )
    made = client.post("/api/aggregates", body, content_type="application/json")
    assert made.status_code == (
        201 if role == "privacy_officer" else 401 if role is None else 403
    ), made.content
    assert client.get("/statistics/releases.json").status_code == 200
    one = client.get(f"/api/aggregates/{donor.id}").status_code
    assert one == (200 if role in ALLOWED else 401 if role is None else 404)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"by": "district", "start": "not a date"}, "is not a date"),
        ({"by": "district", "epsilon": "lots"}, "positive number"),
        ({"by": "district", "epsilon": "0"}, "positive number"),
        ({"by": "full_name"}, "may not be given counts"),
        ({"by": "district", "audience": "civic_data_lab"}, "aggregates only"),
        ({"by": "district", "start": "2026-05-01"}, "has ended"),
    ],
)
def test_bad_input_on_the_page_says_why(council: Vault, form: dict[str, str], message: str) -> None:
    data = {"dataset": "service_request", "audience": "public", **form}
    response = client_for("privacy_officer").post("/staff/statistics/release/", data)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"dataset": "service_request", "audience": "public", "by": []}, 422),
        ({"dataset": "service_request", "audience": "public", "by": ["a", "b", "c"]}, 422),
        ({"dataset": "nothing", "audience": "public", "by": ["district"]}, 404),
        ({"dataset": "service_request", "audience": "public", "by": ["details"]}, 400),
        (
            {"dataset": "service_request", "audience": "public", "by": ["district"], "epsilon": -1},
            422,
        ),
    ],
)
def test_bad_input_on_the_api_is_a_4xx(council: Vault, body: dict[str, Any], status: int) -> None:
    client = client_for("privacy_officer")
    response = client.post("/api/aggregates", json.dumps(body), content_type="application/json")
    assert response.status_code == status
    assert "detail" in response.json()
    assert client.get("/api/aggregates/not-a-uuid").status_code in (404, 422)
