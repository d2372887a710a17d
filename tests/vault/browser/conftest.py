"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

No browser is downloaded: the tests use ``/usr/bin/chromium`` and are skipped, with the
reason, only when it is missing. The live server runs in a thread of this process,
so the vault installed with :func:`use_vault` is the one it serves; it needs a
transactional database, which the vault fixtures here request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect, sync_playwright

from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import CITY, HELP_DESK, make_vault
from tests.vault.test_staff_support import code_for

NEW_PASSWORD = "a long and private passphrase 7"


@pytest.fixture
def allow_sync_database_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playwright's sync API runs an event loop in this thread; Django would then refuse
    the test's own (synchronous) database calls as "async-unsafe". Only for these tests:
    the variable must never leak into others (``check --deploy`` rightly refuses it), so
    it is set before each browser starts and removed after it has stopped."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(allow_sync_database_calls: None) -> Iterator[Browser]:
    """Debian's headless chromium, started for one test and stopped after it."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own browser context (no cookies shared between tests)."""
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


def live_vault(plan: Path, keys: Path) -> Iterator[Vault]:
    """A vault for ``plan``, installed for the live server in this process, then removed."""
    vault, _ = make_vault(plan, keys)
    use_vault(vault)
    yield vault
    use_vault(None)


@pytest.fixture
def live_city_vault(transactional_db: None, tmp_path: Path) -> Iterator[Vault]:
    """The city example's vault, installed for the live server in this process."""
    yield from live_vault(CITY, tmp_path / "keys")


@pytest.fixture
def live_help_desk_vault(transactional_db: None, tmp_path: Path) -> Iterator[Vault]:
    """The help desk example's vault (sealed forms), for the live server in this process."""
    yield from live_vault(HELP_DESK, tmp_path / "keys")


def first_sign_in(page: Page, server_url: str, user: User, one_time: str) -> None:
    """Sign ``user`` in for the first time: the one-time password, a new password
    (:data:`NEW_PASSWORD`) and the second factor's enrollment. The plan's acknowledgement
    comes next (:func:`acknowledge_plan`)."""
    page.context.clear_cookies()
    page.goto(server_url + "/staff/login/")
    page.get_by_label("User name").fill(user.get_username())
    page.get_by_label("Password").fill(one_time)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Old password").fill(one_time)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_label("Six-digit code")).to_be_visible()
    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Six-digit code").fill(code_for(device))
    page.get_by_role("button", name="Confirm the app").click()


def acknowledge_plan(page: Page) -> None:
    """Tick the box on the acknowledgement page and confirm."""
    page.get_by_label(re.compile("I have read the data management plan")).check()
    page.get_by_role("button", name="Acknowledge the plan").click()
