"""Someone asks the help desk for help in a real browser and leaves the needed box empty:
the page points at the box, and once it is ticked the form is sent (issue 8, defect 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from steward.vault.models import SealedSubmission
from steward.vault.runtime import Vault
from tests.vault.browser.test_resident_intake import _send

pytestmark = pytest.mark.browser


def test_the_needed_box_is_announced_and_its_error_points_at_it(
    page: Page, live_server: LiveServer, live_help_desk_vault: Vault, tmp_path: Path
) -> None:
    page.goto(live_server.url + "/intake/assistance_request/")
    expect(page.get_by_text("Your agreement: needed to send this form")).to_be_visible()
    expect(page.get_by_text("Your choices (optional)")).to_have_count(0)
    box = page.get_by_role("checkbox", name="I ask Open Shield to assess this incident")
    expect(box).not_to_be_checked()

    page.get_by_label("Your name or a pseudonym", exact=True).fill("Robin")
    page.get_by_label("How we can reach you securely", exact=False).fill("robin@example.net")
    page.get_by_label("What happened, and what have you tried?", exact=True).fill(
        "Phishing mails to all our staff"
    )
    page.get_by_label("Kind of incident", exact=True).select_option("phishing")
    _send(page)

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Your agreement: Assessing the problem")
    expect(summary).to_contain_text("tick this box to send the form")
    expect(summary.get_by_role("link")).to_have_count(1)
    summary.get_by_role("link").click()
    box = page.get_by_role("checkbox", name="I ask Open Shield to assess this incident")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_accessible_description(
        "Purpose: Assessing the problem and matching a provider. This uses: Your name or a "
        "pseudonym, How we can reach you securely (email, Signal number), What happened, and "
        "what have you tried?, Kind of incident. Needed to send this form. Problem: Tick this "
        "box to send the form: we can use your answers to 'Your name or a pseudonym', 'How we "
        "can reach you securely (email, Signal number)' and 'What happened, and what have you "
        "tried?' only if you agree to 'Assessing the problem and matching a provider'. If you "
        "do not agree, do not send the form; nothing you typed is kept."
    )
    name = page.get_by_label("Your name or a pseudonym", exact=True)
    expect(name).not_to_have_attribute("aria-invalid", "true")
    expect(name).to_have_value("Robin")
    page.screenshot(path=str(tmp_path / "needed-box.png"), full_page=True)
    assert SealedSubmission.objects.count() == 0

    box.check()
    _send(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we received your form")
    assert SealedSubmission.objects.count() == 1
