"""A whole browser session against a real ``steward serve``, then its files read back.

Debian's chromium, driven by Playwright, visits the intake form from a campaign link,
submits it, signs in as the privacy officer (one-time password, new password, second
factor), opens the case and reveals a field with a reason. The plan keeps every field a
minimized web log may keep (date, country, path, status). Afterwards the web log and the
server's standard error are read: each line has exactly those four fields, and neither
holds the visitor's address, browser, referrer, the time of day, the record's id or any
value typed in.
"""

from __future__ import annotations

import base64
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Browser, Page, expect

from tests.server.served import ServedVault, plan_keeping, served_vault
from tests.vault.browser.conftest import acknowledge_plan
from tests.vault.browser.test_resident_intake import _fill, _send

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VISITOR = "81.2.69.160"  # what the proxy saw: an address in London
AGENT = "StewardProbe/7.3 (web log test)"
REFERRER = "https://campaign.example/newsletter?utm_source=mail&id=42"
SUBMITTED = ("Ana Lima", "ana.lima@example.org", "12 Elm Street", "Deep pothole outside number 12")
REASON = "Calling back about the pothole repair date"
NEW_PASSWORD = "a long and private passphrase 7"
FIELDS = ["date", "country", "path", "status"]


def _current_code(secret: str) -> str:
    """The six digits an authenticator app shows for the grouped base32 ``secret``."""
    raw = secret.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _session(page: Page, vault: ServedVault) -> tuple[str, UUID, str]:
    """The visit; returns the access code shown, the record opened and the TOTP secret."""
    page.goto(vault.base + "/", referer=REFERRER)
    page.get_by_role("link", name="Service request", exact=True).click()
    _fill(page)
    _send(page)
    code = page.locator("code.access-code").inner_text()

    page.goto(vault.base + "/staff/login/")
    page.get_by_label("User name").fill("dana.ortiz")
    page.get_by_label("Password").fill(vault.passwords["dana.ortiz"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Old password").fill(vault.passwords["dana.ortiz"])
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button").filter(has_text=re.compile("password", re.I)).first.click()
    secret = page.locator("code.totp-secret").inner_text()
    page.get_by_label("Six-digit code").fill(_current_code(secret))
    page.get_by_role("button", name=re.compile("Confirm the app|Continue")).click()
    acknowledge_plan(page)  # the plan asks every staff member to acknowledge it first

    page.goto(vault.base + "/staff/?dataset=service_request")
    page.locator('a[href^="/staff/records/"]').first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    record = UUID(page.url.rstrip("/").rsplit("/", 1)[-1])
    page.goto(f"{vault.base}/staff/records/{record}/reveal/full_name/")
    page.get_by_label("Purpose").select_option("follow_up")
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Reveal").click()
    expect(page.get_by_text("Ana Lima")).to_be_visible()
    return code, record, secret


def test_after_a_browser_session_the_logs_hold_only_the_plans_fields(
    browser: Browser, tmp_path: Path
) -> None:
    plan = plan_keeping(tmp_path, "date, country, path, status")
    start = datetime.now(UTC)
    with served_vault(tmp_path / "vault", plan, {"dana.ortiz": "privacy_officer"}) as vault:
        context = browser.new_context(
            user_agent=AGENT, extra_http_headers={"X-Forwarded-For": VISITOR}
        )
        context.set_default_timeout(15_000)
        code, record, secret = _session(context.new_page(), vault)
        context.close()
    end = datetime.now(UTC)

    lines = vault.web_log_lines()
    assert len(lines) >= 10
    assert all(list(line) == FIELDS for line in lines), lines
    days = {(start + timedelta(days=n)).date().isoformat() for n in range((end - start).days + 1)}
    assert {line["date"] for line in lines} <= days
    assert {line["country"] for line in lines} == {"GB"}
    paths = {line["path"] for line in lines}
    assert {
        "/",
        "/intake/<dataset>/",
        "/staff/login/",
        "/staff/password/",
        "/staff/mfa/",
        "/staff/acknowledge/",
        "/staff/",
        "/staff/records/<record_id>/",
        "/staff/records/<record_id>/reveal/<field>/",
    } <= paths
    assert {line["status"] for line in lines} <= {200, 302, 404}
    assert {line["path"] for line in lines if line["status"] == 404} <= {"unmatched"}  # favicon

    texts = {"web log": vault.web_log_text(), "standard error": vault.stderr()}
    leaks = [
        VISITOR, AGENT, "StewardProbe", "HeadlessChrome", "Mozilla", "campaign.example",
        "utm_source", str(record), record.hex, "/staff/records/" + str(record)[:8], code,
        secret, secret.replace(" ", ""), vault.passwords["dana.ortiz"], NEW_PASSWORD, REASON,
        *SUBMITTED, "Traceback",
    ]  # fmt: skip
    minutes = {
        moment.strftime("%H:%M")
        for n in range(int((end - start).total_seconds() // 60) + 3)
        for moment in (
            start + timedelta(minutes=n - 1),
            (start + timedelta(minutes=n - 1)).astimezone(),
        )
    }
    for where, text in texts.items():
        found = [leak for leak in leaks if leak in text]
        assert found == [], f"the {where} holds {found}:\n{text[-3000:]}"
        assert "127.0.0.1" not in text.replace(f"Serving on http://127.0.0.1:{vault.port}", "")
        assert not [m for m in minutes if m in text], f"the {where} holds a time of day"
