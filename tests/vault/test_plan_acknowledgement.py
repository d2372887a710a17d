"""Acknowledging the plan: the gate (role x acknowledged x plan changed x page/API), the
page that comes after the password and second factor, re-acknowledgement after a change of
the plan text, service tokens, and a plan that asks for none."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError
from django.test import Client

from steward.audit import Outcome
from steward.clock import ManualClock, use_clock
from steward.policy import load_plan
from steward.vault.models import AuditEntryRow, PlanAcknowledgement
from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import CITY
from tests.vault.test_api_support import bearer, signed_in, staff_user, token_for
from tests.vault.test_staff_support import (
    acknowledge_plan,
    body,
    login,
    make_staff,
    pass_mfa,
)

STAFF_ROLES = ["caseworker", "supervisor", "privacy_officer", "analyst"]
ACK_URL = "/staff/acknowledge/"
MOMENT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def changed_plan(folder: Path, *, replace: tuple[str, str] | None = None) -> Path:
    """The city plan with a new digest: one comment added (a change that alters no duty),
    and ``replace`` applied to its text."""
    text = CITY.read_text(encoding="utf-8")
    if replace is not None:
        assert replace[0] in text
        text = text.replace(*replace)
    path = folder / f"plan-{abs(hash(text))}.yaml"
    path.write_text(text + "\n# A typo was fixed; nobody must do anything new.\n", "utf-8")
    return path


def under(vault: Vault, plan: Path) -> Vault:
    """``vault`` (same keys and audit log) running under the plan file ``plan``."""
    moved = dataclasses.replace(vault, loaded=load_plan(plan), _plan_version_id=None)
    use_vault(moved)
    return moved


def _actions(vault: Vault) -> list[tuple[str, Outcome, str]]:
    return [(e.action, e.outcome, e.purpose) for e in vault.audit.entries()]


def post_acknowledgement(client: Client, **data: str):
    """POST the acknowledgement form as the page sends it (with its CSRF token)."""
    client.get(ACK_URL)
    csrf = client.cookies["csrftoken"].value
    return client.post(ACK_URL, data, headers={"X-CSRFToken": csrf})


def _gated(response) -> bool:
    """Whether a page response sent the person to acknowledge the plan."""
    return response.status_code == 302 and str(response["Location"]).startswith(ACK_URL)


# -- the gate, as a table -------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize("changed", [False, True], ids=["same plan", "plan changed"])
@pytest.mark.parametrize("acknowledged", [False, True], ids=["not acknowledged", "acknowledged"])
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_gate(
    city_vault: Vault,
    tmp_path: Path,
    role: str,
    acknowledged: bool,
    changed: bool,
    channel: str,
) -> None:
    """Every staff role reaches pages and the API only after acknowledging the text in force."""
    user = staff_user(f"pat.{role}", role, acknowledged=False)
    if acknowledged:
        acknowledge_plan(user, role, city_vault)
    vault = under(city_vault, changed_plan(tmp_path)) if changed else city_vault
    client = signed_in(user)
    allowed = acknowledged and not changed
    if channel == "page":
        response = client.get("/staff/?dataset=service_request")
        if allowed:
            assert response.status_code == 200
        else:
            assert _gated(response)
            assert response["Location"] == f"{ACK_URL}?next=%2Fstaff%2F%3Fdataset%3Dservice_request"
    else:
        response = client.get("/api/datasets")
        if allowed:
            assert response.status_code == 200
        else:
            assert response.status_code == 403
            detail = response.json()["detail"]
            expected = "has changed since you acknowledged" if acknowledged else "first access"
            assert expected in detail
            assert "/staff/" in detail
    assert PlanAcknowledgement.objects.filter(plan__digest=vault.loaded.digest).count() == (
        1 if allowed else 0
    )


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_service_token_is_never_asked(city_vault: Vault, role: str) -> None:
    """Tokens are not people: no acknowledgement stands between them and the API."""
    token = token_for(city_vault, role, team="north")
    assert PlanAcknowledgement.objects.count() == 0
    assert Client().get("/api/datasets", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_plan_without_team_acknowledgement_needs_none(
    city_vault: Vault, tmp_path: Path, role: str
) -> None:
    vault = under(
        city_vault,
        changed_plan(
            tmp_path, replace=("team_acknowledgement: true", "team_acknowledgement: false")
        ),
    )
    assert not vault.plan.governance.team_acknowledgement
    client = signed_in(staff_user(f"pat.{role}", role, acknowledged=False))
    assert client.get("/staff/?dataset=service_request").status_code == 200
    assert client.get("/api/datasets").status_code == 200
    page = client.get(ACK_URL)
    assert page.status_code == 200
    assert "does not ask its team to acknowledge it" in body(page)
    assert 'name="confirm"' not in body(page)
    done = post_acknowledgement(client, confirm="on", digest=vault.loaded.digest)
    assert done.status_code == 302
    assert PlanAcknowledgement.objects.count() == 0


# -- the page: after the password and second factor, before any record -----------------------


def test_the_page_comes_after_the_password_and_second_factor_and_before_the_case_list(
    city_vault: Vault,
) -> None:
    user, one_time = make_staff(city_vault, "ana.lima", "caseworker", team="north", ready=False)
    client = Client()
    assert login(client, "ana.lima", one_time)["Location"] == "/staff/password/"
    assert client.get(ACK_URL)["Location"] == "/staff/password/"  # the password comes first
    new = "a long and private passphrase 7"
    changed = client.post(
        "/staff/password/",
        {"old_password": one_time, "new_password1": new, "new_password2": new},
    )
    assert changed["Location"] == "/staff/mfa/"
    assert client.get(ACK_URL)["Location"].startswith("/staff/mfa/")  # then the second factor
    assert client.get("/staff/")["Location"].startswith("/staff/mfa/")
    passed = pass_mfa(client, user)
    assert passed.status_code == 302
    assert _gated(client.get(passed["Location"]))  # then the plan, before any record
    for url in ("/staff/", "/staff/queue/", "/staff/audit/", "/staff/jobs/"):
        assert _gated(client.get(url)), url


def test_the_page_shows_the_role_the_duties_and_the_whole_management_plan(
    city_vault: Vault,
) -> None:
    client = signed_in(staff_user("ana.lima", "caseworker", acknowledged=False))
    response = client.get(f"{ACK_URL}?next=/staff/queue/")
    text = body(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Your role: Caseworker" in text
    assert '<th scope="row">' in text  # what the role may do with each field
    assert "Report any incident" in text
    assert "write the real reason" in text  # a caseworker may reveal
    plan = city_vault.plan
    assert '<h2 id="data-management-plan-' in text  # the document, its headings moved down
    assert f"Data management plan: {plan.organization.name}" in text
    assert city_vault.loaded.digest in text  # the document names the plan text it shows
    assert text.count("<h1") == 1  # the page's own; the document's headings moved down
    assert f'value="{city_vault.loaded.digest}"' in text
    assert 'name="next" value="/staff/queue/"' in text
    assert "<script" not in text
    assert 'href="/staff/queue/"' not in text  # no links that would send them back here


def test_acknowledging_is_recorded_with_the_time_and_audited_once(city_vault: Vault) -> None:
    user = staff_user("ana.lima", "caseworker", acknowledged=False)
    client = signed_in(user)
    digest = city_vault.loaded.digest

    def post(data: dict[str, str]):
        return post_acknowledgement(client, next="/staff/queue/", **data)

    unticked = post({"digest": digest})
    assert unticked.status_code == 400
    assert "Tick the box" in body(unticked)
    for shown in ("0" * 64, "", "not a digest"):  # another plan text than the one in force
        stale = post({"confirm": "on", "digest": shown})
        assert stale.status_code == 409
        assert "changed while you were reading" in body(stale)
        assert f'value="{digest}"' in body(stale)
    assert PlanAcknowledgement.objects.count() == 0
    assert _gated(client.get("/staff/"))

    with use_clock(ManualClock(MOMENT)):
        done = post({"confirm": "on", "digest": digest})
    assert done.status_code == 302
    assert done["Location"] == "/staff/queue/"
    row = PlanAcknowledgement.objects.get()
    assert (row.user_id, row.role, row.acknowledged) == (user.pk, "caseworker", MOMENT)
    assert (row.plan.digest, row.plan.version) == (digest, city_vault.plan.version)
    queue = client.get("/staff/queue/?dataset=service_request")
    assert queue.status_code == 200
    assert f"you acknowledged version {city_vault.plan.version}" in body(queue)

    again = post({"confirm": "on", "digest": digest})
    assert again.status_code == 302
    assert PlanAcknowledgement.objects.count() == 1
    entries = [a for a in _actions(city_vault) if a[0] == "plan.acknowledge"]
    assert entries == [("plan.acknowledge", Outcome.ALLOWED, f"version {city_vault.plan.version}")]
    page = body(client.get(ACK_URL))
    assert "You acknowledged version" in page
    assert 'name="confirm"' not in page


def test_an_acknowledgement_that_cannot_be_audited_is_not_recorded(city_vault: Vault) -> None:
    client = signed_in(staff_user("ana.lima", "caseworker", acknowledged=False))
    with mock.patch.object(AuditEntryRow.objects, "create", side_effect=DatabaseError("full")):
        response = post_acknowledgement(client, confirm="on", digest=city_vault.loaded.digest)
    assert response.status_code == 503
    assert "could not be audited" in body(response)
    assert PlanAcknowledgement.objects.count() == 0
    assert _gated(client.get("/staff/"))


def test_a_changed_plan_is_acknowledged_again_before_any_record(
    city_vault: Vault, tmp_path: Path
) -> None:
    """A new digest (here only a comment changed) asks everyone again; a text put back
    that they confirmed before does not."""
    user = staff_user("ana.lima", "supervisor")
    first = PlanAcknowledgement.objects.get(user=user)
    client = signed_in(user)
    assert client.get("/staff/?dataset=service_request").status_code == 200

    changed = under(city_vault, changed_plan(tmp_path))
    assert changed.plan.version == city_vault.plan.version  # nobody bumped the version
    assert _gated(client.get("/staff/?dataset=service_request"))
    refused = client.get("/api/datasets")
    assert refused.status_code == 403
    assert "has changed since you acknowledged it" in refused.json()["detail"]
    page = body(client.get(ACK_URL))
    assert f"changed since you acknowledged version {city_vault.plan.version}" in page
    assert first.acknowledged.strftime("%Y-%m-%d") in page
    assert changed.loaded.digest in page

    done = post_acknowledgement(client, confirm="on", digest=changed.loaded.digest)
    assert done.status_code == 302
    assert client.get("/staff/?dataset=service_request").status_code == 200
    assert client.get("/api/datasets").status_code == 200
    digests = set(PlanAcknowledgement.objects.values_list("plan__digest", flat=True))
    assert digests == {city_vault.loaded.digest, changed.loaded.digest}

    use_vault(city_vault)  # the earlier text is put back: they confirmed it already
    assert client.get("/staff/?dataset=service_request").status_code == 200


def test_a_staff_session_refused_by_the_api_is_told_what_to_do(city_vault: Vault) -> None:
    user = staff_user("ana.lima", "privacy_officer", team="", acknowledged=False)
    client = signed_in(user)
    for url in ("/api/datasets", "/api/audit/verify", "/api/acknowledgements"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response["Cache-Control"] == "no-store"
        assert re.search(r"acknowledge the data management plan", response.json()["detail"])
    acknowledge_plan(user, "privacy_officer")
    assert client.get("/api/datasets").status_code == 200


def test_a_page_user_who_is_not_signed_in_is_sent_to_sign_in(city_vault: Vault) -> None:
    response = Client().get(ACK_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    assert not User.objects.exists()
