"""End to end in a real browser: a new caseworker signs in with a one-time password, chooses
a password, enrolls a second factor, reads and acknowledges the plan, and only then sees the
case list; when the plan text changes, they are asked again before any record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.audit import Outcome, verify_log
from steward.vault.models import PlanAcknowledgement
from steward.vault.runtime import Vault
from steward.vault.services.accounts import create_account
from tests.vault.browser.conftest import acknowledge_plan, first_sign_in
from tests.vault.test_plan_acknowledgement import changed_plan, under
from tests.vault.test_staff_support import DISTINCT, add_case

pytestmark = pytest.mark.browser


def test_a_new_caseworker_acknowledges_the_plan_before_the_case_list(
    page: Page, live_server: LiveServer, live_city_vault: Vault, tmp_path: Path
) -> None:
    account = create_account(live_city_vault, "sam.rivera", "caseworker", team="north")
    user = User.objects.get(username="sam.rivera")
    add_case(live_city_vault, team="north", assigned_to=user)

    # Sign in with the one-time password, choose a new one, enroll the second factor.
    first_sign_in(page, live_server.url, user, account.password)

    # The plan comes next: the role, the duties, the whole document, and a box to tick.
    expect(page).to_have_url(re.compile(r"/staff/acknowledge/\?next="))
    expect(page.get_by_role("heading", name="Your role: Caseworker")).to_be_visible()
    expect(page.get_by_role("heading", name="Your duties")).to_be_visible()
    page.get_by_text("The whole plan").click()
    title = f"Data management plan: {live_city_vault.plan.organization.name}"
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.screenshot(path=str(tmp_path / "acknowledge.png"), full_page=True)
    page.get_by_role("button", name="Acknowledge the plan").click()  # without the box
    expect(page.get_by_role("alert")).to_contain_text("Tick the box")
    assert not PlanAcknowledgement.objects.exists()
    page.goto(live_server.url + "/staff/?dataset=service_request")  # no way round it
    expect(page).to_have_url(re.compile(r"/staff/acknowledge/"))
    acknowledge_plan(page)

    # Then the case list, with the case, masked.
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    expect(page.get_by_text("you acknowledged version")).to_be_visible()
    assert DISTINCT["full_name"] not in page.content()
    assert page.locator("tbody tr").count() == 1
    page.screenshot(path=str(tmp_path / "cases.png"), full_page=True)

    # The plan file changes (a corrected comment): asked again before any record.
    changed = under(live_city_vault, changed_plan(tmp_path))
    page.goto(live_server.url + "/staff/?dataset=service_request")
    expect(page).to_have_url(re.compile(r"/staff/acknowledge/"))
    expect(page.get_by_text("The plan has changed since you acknowledged")).to_be_visible()
    acknowledge_plan(page)
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()

    rows = PlanAcknowledgement.objects.filter(user=user).order_by("acknowledged")
    assert [r.plan.digest for r in rows] == [live_city_vault.loaded.digest, changed.loaded.digest]
    acknowledged = [e for e in changed.audit.entries() if e.action == "plan.acknowledge"]
    assert [e.outcome for e in acknowledged] == [Outcome.ALLOWED, Outcome.ALLOWED]
    assert verify_log(changed.audit.store).ok
