"""The staff register page and endpoint over every staff role, and the public
transparency pages and API: status codes, bad input, and no names in public."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from steward.clock import ManualClock, use_clock
from steward.vault.runtime import Vault
from tests.vault.egress_register_support import COURT, NOW, SEALED_REFERENCE, build_register
from tests.vault.test_staff_support import signed_in

STAFF_ROLES = {
    "caseworker": 403,
    "supervisor": 403,
    "analyst": 403,
    "privacy_officer": 200,
    "council_viewer": 403,
    "oversight_board": 200,
}
WHOLE_Q1 = "from=2026-01-01&to=2026-03-31"


@pytest.fixture
def built(city_vault: Vault):
    with use_clock(ManualClock(NOW)):
        yield build_register(city_vault)


def test_the_table_covers_every_staff_role(city_vault: Vault) -> None:
    assert set(STAFF_ROLES) == {r.id for r in city_vault.plan.roles if r.staff}


@pytest.mark.parametrize(("role", "status"), sorted(STAFF_ROLES.items()))
def test_the_staff_page_and_endpoint_by_role(
    city_vault: Vault, built, role: str, status: int
) -> None:
    client, _ = signed_in(city_vault, f"reader.{role}", role)
    page = client.get(f"/staff/register/?{WHOLE_Q1}")
    assert page.status_code == status
    assert page["Cache-Control"] == "no-store"
    api = client.get(f"/api/register?{WHOLE_Q1}")
    assert api.status_code == status
    text = page.content.decode() + api.content.decode()
    assert "Person Number" not in text
    if status == 200:
        approves = city_vault.plan.role(role).approves_disclosures
        assert (SEALED_REFERENCE in text) is approves  # approvers see the legal reference
        assert COURT in text
        assert "Sharing inventory" in page.content.decode()
        assert len(json.loads(api.content)) == 10
        assert "subject/" not in api.content.decode()  # no person's key leaves
    else:
        assert SEALED_REFERENCE not in text
        assert COURT not in text


def test_signed_out_is_sent_to_sign_in_and_a_token_is_refused(city_vault: Vault, built) -> None:
    assert Client().get("/staff/register/").status_code == 302
    assert Client().get(f"/api/register?{WHOLE_Q1}").status_code == 401


@pytest.mark.parametrize(
    "query",
    ["from=2026-02-30&to=2026-03-01", "from=2026-03-01&to=2026-01-01", "from=x", "kind=letters"],
)
def test_bad_input_on_the_staff_page(city_vault: Vault, built, query: str) -> None:
    client, _ = signed_in(city_vault, "olga.reader", "privacy_officer")
    page = client.get(f"/staff/register/?{query}")
    assert page.status_code == 400
    assert "Traceback" not in page.content.decode()


@pytest.mark.parametrize(
    "query", ["from=2026-03-01&to=2026-01-01", "from=nope&to=2026-01-01", f"{WHOLE_Q1}&kind=x"]
)
def test_bad_input_on_the_endpoint(city_vault: Vault, built, query: str) -> None:
    client, _ = signed_in(city_vault, "olga.reader", "privacy_officer")
    assert client.get(f"/api/register?{query}").status_code in (400, 422)


def test_the_public_pages_need_no_sign_in_and_name_nobody(city_vault: Vault, built) -> None:
    client = Client()
    with use_clock(ManualClock(NOW)):
        index = client.get("/transparency/")
        html = client.get("/transparency/2026-q1/")
        data = client.get("/transparency/2026-q1/report.json")
        api = client.get("/api/transparency/2026-q1")
        running = client.get("/transparency/2026-q2/")
        bad = client.get("/transparency/2026-q9/")
        bad_api = client.get("/api/transparency/2026-q9")
    assert index.status_code == 200
    assert "/transparency/2026-q1/" in index.content.decode()
    assert html.status_code == 200
    assert "style-src 'sha256-" in html["Content-Security-Policy"]
    assert "script-src" not in html["Content-Security-Policy"]
    assert json.loads(data.content)["requests"]["all"]["total"] == 6
    assert json.loads(api.content) == json.loads(data.content) | {
        "generated": json.loads(api.content)["generated"]
    }
    for response in (html, data, api):
        text = response.content.decode()
        for hidden in (SEALED_REFERENCE, COURT, "State police", "Person Number", "olga"):
            assert hidden not in text
    assert running.status_code == 404
    assert bad.status_code == 400
    assert bad_api.status_code == 400


def test_no_public_report_when_the_plan_publishes_none(
    city_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = city_vault.plan.disclosure
    assert rules is not None
    silent = city_vault.plan.model_copy(
        update={"disclosure": rules.model_copy(update={"publish_transparency_report": False})}
    )
    monkeypatch.setattr(type(city_vault), "plan", property(lambda self: silent))
    with use_clock(ManualClock(NOW)):
        assert Client().get("/transparency/").status_code == 404
        assert Client().get("/transparency/2026-q1/").status_code == 404
        assert Client().get("/api/transparency/2026-q1").status_code == 404
