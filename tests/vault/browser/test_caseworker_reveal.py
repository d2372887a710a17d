"""End to end in a real browser: a resident submits, a caseworker sees the case masked,
signs in with a second factor, reveals one field with a reason, and the reveal is in the
audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.audit import Outcome, verify_log
from steward.vault.models import Record
from steward.vault.runtime import Vault
from steward.vault.services.accounts import create_account
from tests.vault.browser.conftest import acknowledge_plan, first_sign_in
from tests.vault.browser.test_resident_intake import _fill, _open_service_request, _send

pytestmark = pytest.mark.browser


def test_a_caseworker_sees_the_case_masked_and_reveals_with_a_reason(
    page: Page, live_server: LiveServer, live_city_vault: Vault, tmp_path: Path
) -> None:
    # A resident sends the form.
    _open_service_request(page, live_server)
    _fill(page)
    _send(page)
    expect(page.locator("code.access-code")).to_be_visible()
    record = Record.objects.get()

    # The privacy officer creates a personal account; the case is assigned to it.
    account = create_account(live_city_vault, "sam.rivera", "caseworker", team="north")
    user = User.objects.get(username="sam.rivera")
    Record.objects.filter(pk=record.pk).update(assigned_to=user, team="north")

    # Sign in with the one-time password, choose a new one, enroll the second factor,
    # acknowledge the plan.
    first_sign_in(page, live_server.url, user, account.password)
    acknowledge_plan(page)

    # The case list shows the case, masked: no clear name, email or address anywhere.
    page.goto(live_server.url + "/staff/?dataset=service_request")
    body = page.content()
    for secret in ("Ana Lima", "ana.lima@example.org", "12 Elm Street", "Deep pothole"):
        assert secret not in body
    page.screenshot(path=str(tmp_path / "cases.png"), full_page=True)
    page.goto(f"{live_server.url}/staff/records/{record.pk}/")
    expect(page.get_by_text("A\u2022\u2022\u2022 L\u2022\u2022\u2022")).to_be_visible()
    assert "Ana Lima" not in page.content()

    # Reveal the name, stating why.
    page.goto(f"{live_server.url}/staff/records/{record.pk}/reveal/full_name/")
    page.get_by_label("Purpose").select_option("follow_up")
    page.get_by_label("Reason").fill("Calling back about the pothole repair date")
    page.get_by_role("button", name="Reveal").click()
    expect(page.get_by_text("Ana Lima")).to_be_visible()
    page.screenshot(path=str(tmp_path / "revealed.png"), full_page=True)

    # The reveal, with its purpose and reason, is in the verified audit log.
    reveals = [e for e in live_city_vault.audit.entries() if e.action == "field.reveal"]
    assert [(e.fields, e.outcome) for e in reveals] == [(("full_name",), Outcome.ALLOWED)]
    assert reveals[0].purpose == "follow_up: Calling back about the pothole repair date"
    assert verify_log(live_city_vault.audit.store).ok
