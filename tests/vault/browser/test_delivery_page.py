"""End to end in a real browser: a recipient opens a delivery link, sees what it is,
downloads the encrypted package with the button and opens it with the passphrase;
reloading the page never uses a download, and once used up the link says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.crypto import open_package
from steward.vault.models_egress import Delivery
from steward.vault.runtime import Vault
from steward.vault.services.deliveries import create_delivery
from tests.vault.delivery_support import PAYLOAD, WEEK, a_disclosure

pytestmark = pytest.mark.browser


def test_a_recipient_downloads_and_opens_a_delivery(
    page: Page, live_server: LiveServer, live_city_vault: Vault, tmp_path: Path
) -> None:
    made = create_delivery(
        live_city_vault,
        actor="staff/clerk.one",
        payload=PAYLOAD,
        filename="records.json",
        context="disclosure/7",
        expires_after=WEEK,
        disclosure=a_disclosure(),
        max_fetches=1,
    )
    assert made.passphrase is not None
    page.goto(live_server.url + made.path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("An encrypted delivery")
    expect(page.get_by_text("records.json.stwpkg").first).to_be_visible()
    page.reload()
    assert Delivery.objects.get().fetches == 0

    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download the encrypted package").click()
    download = downloading.value
    assert download.suggested_filename == "records.json.stwpkg"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert b"Ana Lima" not in saved.read_bytes()
    assert open_package(saved.read_bytes(), passphrase=made.passphrase).payload == PAYLOAD

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This delivery is no longer available"
    )
    expect(page.get_by_text("already fetched 1 times")).to_be_visible()
