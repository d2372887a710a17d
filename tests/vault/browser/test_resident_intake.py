"""A resident fills in the city's service request form in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.vault.models import Record
from steward.vault.runtime import Vault

pytestmark = pytest.mark.browser


def _open_service_request(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("link", name="Service request", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Service request")).to_be_visible()


def _fill(page: Page, *, name: str = "Ana Lima") -> None:
    if name:
        page.get_by_label("Your name", exact=True).fill(name)
    page.get_by_label("Email address", exact=True).fill("ana.lima@example.org")
    page.get_by_label("Address of the problem", exact=True).fill("12 Elm Street")
    page.get_by_label("City district", exact=True).select_option("North")
    page.get_by_label("Type of request", exact=True).select_option("pothole")
    page.get_by_label("What is the problem?", exact=True).fill("Deep pothole outside number 12")


def _send(page: Page) -> None:
    page.get_by_role("button", name="Send the form").click()
    page.wait_for_load_state()
    refused = page.get_by_text("CSRF verification failed").count() > 0
    assert not refused, (
        "the browser's POST was refused by the CSRF check: with Referrer-Policy "
        "no-referrer (settings.SECURE_REFERRER_POLICY and base.html's meta tag) Chromium "
        "sends 'Origin: null' on form posts; same-origin keeps referrers from other sites"
    )


def test_a_resident_submits_the_form_and_gets_a_receipt(
    page: Page, live_server: LiveServer, live_city_vault: Vault, tmp_path: Path
) -> None:
    _open_service_request(page, live_server)
    expect(page.get_by_text("We never record:")).to_be_visible()
    opt_in = page.get_by_role("checkbox", name="Yes, email me occasional updates")
    expect(opt_in).not_to_be_checked()
    _fill(page)
    page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
    _send(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we received your form")
    code = page.locator("code.access-code")
    expect(code).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$"))
    expect(page.get_by_text("Agreement not given")).to_be_visible()
    assert "access" not in page.url.lower()
    assert page.url == live_server.url + "/intake/service_request/"
    page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)
    assert Record.objects.count() == 1


def test_a_missing_required_answer_is_shown_next_to_the_field(
    page: Page, live_server: LiveServer, live_city_vault: Vault, tmp_path: Path
) -> None:
    _open_service_request(page, live_server)
    _fill(page, name="")
    _send(page)

    expect(page.get_by_role("alert")).to_contain_text("Your name: this answer is required")
    name = page.get_by_label("Your name", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(
        "Why we ask: Handling the resident's request; Contacting the resident about their "
        "request Problem: This answer is required."
    )
    error = page.locator(".question", has=name).locator(".field-error")
    expect(error).to_have_text("Problem: This answer is required.")
    expect(page.get_by_label("Email address", exact=True)).to_have_value("ana.lima@example.org")
    page.screenshot(path=str(tmp_path / "errors.png"), full_page=True)
    assert Record.objects.count() == 0
