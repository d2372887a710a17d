"""The help desk's response to a stolen key, in a real browser, as its privacy lead and
the public see it (issue 12).

The privacy lead of Open Shield (``examples/security-help-desk.yaml``) opens an
incident through the form: the page shows the authority's clock (72 hours) and the
partners' (7 days) in plain words, and the plan's response plan as a checklist, and she
ticks a step. A day later she drafts a community alert from the incident: the partner's
email address is already a placeholder, her rare name is not caught (the page says a
rare name can pass), so she changes the text, says she has read it, records the
partner's approval and publishes it. A visitor with no cookies finds the alert on the
public page and in the Atom feed, with neither the name nor the address anywhere; the
visitor also sends a vulnerability report through the public sealed form and gets a
reference, which the privacy lead finds in the register as sealed.

Along the way the pages are checked as a person sees them at 1000 pixels: every text box
styled (none left at the browser's tiny default), no page wider than the window, each
checklist button named with its step, kinds and datasets in plain words, every time
saying it is in UTC, a confirmation after each step, and the feed announced in the
public pages' head. Screenshots of the incident, the staff alert and the public alert
are left in the test's temporary folder.

Time is the injected clock, starting at ``T0`` (2026-03-02 09:00 UTC); the live server
runs in a thread of this process, so it reads the same clock.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.audit import verify_log
from steward.clock import ManualClock
from steward.vault.models import AuditEntryRow
from steward.vault.models_response import CommunityAlert, Incident, VulnerabilityReport
from steward.vault.runtime import Vault
from steward.vault.services.accounts import create_account
from tests.vault.browser.conftest import acknowledge_plan, first_sign_in
from tests.vault.notice_support import T0, clock

pytestmark = pytest.mark.browser
__all__ = ["clock"]

LEAD = "priya.raman"
PARTNER = "Wilhelmina Sprocketwhistle"
CHANNEL = "wilhelmina@shelter-north.example.org"
TITLE = "Laptop with the intake key stolen"
DESCRIPTION = (
    f"The laptop holding the intake key was taken from {PARTNER}'s office at the "
    f"shelter; she asks to be written to at {CHANNEL}."
)
DETECTED = T0 - timedelta(hours=3)
"""Three hours before the story starts: the clocks run from detection, not opening."""
STEP = "Rotate the intake key if it may be exposed"
APPROVAL = "Shelter North agreed by phone"
VULNERABILITY = "The ticket search page shows the ticket titles of other partners to any staff."
ATOM = "{http://www.w3.org/2005/Atom}"
WINDOW = 1000
FEED_LINK = 'head link[rel="alternate"][type="application/atom+xml"]'


def test_the_privacy_lead_answers_a_stolen_key_and_the_public_reads_the_alert(
    clock: ManualClock,
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    live_help_desk_vault: Vault,
    tmp_path: Path,
) -> None:
    assert clock.now() == T0
    _sign_in(page, live_server, live_help_desk_vault)
    incident = _open_the_incident(page, live_server)
    _the_clocks_and_the_checklist(page, incident)
    _fits_the_window(page, "the incident page")
    page.screenshot(path=str(tmp_path / "incident.png"), full_page=True)

    clock.advance(days=1)
    alert = _draft_review_approve_publish(page, incident, tmp_path)

    visitor = _visitor(browser)
    try:
        _the_public_reads_it(visitor.new_page(), live_server, alert, tmp_path)
        reference = _a_vulnerability_is_reported(visitor.new_page(), live_server)
    finally:
        visitor.close()
    _the_lead_sees_it_sealed(page, live_server, reference)

    assert verify_log(live_help_desk_vault.audit.store).ok
    logged = " ".join(str(row) for row in AuditEntryRow.objects.values_list("record", flat=True))
    _names_nobody(logged)
    assert VULNERABILITY not in logged


def _sign_in(page: Page, server: LiveServer, vault: Vault) -> None:
    account = create_account(vault, LEAD, "privacy_lead")
    first_sign_in(page, server.url, User.objects.get(username=LEAD), account.password)
    acknowledge_plan(page)


def _visitor(browser: Browser) -> BrowserContext:
    """A browser context of its own: no cookie of the privacy lead's."""
    context = browser.new_context(viewport={"width": WINDOW, "height": 900})
    context.set_default_timeout(15_000)
    return context


def _fits_the_window(page: Page, what: str) -> None:
    """Nothing scrolls sideways: the page is no wider than the window."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WINDOW, f"{what} is {width} pixels wide, wider than the window"


def _styled_text_boxes(page: Page) -> None:
    """Every text, date and time box in the main content is styled like the others (as
    wide as the stylesheet makes them, with its border), none at the browser's default."""
    assert page.locator("main input:not([type])").count() == 0
    boxes = page.locator(
        "main input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
        ":not([type=file]):not([type=submit])"
    )
    assert boxes.count() > 0
    for box in boxes.all():
        name = box.get_attribute("id")
        width = box.evaluate("e => e.getBoundingClientRect().width")
        border = box.evaluate("e => getComputedStyle(e).borderTopColor")
        assert width >= 400, f"the box {name} is {width} pixels wide"
        assert border == "rgb(125, 138, 153)", f"the box {name} is not styled ({border})"


def _open_the_incident(page: Page, server: LiveServer) -> Incident:
    """From the register, the form: kind, a title naming nobody, the time of detection,
    the dataset, the counts and the encrypted description."""
    page.goto(f"{server.url}/staff/incidents/")
    page.get_by_role("link", name="Open an incident").click()
    expect(page.get_by_role("heading", level=1, name="Open an incident")).to_be_visible()
    _styled_text_boxes(page)
    kinds = page.get_by_label("Kind").locator("option").all_inner_texts()
    assert "Key or password exposed" in kinds
    assert not [k for k in kinds if "_" in k], kinds  # plain words, not the stored keys
    expect(page.locator("label[for=detected_at]")).to_contain_text("In UTC")
    page.get_by_label("Kind").select_option(label="Key or password exposed")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Detected at").fill(DETECTED.strftime("%Y-%m-%dT%H:%M"))
    datasets = page.get_by_role("group", name="Datasets concerned")
    datasets.get_by_role("checkbox", name="Request assistance").check()
    page.get_by_label("Records that may be affected").fill("26")
    page.get_by_label("People who may be affected").fill("26")
    page.get_by_label("Personal data involved").select_option("yes")
    page.get_by_label("Description").fill(DESCRIPTION)
    page.get_by_role("button", name="Open the incident").click()

    expect(page.get_by_role("status")).to_contain_text("Incident opened; its clocks are running")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{TITLE}: open")
    incident = Incident.objects.get()
    assert page.url == f"{server.url}/staff/incidents/{incident.id}/"
    assert (incident.kind, incident.detected_at, incident.opened_at) == (
        "key_exposure",
        DETECTED,
        T0,
    )
    assert (incident.datasets, incident.records_affected, incident.people_affected) == (
        ["assistance_request"],
        26,
        26,
    )
    assert PARTNER.encode() not in bytes(incident.description or b"")  # encrypted
    return incident


def _fact(page: Page, term: str) -> str:
    """The text of the description list's entry named ``term``."""
    found = page.locator("dt", has_text=re.compile(f"^{re.escape(term)}$"))
    expect(found).to_have_count(1)
    return found.locator("xpath=following-sibling::dd[1]").inner_text()


def _checklist_item(page: Page, text: str) -> Locator:
    """The checklist's item that starts with ``text``."""
    tick = page.get_by_role("button", name=re.compile("^Tick the step: "))
    checklist = page.get_by_role("list").filter(has=tick)
    return checklist.get_by_role("listitem").filter(has_text=re.compile(f"^{re.escape(text)}"))


def _the_clocks_and_the_checklist(page: Page, incident: Incident) -> None:
    """Both clocks in plain words, counted from detection; the plan's response plan as
    the checklist; one step ticked through the page."""
    assert _fact(page, "Notify the authority").startswith("2 days 21 hours left")
    assert _fact(page, "Notify the people affected").startswith("6 days 21 hours left")
    assert _fact(page, "Detected").startswith("2026-03-02 06:00 UTC")
    assert "due 2026-03-05 06:00 UTC" in _fact(page, "Notify the authority")
    assert _fact(page, "Kind") == "Key or password exposed"
    assert _fact(page, "Datasets") == "Request assistance"
    expect(page.get_by_text(PARTNER, exact=False)).to_be_visible()  # the handler reads it

    expect(page.get_by_role("heading", level=2, name="Checklist")).to_be_visible()
    steps = [
        "Contain",
        STEP,
        "Tell affected partners within 7 days",
        "Review with the advisory council",
        "Notify the authority (within 72 hours of detection)",
        "Notify the people affected (within 7 days of detection)",
    ]
    for step in steps:
        expect(_checklist_item(page, step)).to_have_count(1)
        # Each button is named with its step, so a screen reader's list of buttons says
        # which step it ticks, not six times "Tick" (the words after it are hidden).
        item = _checklist_item(page, step)
        named = item.get_by_role("button", name=f"Tick the step: {step}", exact=True)
        expect(named).to_have_count(1)
    ticks = page.get_by_role("button", name=re.compile("^Tick"))
    expect(ticks).to_have_count(len(steps))

    page.get_by_role("button", name=f"Tick the step: {STEP}", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Checklist updated.")
    ticked = page.get_by_role("listitem").filter(has_text=re.compile(f"^{re.escape(STEP)}"))
    expect(ticked).to_contain_text(f"done 2026-03-02 09:00 UTC by {LEAD}")
    untick = ticked.get_by_role("button", name=f"Untick the step: {STEP}", exact=True)
    expect(untick).to_be_visible()
    _styled_text_boxes(page)  # the counts, and "Made at" with its hint
    expect(page.locator("label[for=made_at]")).to_contain_text("In UTC")
    drafts = page.locator("pre.draft")
    expect(drafts).to_have_count(2)
    assert drafts.first.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    done = incident.steps.filter(done_at__isnull=False)
    assert [s.text for s in done] == [STEP]


def _draft_review_approve_publish(page: Page, incident: Incident, tmp_path: Path) -> CommunityAlert:
    """A day on, the clocks have moved; the alert is drafted from the incident, its
    rare name removed by hand, read, approved by the partner and published; each step
    is confirmed."""
    page.reload()
    assert _fact(page, "Notify the authority").startswith("1 day 21 hours left")
    assert _fact(page, "Notify the people affected").startswith("5 days 21 hours left")
    page.get_by_role("button", name="Draft a community alert").click()
    expect(page).to_have_url(re.compile(r"/staff/alerts/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("status")).to_have_text(
        "Alert drafted. Read it before it is published."
    )
    expect(page.get_by_text("Drafted 2026-03-03 09:00 UTC")).to_be_visible()
    _styled_text_boxes(page)
    _fits_the_window(page, "the alert page")
    page.screenshot(path=str(tmp_path / "staff-alert.png"), full_page=True)
    alert = CommunityAlert.objects.get()
    assert page.url.endswith(f"/staff/alerts/{alert.id}/")
    text = page.locator("#alert-text")
    expect(text).to_contain_text("[EMAIL]")
    expect(text).not_to_contain_text(CHANNEL)
    expect(text).to_contain_text(PARTNER)  # no vocabulary knows the name
    expect(page.get_by_text(re.compile("a rare name, a nickname or a description"))).to_be_visible()

    body = page.get_by_label("Text", exact=True)
    written = body.input_value()
    assert PARTNER in written
    body.fill(written.replace(f"{PARTNER}'s", "a partner's").replace(PARTNER, "a partner"))
    page.get_by_role("button", name="Save the text").click()
    expect(page.get_by_role("status")).to_have_text(
        "Text saved. It must be read and approved again before it is published."
    )
    expect(text).not_to_contain_text(PARTNER)
    expect(text).not_to_contain_text("Sprocketwhistle")
    expect(text).to_contain_text("[EMAIL]")

    page.get_by_role("button", name=re.compile("^I have read it")).click()
    expect(page.get_by_text("State: reviewed")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "Marked as read: nothing in it identifies anyone."
    )
    _styled_text_boxes(page)  # the title, and how the partner approved it
    page.screenshot(path=str(tmp_path / "staff-alert-reviewed.png"), full_page=True)
    page.get_by_label("How the partner approved it").fill(APPROVAL)
    page.get_by_role("button", name="Record the partner's approval").click()
    expect(page.get_by_text("State: approved")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The partner's approval is recorded.")
    expect(page.get_by_text(f"({APPROVAL})")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("State: published")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "Published on the public alerts page and in its feed."
    )
    expect(page.get_by_text("published 2026-03-03 09:00 UTC")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)

    alert.refresh_from_db()
    assert (alert.state, alert.published_at) == ("published", T0 + timedelta(days=1))
    assert alert.incident_id == incident.id
    for secret in (PARTNER, "Sprocketwhistle", CHANNEL):
        assert secret not in alert.title + alert.body, secret
    return alert


def _the_public_reads_it(
    visitor: Page, server: LiveServer, alert: CommunityAlert, tmp_path: Path
) -> None:
    """Without signing in: the list, the alert, and the Atom feed; no name, no address."""
    visitor.goto(f"{server.url}/alerts/")
    expect(visitor.get_by_role("heading", level=1, name="Community alerts")).to_be_visible()
    _announces_the_feed(visitor)
    visitor.get_by_role("link", name=alert.title).click()
    expect(visitor).to_have_url(f"{server.url}/alerts/{alert.id}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(alert.title)
    expect(visitor.get_by_text("Published 2026-03-03.")).to_be_visible()
    expect(visitor.get_by_text("[EMAIL]")).to_be_visible()
    _names_nobody(visitor.content())
    expect(visitor.get_by_role("button")).to_have_count(0)  # nothing to act on
    _fits_the_window(visitor, "the alert")
    _announces_the_feed(visitor)
    visitor.screenshot(path=str(tmp_path / "published-alert.png"), full_page=True)

    href = visitor.get_by_role("link", name="Atom feed").get_attribute("href")
    assert href == "/alerts/feed.xml"
    answer = visitor.request.get(server.url + href)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = answer.body()
    entries = ElementTree.fromstring(feed).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [alert.title]
    _names_nobody(feed.decode())


def _announces_the_feed(visitor: Page) -> None:
    """The page's head points feed readers and browsers to the Atom feed."""
    link = visitor.locator(FEED_LINK)
    expect(link).to_have_count(1)
    assert link.get_attribute("href") == "/alerts/feed.xml"
    assert (link.get_attribute("title") or "").startswith("Community alerts")


def _names_nobody(text: str) -> None:
    for secret in (PARTNER, "Wilhelmina", "Sprocketwhistle", CHANNEL, "shelter-north"):
        assert secret.lower() not in text.lower(), secret


def _a_vulnerability_is_reported(visitor: Page, server: LiveServer) -> str:
    """The public sealed form: the visitor's report is received, sealed, and given a
    reference."""
    visitor.goto(f"{server.url}/security/report/")
    expect(
        visitor.get_by_role("heading", level=1, name="Report a security vulnerability")
    ).to_be_visible()
    expect(visitor.get_by_text("sealed the moment it arrives")).to_be_visible()
    _styled_text_boxes(visitor)
    visitor.get_by_label("Short title (optional)", exact=True).fill("Ticket titles leak")
    visitor.get_by_label("What you found, and how to reproduce it").fill(VULNERABILITY)
    visitor.get_by_label("How to reach you (optional)", exact=True).fill(
        "a Signal number on request"
    )
    visitor.get_by_role("button", name="Send the report").click()

    receipt = visitor.get_by_role("status")
    expect(receipt).to_contain_text("your report was received and sealed")
    expect(receipt).to_contain_text("within 21 days")
    reference = receipt.locator("strong").inner_text().strip()
    report = VulnerabilityReport.objects.get()
    assert reference == str(report.id)
    assert VULNERABILITY.encode() not in bytes(report.sealed or b"")
    assert report.received_at == T0 + timedelta(days=1)
    return reference


def _the_lead_sees_it_sealed(page: Page, server: LiveServer, reference: str) -> None:
    """The register lists the report by its reference, sealed, its date 21 days on; the
    incident register lists the incident by its kind in plain words."""
    page.get_by_role("link", name="Vulnerabilities").click()
    expect(page).to_have_url(f"{server.url}/staff/vulnerabilities/")
    table = page.get_by_role("table", name="Reports, overdue and nearest dates first")
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_contain_text("sealed")
    expect(row).to_contain_text("2026-03-24 09:00 UTC")  # received 3 March, 21 days on
    content = page.content()
    assert VULNERABILITY not in content
    assert "Ticket titles leak" not in content
    _fits_the_window(page, "the vulnerability register")

    page.get_by_role("link", name="Incidents").click()
    table = page.get_by_role("table", name="Incidents, overdue clocks first")
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))
    expect(row).to_contain_text("Key or password exposed")
    expect(row).to_contain_text("2026-03-02 06:00 UTC")
    _fits_the_window(page, "the incident register")
