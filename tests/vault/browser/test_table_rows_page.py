"""End to end in a real browser: a pantry coordinator adds a household to the client
register, first with a required answer missing (shown, nothing stored), then correctly;
the row opens as a masked record of the coordinator's pantry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.vault.models import Record
from steward.vault.runtime import Vault
from steward.vault.services.accounts import create_account
from tests.vault.browser.conftest import acknowledge_plan, first_sign_in, live_vault
from tests.vault.conftest import EXAMPLES

pytestmark = pytest.mark.browser


@pytest.fixture
def live_pantry_vault(transactional_db: None, tmp_path: Path) -> Iterator[Vault]:
    yield from live_vault(EXAMPLES / "nonprofit-data-project.yaml", tmp_path / "keys")


def test_a_coordinator_adds_a_household_to_the_register(
    page: Page, live_server: LiveServer, live_pantry_vault: Vault, tmp_path: Path
) -> None:
    account = create_account(live_pantry_vault, "kim.ode", "pantry_coordinator", team="riverside")
    user = User.objects.get(username="kim.ode")
    first_sign_in(page, live_server.url, user, account.password)
    acknowledge_plan(page)

    page.goto(live_server.url + "/staff/tables/")
    page.get_by_role("link", name="Add a row").click()
    expect(page.get_by_role("heading", name="Add a row to Client register")).to_be_visible()
    page.get_by_label("Name of the registering adult").fill("Ignatius Pembleton")
    page.get_by_label("People in the household").fill("4")
    page.get_by_label("Pantry", exact=True).select_option("Riverside")
    page.get_by_role("button", name="Add the row").click()

    expect(page.get_by_role("alert")).to_contain_text("this answer is required")
    assert Record.objects.count() == 0
    page.screenshot(path=str(tmp_path / "add-row-error.png"), full_page=True)

    page.get_by_label("ZIP code").fill("10009")
    page.get_by_role("button", name="Add the row").click()
    expect(page.get_by_text("added to Client register")).to_be_visible()
    record = Record.objects.get()
    assert record.team == "riverside"
    assert page.url.endswith(f"/staff/records/{record.id}/")
    assert "Ignatius Pembleton" not in page.content()  # shown masked until revealed
    page.screenshot(path=str(tmp_path / "added.png"), full_page=True)
