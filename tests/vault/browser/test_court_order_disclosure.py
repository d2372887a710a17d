"""End to end in a real browser, one court-order disclosure through every stage (issue 11).

A privacy officer opens the request with the order attached and may not approve it
herself; a second officer approves it; the person, signed in on their own page with
their access code, sees the notice (to whom, on what ground, from when it may be
delivered, how to object) and nothing staff-only; once the time to object has passed the
second officer delivers it; the recipient downloads an encrypted package only the
passphrase opens; after the link's expiry the page offers no download, a direct fetch is
refused, and the expiry job deletes the package; once the quarter has ended, the public
transparency report (HTML and JSON) counts the request, complied with fully.

Time is the injected clock, starting at ``T0`` (2026-03-02 09:00 UTC, in 2026-q1).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.audit import verify_log
from steward.clock import ManualClock
from steward.crypto import open_package
from steward.vault.models import Record
from steward.vault.models_egress import Delivery, DisclosureNotice, DisclosureRequest
from steward.vault.rules.intake import Submission
from steward.vault.runtime import Vault
from steward.vault.services.accounts import create_account
from steward.vault.services.collect import submit
from steward.vault.services.deliveries import DELIVERY_EXPIRY, DeliveryGone, fetch_delivery
from steward.vault.services.jobs import JobContext
from steward.vault.services.jobs_runner import run_job
from tests.vault.browser.conftest import acknowledge_plan, first_sign_in
from tests.vault.disclosure_support import OBJECTION_TIME
from tests.vault.notice_support import T0, clock
from tests.vault.test_staff_support import DISTINCT, leaked

pytestmark = pytest.mark.browser
__all__ = ["clock"]
ORDER = b"%PDF-1.7 Order of the Riverton Superior Court, case CV-2026-118"
APPROVAL = "The order is signed and names these fields"
DEADLINE = "16 March 2026, 09:00 UTC"
"""T0 plus the city plan's objection period (14 days): the earliest delivery."""
LIFETIME = timedelta(days=7)
"""The city plan's ``disclosure.delivery.expires_after``."""
QUARTER = "2026-q1"
"""The period T0 falls in; it ends on 31 March 2026."""


def _sign_in(page: Page, server: LiveServer, vault: Vault, username: str) -> None:
    account = create_account(vault, username, "privacy_officer")
    first_sign_in(page, server.url, User.objects.get(username=username), account.password)
    acknowledge_plan(page)


def _resident_case(vault: Vault) -> tuple[Record, str]:
    """The record (of the north team) of a resident's request, and their access code."""
    receipt = submit(vault, Submission("service_request", DISTINCT))
    record = Record.objects.get(pk=receipt.reference)
    record.team = "north"
    record.save()
    return record, receipt.access_code


def test_a_court_order_goes_from_request_to_the_transparency_report(
    clock: ManualClock,
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    live_city_vault: Vault,
    tmp_path: Path,
) -> None:
    assert clock.now() == T0
    case, code = _resident_case(live_city_vault)

    made = _request_and_refuse_self_approval(page, live_server, live_city_vault, case)
    _approve(page, live_server, live_city_vault, made)
    _person_sees_the_notice(browser, live_server, code)

    clock.advance(OBJECTION_TIME)
    link, delivered = _deliver_and_download(page, live_server, case)
    made.refresh_from_db()
    assert made.decided_by is not None
    assert (made.state, made.requested_by.username, made.decided_by.username) == (
        "delivered",
        "ana.lima",
        "ben.okafor",
    )
    assert Delivery.objects.get().fetches == 1

    clock.set(delivered.expires + timedelta(minutes=1))
    _link_has_expired(page, live_city_vault, link, tmp_path)
    made.refresh_from_db()
    assert made.state == "expired"

    _transparency_report_counts_it(page, live_server, clock)
    assert verify_log(live_city_vault.audit.store).ok


def _request_and_refuse_self_approval(
    page: Page, live_server: LiveServer, vault: Vault, case: Record
) -> DisclosureRequest:
    """The first officer opens the request, with the order attached; she may not approve
    it: no button, and a forged approval is refused."""
    _sign_in(page, live_server, vault, "ana.lima")
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
    return made


def _approve(page: Page, live_server: LiveServer, vault: Vault, made: DisclosureRequest) -> None:
    """The second officer reads the order and approves: the person is told."""
    _sign_in(page, live_server, vault, "ben.okafor")
    page.goto(f"{live_server.url}/staff/disclosures/")
    page.get_by_role("link", name=str(made.id)[:8]).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="order.pdf").click()
    assert download.value.path().read_bytes() == ORDER
    page.locator("#reason").fill(APPROVAL)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("heading", name="approved")).to_be_visible()
    assert DisclosureNotice.objects.get(disclosure=made).sent is not None


def _person_sees_the_notice(browser: Browser, live_server: LiveServer, code: str) -> None:
    """The person, on their own device, signs in with their code and reads the notice:
    to whom, on what ground, from when it may be delivered, and a form to object. No
    staff-only value is on the page (who asked or approved, the approver's reason, the
    order's file), nor any of the person's values (the notice names fields only)."""
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    context.set_default_timeout(15_000)
    try:
        person = context.new_page()
        person.goto(f"{live_server.url}/me/")
        person.get_by_label("Access code").fill(code)
        person.get_by_role("button", name="Open my page").click()
        expect(person).to_have_url(f"{live_server.url}/me/data/")
        person.get_by_role("link", name="See whether your data was disclosed").click()
        expect(person).to_have_url(f"{live_server.url}/me/notices/")
        notice = person.locator("section.disclosure-notice")
        expect(notice).to_have_count(1)
        expect(notice.get_by_role("heading", name="To Riverton Superior Court")).to_be_visible()
        facts = {
            term.inner_text(): term.locator("xpath=following-sibling::dd[1]").inner_text()
            for term in notice.locator("dt").all()
        }
        assert facts["Legal ground"] == "Court order (CV-2026-118)"
        assert facts["Your data disclosed"] == "Your name, Address of the problem"
        assert facts["You were told on"] == "2 March 2026, 09:00 UTC"
        assert facts["Where it stands"] == "Not delivered yet"
        assert facts["It may be delivered from"] == DEADLINE
        assert facts["You can object until"] == DEADLINE
        expect(notice.get_by_label("Why you object")).to_be_editable()
        expect(notice.get_by_role("button", name="Object")).to_be_enabled()
        html = person.content()
        for staff_only in ("ana.lima", "ben.okafor", APPROVAL, "order.pdf", "privacy_officer"):
            assert staff_only not in html, staff_only
        assert leaked(html) == set()
    finally:
        context.close()


def _deliver_and_download(
    page: Page, live_server: LiveServer, case: Record
) -> tuple[str, Delivery]:
    """After the time to object, the second officer delivers; the recipient downloads
    the package and only the passphrase opens it. The link and the delivery."""
    page.reload()
    page.get_by_role("button", name="Deliver, encrypted").click()
    link = page.locator("#delivery-link").inner_text()
    passphrase = page.locator("#delivery-passphrase").inner_text()
    assert link.startswith(live_server.url + "/deliveries/")

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
    delivered = Delivery.objects.get()
    assert delivered.expires == delivered.created + LIFETIME
    return link, delivered


def _link_has_expired(page: Page, vault: Vault, link: str, tmp_path: Path) -> None:
    """Past its expiry the link's page says so and offers no download, a direct POST is
    refused, and the expiry job deletes the package and marks the disclosure expired."""
    answer = page.goto(link)
    assert answer is not None
    assert answer.status == 410
    expect(page.get_by_role("heading", name="This delivery is no longer available")).to_be_visible()
    expect(page.get_by_text("It expired on 2026-03-24 at 09:00 UTC")).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(0)
    expect(page.locator("form")).to_have_count(0)
    forced = page.request.post(link, form={}, headers={"X-CSRFToken": _csrf(page)})
    assert forced.status == 410
    assert "It expired on 2026-03-24 at 09:00 UTC" in forced.text()
    assert forced.headers["content-type"].startswith("text/html")

    result = run_job(DELIVERY_EXPIRY, JobContext(vault, tmp_path, tmp_path), "test")
    assert (result.outcome, result.message) == (
        "succeeded",
        "deleted 1 delivered package (expired or used up)",
    )
    assert Delivery.objects.get().package is None
    token = link.rstrip("/").rsplit("/", 1)[-1]
    with pytest.raises(DeliveryGone):
        fetch_delivery(vault, token)
    page.reload()
    expect(page.get_by_role("heading", name="This delivery is no longer available")).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(0)


def _transparency_report_counts_it(page: Page, live_server: LiveServer, clock: ManualClock) -> None:
    """Once the quarter has ended, the public report, opened without signing in, counts
    one court-order request complied with fully, its person told (a band: one person is
    below the plan's smallest group), no notice delayed; the JSON forms agree."""
    page.context.clear_cookies()
    running = page.request.get(f"{live_server.url}/api/transparency/{QUARTER}")
    assert running.status == 404  # not before the quarter has ended
    clock.set(datetime(2026, 4, 1, 8, 0, tzinfo=UTC))
    page.goto(f"{live_server.url}/transparency/")
    expect(page.get_by_role("heading", name="Transparency report")).to_be_visible()
    page.get_by_role("link", name="Q1 2026").click()
    expect(page).to_have_url(f"{live_server.url}/transparency/{QUARTER}/")
    expect(page.get_by_text("We received 1 request to disclose data")).to_be_visible()
    assert _cells(page, "Complied with fully") == ["1"]
    for other in (
        "Complied with in part (fewer records or fields than asked)",
        "Refused by the approver",
        "Withdrawn by the requester",
        "Not yet decided",
    ):
        assert _cells(page, other) == ["0"], other
    assert _cells(page, "court order") == ["1", "1", "0", "0", "0", "0", "0"]
    assert _cells(page, "court") == ["1", "1", "0", "0", "0", "0", "0"]
    assert _cells(page, "People told of a disclosure") == ["1-9"]
    assert _cells(page, "People whose data was disclosed") == ["1-9"]
    assert _cells(page, "Notices delayed by a legal prohibition") == ["0"]
    outside = ["court", "no", "identifiable data", "none", "1", "1", "0", "0"]
    assert _cells(page, "Outside party: court") == outside  # named by its kind only
    html = page.content()
    for private in ("Riverton Superior Court", "CV-2026-118", "ana.lima", "ben.okafor"):
        assert private not in html, private
    assert leaked(html) == set()

    from_api = _json(page, f"{live_server.url}/api/transparency/{QUARTER}")
    from_page = _json(page, f"{live_server.url}/transparency/{QUARTER}/report.json")
    for report in (from_api, from_page):
        requests = report["requests"]
        assert (requests["all"]["total"], requests["all"]["full"]) == (1, 1)
        [ground] = requests["by_ground"]
        assert (ground["key"], ground["total"], ground["full"]) == ("court_order", 1, 1)
        [requester] = requests["by_requester"]
        assert (requester["key"], requester["full"]) == ("court", 1)
        assert requests["under_prohibition"] == 0
        people = report["people"]
        assert people["notified"] == {"low": 1, "high": 9, "exact": False}
        assert people["notices_delayed"] == {"low": 0, "high": 0, "exact": True}
    for part in ("requests", "people", "records"):
        assert from_api[part] == from_page[part], part


def _cells(page: Page, row: str) -> list[str]:
    """The cells of the report's table row headed ``row``."""
    header = page.locator("th[scope=row]", has_text=re.compile(f"^{re.escape(row)}$"))
    found = page.locator("tr").filter(has=header)
    expect(found).to_have_count(1)
    return [cell.strip() for cell in found.locator("td").all_inner_texts()]


def _json(page: Page, url: str) -> dict[str, Any]:
    answer = page.request.get(url)
    assert answer.status == 200, url
    found: dict[str, Any] = answer.json()
    return found


def _csrf(page: Page) -> str:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies.get("csrftoken", "")
