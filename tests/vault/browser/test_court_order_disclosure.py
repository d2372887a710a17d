"""End to end in a real browser: a privacy officer opens a court-order disclosure with
the order attached, may not approve it herself, a second officer approves it (the person
is told), delivers it once the time to object has passed, and the recipient downloads an
encrypted package only the passphrase opens."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.audit import verify_log
from steward.clock import ManualClock
from steward.crypto import open_package
from steward.vault.models_egress import Delivery, DisclosureNotice, DisclosureRequest
from steward.vault.runtime import Vault
from steward.vault.services.accounts import create_account
from tests.vault.browser.conftest import acknowledge_plan, first_sign_in
from tests.vault.disclosure_support import OBJECTION_TIME, clock
from tests.vault.test_staff_support import DISTINCT, add_case

pytestmark = pytest.mark.browser
__all__ = ["clock"]
ORDER = b"%PDF-1.7 Order of the Riverton Superior Court, case CV-2026-118"


def _sign_in(page: Page, server: LiveServer, vault: Vault, username: str) -> None:
    account = create_account(vault, username, "privacy_officer")
    first_sign_in(page, server.url, User.objects.get(username=username), account.password)
    acknowledge_plan(page)


def test_a_court_order_is_asked_approved_by_another_and_delivered_encrypted(
    page: Page, live_server: LiveServer, live_city_vault: Vault, clock: ManualClock
) -> None:
    case = add_case(live_city_vault, team="north")

    # The first officer opens the request, with the order attached.
    _sign_in(page, live_server, live_city_vault, "ana.lima")
    page.goto(f"{live_server.url}/staff/disclosures/new/")
    page.get_by_label("Ground").select_option("court_order")
    page.locator("#party").fill("Riverton Superior Court")
    page.get_by_label("Kind of party").select_option("court")
    page.get_by_label("Legal reference").fill("CV-2026-118")
    page.get_by_label("The document").set_input_files(
        {"name": "order.pdf", "mimeType": "application/pdf", "buffer": ORDER}
    )
    page.locator("#records").fill(str(case.pk))
    page.get_by_label("Your name").check()
    page.get_by_label("Address of the problem").check()
    page.get_by_role("button", name="Open the request").click()
    expect(page.get_by_text("another person of an approving role decides it")).to_be_visible()
    expect(page.get_by_role("heading", name="requested")).to_be_visible()

    # She may not approve it: no button, and a forged approval is refused.
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_text("nobody approves their own")).to_be_visible()
    made = DisclosureRequest.objects.get()
    forged = page.request.post(
        f"{live_server.url}/staff/disclosures/{made.id}/decide/",
        form={"decision": "approve", "reason": "mine"},
        headers={"X-CSRFToken": _csrf(page)},
    )
    assert forged.status == 403
    assert "nobody approves their own request" in forged.text()

    # The second officer reads the order, approves, and delivers.
    _sign_in(page, live_server, live_city_vault, "ben.okafor")
    page.goto(f"{live_server.url}/staff/disclosures/")
    page.get_by_role("link", name=str(made.id)[:8]).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="order.pdf").click()
    assert download.value.path().read_bytes() == ORDER
    page.locator("#reason").fill("The order is signed and names these fields")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("heading", name="approved")).to_be_visible()
    assert DisclosureNotice.objects.get(disclosure=made).sent is not None  # the person is told

    # After the time the person has to object, the second officer delivers.
    clock.advance(OBJECTION_TIME)
    page.reload()
    page.get_by_role("button", name="Deliver, encrypted").click()
    link = page.locator("#delivery-link").inner_text()
    passphrase = page.locator("#delivery-passphrase").inner_text()
    assert link.startswith(live_server.url + "/deliveries/")

    # The recipient downloads the package; only the passphrase opens it.
    page.context.clear_cookies()
    page.goto(link)
    with page.expect_download() as fetched:
        page.get_by_role("button", name="Download the encrypted package").click()
    package = fetched.value.path().read_bytes()
    assert DISTINCT["full_name"].encode() not in package
    rows = json.loads(open_package(package, passphrase=passphrase).payload)["rows"]
    assert rows == [
        {
            "id": str(case.pk),
            "full_name": DISTINCT["full_name"],
            "street_address": DISTINCT["street_address"],
        }
    ]
    made.refresh_from_db()
    assert made.decided_by is not None
    assert (made.state, made.requested_by.username, made.decided_by.username) == (
        "delivered",
        "ana.lima",
        "ben.okafor",
    )
    assert Delivery.objects.get().fetches == 1
    assert verify_log(live_city_vault.audit.store).ok


def _csrf(page: Page) -> str:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies.get("csrftoken", "")
