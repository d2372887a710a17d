"""A city resident uses every right on their own page, in a real browser (issue 10).

One walk, step by step: the service request form with the opt-in to updates, the
receipt's code and its link to ``/me/``; signing in with the code; the page of their
data; a copy as JSON and as CSV; a direct correction (staff read the new value) and a
correction that goes to staff as a request; withdrawing the consent to updates (staff
may no longer reveal the email for them, still may for the follow-up); erasure, at once
for the city plan (signed out, code dead, staff see the record erased); and the audit
log holding the person's actions in order and none of their values.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.vault.models import Consent, Record
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, AccessService
from steward.vault.services.record_views import ValueUnreadable
from tests.vault.conftest import actor_for
from tests.vault.own_data_support import audit_text, entries_of

pytestmark = pytest.mark.browser

NAME = "Odalys Brackenridge"
EMAIL = "odalys.b@example.org"
PHONE = "555 014 6621"
ADDRESS = "41 Fennimore Close"
DETAILS = "Paint sprayed on the Thornbury underpass"
NEW_EMAIL = "odalys.brackenridge@example.net"
NEW_ADDRESS = "43 Fennimore Close"
SUBMITTED = {
    "full_name": NAME,
    "email": EMAIL,
    "phone": PHONE,
    "street_address": ADDRESS,
    "district": "East",
    "request_type": "graffiti",
    "details": DETAILS,
}
UPDATES_LABEL = "City service updates by email"
REASON = "Writing back to the resident about their graffiti request"


class Shots:
    """Full-page screenshots of each step, numbered, into the test's tmp_path."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.count = 0

    def __call__(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)


def _posted(page: Page) -> None:
    refused = page.get_by_text("CSRF verification failed").count() > 0
    assert not refused, "the browser's form post was refused by the CSRF check"


def _submit_the_form(page: Page, live_server: LiveServer) -> tuple[str, str]:
    """Fill and send the service request form, opting in to updates; the receipt's
    reference and access code."""
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Service request", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Service request")).to_be_visible()
    page.get_by_label("Your name", exact=True).fill(NAME)
    page.get_by_label("Email address", exact=True).fill(EMAIL)
    page.get_by_label("Phone number", exact=True).fill(PHONE)
    page.get_by_label("Address of the problem", exact=True).fill(ADDRESS)
    page.get_by_label("City district", exact=True).select_option("East")
    page.get_by_label("Type of request", exact=True).select_option("graffiti")
    page.get_by_label("What is the problem?", exact=True).fill(DETAILS)
    opt_in = page.get_by_role("checkbox", name="Yes, email me occasional updates")
    opt_in.check()
    expect(opt_in).to_be_checked()
    page.get_by_role("button", name="Send the form").click()
    page.wait_for_load_state()
    _posted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we received your form")
    expect(page.locator("table.receipt-consents")).to_contain_text("Agreement given")
    code = page.locator("code.access-code")
    expect(code).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$"))
    reference = page.locator("table.receipt-facts tr", has_text="Reference").locator("code")
    expect(reference).to_have_text(re.compile(r"^[0-9a-f-]{36}$"))
    return reference.inner_text().strip(), code.inner_text().strip()


def _sign_in(page: Page, code: str) -> None:
    expect(page.get_by_role("heading", level=1, name="Your own page")).to_be_visible()
    form = page.locator("form", has=page.get_by_label("Access code"))
    expect(form.locator("input:not([type=hidden])")).to_have_count(1)  # the code only
    page.get_by_label("Access code").fill(code)
    page.get_by_role("button", name="Open my page").click()


def _download(page: Page, link: str, folder: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    saved = folder / info.value.suggested_filename
    info.value.save_as(saved)
    return saved.read_bytes()


def _correction_form(page: Page, label: str) -> Locator:
    return page.locator("form.correct", has=page.get_by_label(label, exact=True))


def _check_json_copy(body: bytes, reference: str) -> None:
    copy: dict[str, Any] = json.loads(body)
    assert copy["format"] == "steward-own-copy/1"
    [record] = copy["records"]
    assert record["reference"] == reference
    values = {f["field"]: f["value"] for f in record["fields"]}
    for field, value in SUBMITTED.items():
        assert values.get(field) == value, field
    updates = [c for c in copy["consents"] if c["purpose"] == "service_updates"]
    assert [(c["answer"], c["withdrawn"]) for c in updates] == [("yes", None)]
    assert updates[0]["given"]


def _check_csv_copy(body: bytes, reference: str) -> None:
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    fields = {r["field"]: r["value"] for r in rows if r["section"] == "field"}
    assert {r["record"] for r in rows if r["section"] == "field"} == {reference}
    for field, value in SUBMITTED.items():
        assert fields.get(field) == value, field
    consents = [r for r in rows if r["section"] == "consent" and r["field"] == "service_updates"]
    assert [(c["value"], c["withdrawn"]) for c in consents] == [("yes", "")]
    assert consents[0]["given"]
    assert consents[0]["label"] == UPDATES_LABEL


def _in_order(actions: list[str], expected: list[str]) -> bool:
    """Whether ``expected`` occurs in ``actions`` in this order (others may come between)."""
    remaining = iter(actions)
    return all(any(a == wanted for a in remaining) for wanted in expected)


def test_a_resident_uses_every_right_on_their_own_page(
    page: Page, live_server: LiveServer, live_city_vault: Vault, tmp_path: Path
) -> None:
    vault = live_city_vault
    shot = Shots(page, tmp_path)
    staff = AccessService(vault)
    officer = actor_for(vault, "privacy_officer", mfa_verified=True)

    # 1. The form, with the opt-in ticked; the receipt's reference, code and link.
    reference, code = _submit_the_form(page, live_server)
    shot("receipt")
    record = Record.objects.get(pk=UUID(reference))
    subject = record.subject_id
    page.locator("section.access-code-box").get_by_role("link", name="your own page").click()
    expect(page).to_have_url(live_server.url + "/me/")

    # 2. Signing in with the code alone; the person's data, name and email shown.
    shot("sign-in")
    _sign_in(page, code)
    expect(page).to_have_url(live_server.url + "/me/data/")
    expect(page.get_by_role("heading", level=1, name="Your data")).to_be_visible()
    answers = page.locator("table.own-fields")
    expect(answers).to_contain_text(NAME)
    expect(answers).to_contain_text(EMAIL)
    expect(page.locator("section.own-record code")).to_have_text(reference)
    shot("data")

    # 3. A copy as JSON and as CSV: the values sent and the consent history.
    _check_json_copy(_download(page, "JSON file", tmp_path), reference)
    _check_csv_copy(_download(page, "CSV file (for a spreadsheet)", tmp_path), reference)
    shot("copies-taken")

    # 4a. A direct correction (the email): saved at once, and what staff now read.
    email_label = "Correct “Email address”"
    email_form = _correction_form(page, email_label)
    expect(email_form.get_by_role("button")).to_have_text("Save")
    page.get_by_label(email_label, exact=True).fill(NEW_EMAIL)
    email_form.get_by_role("button", name="Save").click()
    expect(page).to_have_url(live_server.url + "/me/data/?notice=corrected")
    expect(page.get_by_role("status")).to_have_text("Your correction was saved.")
    expect(answers).to_contain_text(NEW_EMAIL)
    expect(answers).not_to_contain_text(EMAIL)
    shot("email-corrected")
    assert staff.reveal(officer, record.id, "email", "follow_up", REASON) == NEW_EMAIL

    # 4b. A correction checked by staff first (the address): a request, listed open.
    address_label = "Ask staff to correct “Address of the problem”"
    address_form = _correction_form(page, address_label)
    page.get_by_label(address_label, exact=True).fill(NEW_ADDRESS)
    address_form.get_by_role("button", name="Send to staff").click()
    expect(page).to_have_url(live_server.url + "/me/data/?notice=requested")
    expect(page.get_by_role("status")).to_contain_text("Your correction was sent to staff.")
    requests = page.locator("section[aria-labelledby=requests-title]")
    asked = requests.locator("tr", has_text="Correction: Address of the problem")
    expect(asked).to_have_count(1)
    expect(asked.locator("td").nth(2)).to_have_text("Open")
    done = requests.locator("tr", has_text="Correction: Email address")
    expect(done.locator("td").nth(2)).to_have_text("Done")
    expect(answers).to_contain_text(ADDRESS)  # unchanged until staff decide
    expect(answers).not_to_contain_text(NEW_ADDRESS)
    shot("address-requested")
    assert staff.reveal(officer, record.id, "street_address", "service_delivery", REASON) == (
        ADDRESS
    )

    # 5. Withdrawing the consent to service updates.
    page.goto(live_server.url + "/me/choices/")
    expect(page.get_by_role("heading", level=1, name="Your choices")).to_be_visible()
    updates = page.locator("table.own-choices tbody tr", has_text=UPDATES_LABEL)
    expect(updates).to_contain_text("You agree")
    updates.get_by_role("button", name=f"Withdraw your consent to: {UPDATES_LABEL}").click()
    expect(page).to_have_url(live_server.url + "/me/choices/")
    expect(page.get_by_role("status")).to_contain_text("Your consent is withdrawn.")
    expect(updates).to_contain_text("You withdrew your consent")
    when = r"\d{1,2} \w+ \d{4}, \d{2}:\d{2}"
    history = updates.locator("ul.consent-history")
    expect(history).to_contain_text(re.compile(f"Agreed on {when} \\S+; withdrawn on {when}"))
    shot("consent-withdrawn")
    [consent] = Consent.objects.filter(subject_id=subject, purpose="service_updates")
    assert consent.granted is True
    assert consent.withdrawn is not None
    assert consent.given <= consent.withdrawn
    with pytest.raises(AccessDenied):
        staff.reveal(officer, record.id, "email", "service_updates", REASON)
    assert staff.reveal(officer, record.id, "email", "follow_up", REASON) == NEW_EMAIL

    # 6. Erasure, at once for the city plan: confirmation, signed out, code dead.
    page.get_by_role("link", name="Erase your data").click()
    expect(page.get_by_role("heading", level=1, name="Erase your data")).to_be_visible()
    page.get_by_label(
        "I understand that all my data will be erased now and cannot be brought back"
    ).check()
    shot("erase")
    page.get_by_role("button", name="Erase my data now").click()
    expect(page.get_by_role("heading", level=1, name="Your data is erased")).to_be_visible()
    _posted(page)
    shot("erased")
    page.goto(live_server.url + "/me/data/")
    expect(page).to_have_url(live_server.url + "/me/")
    with page.expect_response(
        lambda r: r.url == live_server.url + "/me/" and r.request.method == "POST"
    ) as answered:
        _sign_in(page, code)
    assert answered.value.status == 401
    expect(page).to_have_url(live_server.url + "/me/")
    expect(page.get_by_role("alert")).to_be_visible()
    shot("code-refused")
    # Staff: the record is purged, no value of the person is left to show, and a reveal
    # says the value was erased. (The erasure deletes the stored values, so the staff
    # view shows the fields empty rather than marked "[erased]".)
    record.refresh_from_db()
    assert record.purged is not None
    view = staff.get_record(officer, record.id)
    assert all(f.shown in ("", "[erased]") for f in view.fields), [
        (f.name, f.shown) for f in view.fields
    ]
    with pytest.raises(ValueUnreadable, match="erased"):
        staff.reveal(officer, record.id, "email", "follow_up", REASON)

    # 7. The audit log: the person's actions in order, and none of their values.
    actions = [action for action, _, _ in entries_of(vault, f"person/{subject}")]
    expected = [
        "person.sign_in",
        "own.read",
        "own.export",
        "own.export",
        "field.write",
        "own.correct",
        "own.correct",
        "consent.withdraw",
        "own.erase",
        "subject.erase",
    ]
    assert _in_order(actions, expected), actions
    text = audit_text()
    for value in (NAME, EMAIL, NEW_EMAIL, PHONE, ADDRESS, NEW_ADDRESS, DETAILS, code):
        assert value not in text, value
    for piece in ("Brackenridge", "Fennimore", "Thornbury", "odalys"):
        assert piece.lower() not in text.lower(), piece
