"""The oversight pages and API, role by role: members of the oversight body land on
/staff/oversight/, read the checkpoints, statistics, plan changes and reviews, and
record an outcome once; they read no record; every other staff role is refused; bad
input gets a 4xx with a message; nothing personal shows."""

from __future__ import annotations

import json
from datetime import date

import pytest

from steward.vault.audit_actions import AuditAction
from steward.vault.runtime import Vault
from steward.vault.services.oversight_review import generate_review
from tests.vault.test_staff_support import add_case, body, leaked, signed_in

PAGES = (
    "/staff/oversight/",
    "/api/oversight/checkpoints",
    "/api/oversight/plan-changes",
    "/api/oversight/reviews",
    "/api/oversight/statistics?from=2026-01-01&to=2026-03-31",
)
OTHERS = ("caseworker", "supervisor", "privacy_officer", "analyst", "council_viewer")


def _review(vault: Vault) -> str:
    review, _ = generate_review(vault, date(2026, 1, 1), date(2026, 3, 31))
    return str(review.pk)


def test_a_member_lands_on_oversight_and_reads_it_all(city_vault: Vault) -> None:
    case = add_case(city_vault, team="north")
    review_id = _review(city_vault)
    client, _ = signed_in(city_vault, "board.member", "oversight_board")
    home = client.get("/staff/")
    assert (home.status_code, home["Location"]) == (302, "/staff/oversight/")
    hub = client.get("/staff/oversight/")
    assert hub.status_code == 200
    text = body(hub)
    assert "The log is intact" in text
    assert f"/staff/oversight/reviews/{review_id}/" in text
    assert 'href="/staff/register/"' in text
    assert client.get("/staff/register/").status_code == 200
    for page in PAGES:
        answer = client.get(page)
        assert answer.status_code == 200, page
        assert leaked(body(answer)) == set(), page
    report = client.get(f"/staff/oversight/reviews/{review_id}/")
    assert report.status_code == 200
    assert "Record the outcome" in body(report)
    as_json = client.get(f"/staff/oversight/reviews/{review_id}/report.json")
    assert json.loads(as_json.content)["report"]["period"]["start"] == "2026-01-01"
    assert leaked(as_json.content.decode()) == set()
    for page in (f"/staff/records/{case.pk}/", "/staff/queue/", "/staff/tables/"):
        answer = client.get(page)
        assert answer.status_code in (200, 403, 404), page
        assert str(case.pk) not in body(answer), page
        assert leaked(body(answer)) == set(), page
    reads = [e for e in city_vault.audit.entries() if e.action == AuditAction.OVERSIGHT_READ]
    assert len(reads) >= 8


def test_a_member_records_the_outcome_once(city_vault: Vault) -> None:
    review_id = _review(city_vault)
    client, _ = signed_in(city_vault, "board.member", "oversight_board")
    url = f"/staff/oversight/reviews/{review_id}/outcome/"
    empty = client.post(url, {"outcome": "  "})
    assert empty.status_code == 400
    assert "may not be empty" in body(empty)
    done = client.post(url, {"outcome": "Backups were tested; ask for a second drill."})
    assert (done.status_code, done["Location"]) == (302, f"/staff/oversight/reviews/{review_id}/")
    shown = body(client.get(f"/staff/oversight/reviews/{review_id}/"))
    assert "ask for a second drill" in shown
    assert "board.member" in shown
    again = client.post(url, {"outcome": "Changed."})
    assert again.status_code == 403
    api = client.post(
        f"/api/oversight/reviews/{review_id}/outcome",
        data=json.dumps({"outcome": "Changed."}),
        content_type="application/json",
    )
    assert api.status_code == 403
    assert "already recorded" in api.json()["detail"]


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/staff/oversight/?from=2026-13-01", 400, "is not a date"),
        ("/staff/oversight/?from=2026-03-01&to=2026-01-01", 400, "before it starts"),
        ("/staff/oversight/reviews/not-a-review/", 404, "no such review"),
        ("/staff/oversight/reviews/00000000-0000-0000-0000-000000000000/", 404, "no such review"),
        ("/api/oversight/statistics?from=2026-03-01&to=2026-01-01", 400, "before it starts"),
        ("/api/oversight/statistics?from=yesterday&to=2026-01-01", 422, ""),
        ("/api/oversight/reviews/nope", 404, "no such review"),
    ],
)
def test_bad_input_is_told(city_vault: Vault, url: str, status: int, message: str) -> None:
    client, _ = signed_in(city_vault, "board.member", "oversight_board")
    answer = client.get(url)
    assert answer.status_code == status
    assert message.lower() in body(answer).lower()


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_are_refused_everywhere(city_vault: Vault, role: str) -> None:
    review_id = _review(city_vault)
    client, _ = signed_in(city_vault, f"{role}.member", role, team="north")
    for url in (*PAGES, f"/staff/oversight/reviews/{review_id}/",
                f"/staff/oversight/reviews/{review_id}/report.json",
                f"/api/oversight/reviews/{review_id}"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    posted = client.post(f"/staff/oversight/reviews/{review_id}/outcome/", {"outcome": "Fine."})
    assert posted.status_code == 403
    assert 'href="/staff/oversight/"' not in body(client.get("/staff/", follow=True))


def test_the_table_covers_every_staff_role(city_vault: Vault) -> None:
    assert {*OTHERS, "oversight_board"} == {r.id for r in city_vault.plan.roles if r.staff}
