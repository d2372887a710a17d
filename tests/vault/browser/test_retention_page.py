"""End to end in a real browser: the privacy officer signs in, follows the Retention link,
sees what falls due and that the sweep never ran; after a sweep the warning is gone and
the page says what it deleted, in counts."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from steward import clock
from steward.vault.models import Record
from steward.vault.runtime import Vault
from steward.vault.services import RETENTION_JOB_NAME, record_run, sweep_retention
from steward.vault.services.accounts import create_account
from tests.vault.browser.conftest import acknowledge_plan, first_sign_in
from tests.vault.test_staff_support import DISTINCT, add_case

pytestmark = pytest.mark.browser


def test_the_privacy_officer_sees_retention_and_a_sweep_that_did_not_run(
    page: Page, live_server: LiveServer, live_city_vault: Vault, tmp_path: Path
) -> None:
    account = create_account(live_city_vault, "dana.ortiz", "privacy_officer")
    user = User.objects.get(username="dana.ortiz")
    soon = add_case(live_city_vault, team="north")
    gone = add_case(live_city_vault, team="north")
    Record.objects.filter(pk=soon.pk).update(
        status="closed", closed=clock.now() - timedelta(days=170)
    )
    Record.objects.filter(pk=gone.pk).update(
        status="closed", created=clock.now() - timedelta(days=6 * 366),
        closed=clock.now() - timedelta(days=5 * 366),
    )  # fmt: skip

    first_sign_in(page, live_server.url, user, account.password)
    acknowledge_plan(page)
    page.get_by_role("link", name="Retention").click()
    expect(page).to_have_url(re.compile(r"/staff/retention/$"))
    expect(page.get_by_role("heading", name="Retention", exact=True)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("The sweep did not run as it should")
    row = page.get_by_role("row", name=re.compile("service_request"))
    expect(row).to_contain_text("2")
    page.screenshot(path=str(tmp_path / "retention-warning.png"), full_page=True)

    record_run(
        RETENTION_JOB_NAME, "test",
        lambda: sweep_retention(live_city_vault, now=clock.now()), lambda r: r.summary(),
    )  # fmt: skip
    page.reload()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("ran when due")
    expect(page.get_by_text(re.compile(r"purged 1 whole records"))).to_be_visible()
    assert DISTINCT["full_name"] not in page.content()
    page.screenshot(path=str(tmp_path / "retention-ok.png"), full_page=True)
