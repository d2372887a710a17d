"""The case list in a real browser: it fits the screen at 1280 and 768 pixels wide (no
sideways scrolling), and search and filters work, with no search term in the address."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.vault.models import Record
from steward.vault.runtime import Vault
from steward.vault.services.accounts import create_account
from tests.vault.browser.conftest import acknowledge_plan, first_sign_in
from tests.vault.test_staff_support import DISTINCT, add_case

pytestmark = pytest.mark.browser

WIDTHS = (1280, 768)
ROWS = "table.cases tbody tr"
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
"""How many pixels the page is wider than the window (0: no horizontal scrolling)."""


def _no_overflow(page: Page, width: int, tmp_path: Path, name: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_function("w => document.documentElement.clientWidth <= w", arg=width)
    assert page.evaluate(OVERFLOW) <= 0, f"{name}: the page scrolls sideways at {width}px"
    right = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('table.cases, form.case-filters')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert right <= width, f"{name}: the table or the form is wider than {width}px"
    page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)


def test_the_case_list_fits_and_searches(
    page: Page, live_server: LiveServer, live_city_vault: Vault, tmp_path: Path
) -> None:
    long = {
        **DISTINCT,
        "details": "A very long description of the problem " * 8,
        "street_address": "1234 Extraordinarily Long Street Name Boulevard, Apartment 56",
    }
    made = []
    for n, team in enumerate(["north", "south", "north", "south", "north", "south"]):
        answers = {**long, "email": f"resident{n}@example.org"}
        made.append(add_case(live_city_vault, answers, team=team))
    Record.objects.filter(pk=made[2].pk).update(status=Record.Status.CLOSED)

    account = create_account(live_city_vault, "dana.ortiz", "privacy_officer")
    first_sign_in(page, live_server.url, User.objects.get(username="dana.ortiz"), account.password)
    acknowledge_plan(page)

    page.goto(live_server.url + "/staff/?dataset=service_request")
    expect(page.locator(ROWS)).to_have_count(6)
    for width in WIDTHS:
        _no_overflow(page, width, tmp_path, "list")

    # Search by email: the one case, and the term is nowhere in the address.
    page.get_by_label("Search by").select_option("email")
    page.get_by_label("Search for").fill("  RESIDENT3@example.org ")
    page.get_by_role("button", name="Search and filter").click()
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(f'a[href="/staff/records/{made[3].pk}/"]')).to_be_visible()
    assert "resident3" not in page.url.lower()
    for width in WIDTHS:
        _no_overflow(page, width, tmp_path, "search")

    # Filters: the closed cases, then the north team's open ones.
    page.get_by_label("Search for").fill("")
    page.get_by_label("Status").select_option("closed")
    page.get_by_role("button", name="Search and filter").click()
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(f'a[href="/staff/records/{made[2].pk}/"]')).to_be_visible()
    page.get_by_label("Status").select_option("open")
    page.get_by_label("Team", exact=True).select_option("north")
    page.get_by_role("button", name="Search and filter").click()
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator("#case-count")).to_contain_text("of 2")

    # A smaller page size pages the list.
    page.goto(live_server.url + "/staff/?dataset=service_request&size=10&sort=created")
    expect(page.locator(ROWS)).to_have_count(6)
    first = page.locator(f"{ROWS} th a").first
    expect(first).to_have_attribute("href", f"/staff/records/{made[0].pk}/")
    for width in WIDTHS:
        _no_overflow(page, width, tmp_path, "sorted")
