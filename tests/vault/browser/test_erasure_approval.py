"""End to end in a real browser: one privacy officer asks for a person's erasure from
their case, a second approves it on the erasure page, and the case then shows the
person as erased, with none of their values left."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.audit import verify_log
from steward.vault.models import ErasureRequest, FieldValue, Subject
from steward.vault.runtime import Vault
from steward.vault.services.accounts import create_account
from tests.vault.browser.conftest import acknowledge_plan, first_sign_in
from tests.vault.test_staff_support import DISTINCT, add_case

pytestmark = pytest.mark.browser


def _sign_in(page: Page, server: LiveServer, vault: Vault, username: str) -> None:
    account = create_account(vault, username, "privacy_officer")
    first_sign_in(page, server.url, User.objects.get(username=username), account.password)
    acknowledge_plan(page)


def test_one_officer_asks_another_approves_and_the_case_shows_erased(
    page: Page, live_server: LiveServer, live_city_vault: Vault
) -> None:
    case = add_case(live_city_vault, team="north")

    # The first officer asks, from the case page, with a reason.
    _sign_in(page, live_server, live_city_vault, "ana.lima")
    page.goto(f"{live_server.url}/staff/records/{case.pk}/")
    page.get_by_role("link", name="Erase this person").click()
    page.get_by_label("Reason").fill("Written request received at the front desk")
    page.get_by_role("button", name="Ask for the erasure").click()
    expect(page.get_by_text("another person must approve it")).to_be_visible()
    expect(page.get_by_role("cell", name="requested")).to_be_visible()
    expect(page.get_by_role("button", name="Approve and erase")).to_have_count(0)
    assert Subject.objects.get(pk=case.subject_id).erased is None

    # A second officer approves it on the erasure page.
    _sign_in(page, live_server, live_city_vault, "ben.okafor")
    page.get_by_role("link", name="Erasure").click()
    page.get_by_role("button", name="Approve and erase").click()
    expect(page.get_by_text("approved and carried out")).to_be_visible()
    expect(page.get_by_role("cell", name="done")).to_be_visible()

    # The case stays, and shows its person erased: nothing of theirs is left.
    page.get_by_role("link", name=str(case.pk)[:8]).click()
    expect(page.get_by_role("status")).to_contain_text("Erased")
    expect(page.get_by_role("row", name=re.compile("^Your name Erased"))).to_be_visible()
    expect(page.get_by_role("link", name="Erase this person")).to_have_count(0)
    content = page.content()
    for secret in ("Zephyrine", "Quockenbush", DISTINCT["email"], "Wobblewick"):
        assert secret not in content
    (done,) = ErasureRequest.objects.all()
    assert done.decided_by is not None
    assert (done.state, done.requested_by.username, done.decided_by.username) == (
        "done",
        "ana.lima",
        "ben.okafor",
    )
    assert not FieldValue.objects.filter(record=case).exists()
    assert verify_log(live_city_vault.audit.store).ok
