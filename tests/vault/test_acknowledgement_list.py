"""The privacy officer's list of who acknowledged the plan: the page, the API, who may see it,
and the management plan's sentence that promises it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from steward.audit import Outcome
from steward.clock import ManualClock, use_clock
from steward.policy import load_plan
from steward.policy.documents import render_documents
from steward.policy.safeguards import PLANNED, PLANNED_AFTER
from steward.vault.runtime import Vault
from tests.vault.conftest import CITY
from tests.vault.test_api_support import bearer, signed_in, staff_user, token_for
from tests.vault.test_plan_acknowledgement import changed_plan, under
from tests.vault.test_staff_support import acknowledge_plan, body

EARLIER = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 2, 14, 5, tzinfo=UTC)
LIST_URL = "/staff/acknowledgements/"


def _team(city_vault: Vault, tmp_path: Path) -> Vault:
    """Five accounts under a changed plan text: one confirmed it, one confirmed only the
    earlier text, one never confirmed, one disabled; and the privacy officer (confirmed)."""
    with use_clock(ManualClock(EARLIER)):
        staff_user("ana.lima", "caseworker")  # the earlier text only
        staff_user("kim.park", "supervisor")  # the earlier text, then the new one
        gone = staff_user("lee.old", "caseworker")  # disabled since
    gone.is_active = False
    gone.save()
    staff_user("sam.new", "caseworker", acknowledged=False)  # never
    changed = under(city_vault, changed_plan(tmp_path))
    with use_clock(ManualClock(LATER)):
        acknowledge_plan(User.objects.get(username="kim.park"), "supervisor", changed)
        staff_user("dana.ortiz", "privacy_officer", team="")
    return changed


def test_the_privacy_officer_sees_who_acknowledged_which_version(
    city_vault: Vault, tmp_path: Path
) -> None:
    changed = _team(city_vault, tmp_path)
    client = signed_in(User.objects.get(username="dana.ortiz"))
    nav = body(client.get("/staff/?dataset=service_request"))
    assert f'href="{LIST_URL}"' in nav
    response = client.get(LIST_URL)
    text = body(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert changed.loaded.digest in text
    rows = {
        name: text[text.index(f'<th scope="row">{name}</th>') :].split("</tr>")[0]
        for name in ("ana.lima", "kim.park", "lee.old", "sam.new", "dana.ortiz")
    }
    assert "plan changed" in rows["ana.lima"]
    assert city_vault.loaded.digest[:12] in rows["ana.lima"]
    assert "2026-10-01 08:00" in rows["ana.lima"]
    assert "acknowledged 2026-11-02 14:05" in rows["kim.park"]
    assert "never acknowledged" in rows["sam.new"]
    assert "(cannot sign in)" in rows["lee.old"]
    assert "acknowledged 2026-11-02 14:05" in rows["dana.ortiz"]
    assert "2 of the accounts that can sign in must still acknowledge" in text
    entries = [(e.action, e.outcome) for e in changed.audit.entries()]
    assert entries[-1] == ("plan.acknowledgements_read", Outcome.ALLOWED)


def test_the_list_is_only_for_roles_that_read_the_audit(city_vault: Vault) -> None:
    client = signed_in(staff_user("ana.lima", "supervisor"))
    assert f'href="{LIST_URL}"' not in body(client.get("/staff/?dataset=service_request"))
    response = client.get(LIST_URL)
    assert response.status_code == 403
    assert "may not see who acknowledged the plan" in body(response)
    last = list(city_vault.audit.entries())[-1]
    assert (last.action, last.outcome) == ("plan.acknowledgements_read", Outcome.DENIED)


def test_the_api_lists_them_for_the_privacy_officer(city_vault: Vault, tmp_path: Path) -> None:
    changed = _team(city_vault, tmp_path)
    officer = token_for(changed, "privacy_officer", team="")
    response = Client().get("/api/acknowledgements", headers=bearer(officer))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["plan"] == {
        "version": changed.plan.version,
        "digest": changed.loaded.digest,
        "required": True,
    }
    assert data["outstanding"] == 2
    by_name = {a["username"]: a for a in data["accounts"]}
    assert by_name["ana.lima"]["standing"] == "plan changed"
    assert by_name["ana.lima"]["current"] is None
    assert by_name["ana.lima"]["latest"]["digest"] == city_vault.loaded.digest
    assert by_name["kim.park"]["standing"] == "acknowledged"
    assert by_name["kim.park"]["current"]["at"].startswith("2026-11-02T14:05")
    assert by_name["kim.park"]["current"]["role"] == "supervisor"
    assert by_name["sam.new"]["standing"] == "never acknowledged"
    assert by_name["lee.old"]["can_sign_in"] is False
    # a staff session of the privacy officer gets the same list
    session = signed_in(User.objects.get(username="dana.ortiz"))
    assert session.get("/api/acknowledgements").json() == data


@pytest.mark.parametrize(
    ("role", "verified", "reason"),
    [
        ("supervisor", True, "may not see who acknowledged the plan"),
        ("caseworker", True, "may not see who acknowledged the plan"),
        ("privacy_officer", False, "second factor"),
    ],
)
def test_the_api_refuses_others(city_vault: Vault, role: str, verified: bool, reason: str) -> None:
    client = signed_in(staff_user("pat.doe", role, team="north"), verified=verified)
    response = client.get("/api/acknowledgements")
    assert response.status_code == 403
    assert reason in response.json()["detail"]
    last = list(city_vault.audit.entries())[-1]
    assert (last.action, last.outcome) == ("plan.acknowledgements_read", Outcome.DENIED)
    token = token_for(city_vault, "supervisor")
    assert Client().get("/api/acknowledgements", headers=bearer(token)).status_code == 403


def test_a_plan_that_asks_for_none_says_so_in_the_list(city_vault: Vault, tmp_path: Path) -> None:
    under(
        city_vault,
        changed_plan(
            tmp_path, replace=("team_acknowledgement: true", "team_acknowledgement: false")
        ),
    )
    staff_user("sam.new", "caseworker", acknowledged=False)
    officer = staff_user("dana.ortiz", "privacy_officer", team="", acknowledged=False)
    text = body(signed_in(officer).get(LIST_URL))
    assert "does not ask its team to acknowledge it" in text
    assert text.count("not asked") == 2


def test_the_management_plan_states_what_the_vault_does(tmp_path: Path) -> None:
    """The sentence the management plan writes about acknowledging is stated as in place
    (the tests above and the browser test keep it), and only where the plan asks for it."""
    sentence = "shows them no record until they confirm it"
    document = render_documents(load_plan(CITY))["management-plan.md"]
    section = document[document.index("## Team acknowledgement") :]
    assert sentence in section
    assert "records who acknowledged which version" in section
    assert PLANNED not in section.split("\n## ")[0]
    assert PLANNED_AFTER not in section.split("\n## ")[0]
    text = CITY.read_text(encoding="utf-8").replace(
        "team_acknowledgement: true", "team_acknowledgement: false"
    )
    path = tmp_path / "no-acknowledgement.yaml"
    path.write_text(text, encoding="utf-8")
    without = render_documents(load_plan(path))["management-plan.md"]
    assert "## Team acknowledgement" not in without
    assert sentence not in without
    assert "| Team acknowledgement | not required |" in without
