"""A form that cannot be sent without an opt-in says so, and points at the box (issue 8,
defect 8).

The help desk's form asks only questions whose purpose rests on consent. Leaving the
box empty used to put errors on the other fields and nothing on the box, under a
legend calling the box optional.
"""

from __future__ import annotations

import pytest
from django.test import Client

from steward.vault.models import SealedSubmission
from steward.vault.rules.intake import Submission, check_submission
from steward.vault.runtime import Vault
from tests.vault.test_intake_pages import check_accessible, nothing_stored

FORM = "/intake/assistance_request/"
ANSWERS = {
    "contact_name": "Robin",
    "contact_channel": "robin@example.net",
    "incident_description": "Phishing mails to all our staff",
    "incident_type": "phishing",
}
BOX = "consent:assistance"


def test_the_form_says_up_front_that_the_box_is_needed(
    client: Client, help_desk: tuple[Vault, object]
) -> None:
    response = client.get(FORM)
    check_accessible(response)
    html = response.content.decode()
    needed = html[html.index('class="opt-ins needed-opt-ins"') :].split("</fieldset>", 1)[0]
    assert "Your agreement: needed to send this form" in needed
    assert 'id="opt-in-assistance"' in needed
    assert "Needed to send this form." in needed
    assert "Your choices (optional)" not in html  # the help desk has no optional box
    assert "we will still help you" not in html


def test_leaving_the_needed_box_empty_points_at_the_box(
    client: Client, help_desk: tuple[Vault, object]
) -> None:
    response = client.post(FORM, ANSWERS)

    assert response.status_code == 400
    page = check_accessible(response)
    html = response.content.decode()
    assert 'id="opt-in-assistance-error"' in html
    box = html[html.index('id="opt-in-assistance"') :].split("</div>", 1)[0]
    assert 'aria-invalid="true"' in box
    assert "Tick this box to send the form" in box
    summary = html[html.index('class="error-summary"') :].split("</div>", 1)[0]
    assert 'href="#opt-in-assistance"' in summary
    assert summary.count("<li>") == 1
    for field in ("contact_name", "contact_channel", "incident_description"):
        assert f'id="field-{field}-error"' not in html  # nothing to change there
    assert "Robin" in html  # what was typed is kept for the second try
    assert nothing_stored()
    assert page.h1 == 1

    ticked = client.post(FORM, {**ANSWERS, "opt-in": "assistance"})
    assert ticked.status_code == 200
    assert SealedSubmission.objects.count() == 1


@pytest.mark.urls("tests.vault.test_api_support")
def test_the_api_puts_the_problem_on_the_box(
    client: Client, help_desk: tuple[Vault, object]
) -> None:
    response = client.post(
        "/api/intake/assistance_request",
        {"answers": ANSWERS, "consents": []},
        content_type="application/json",
    )
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert list(problems) == [BOX]
    assert "tick this box to send the form" in problems[BOX]
    assert "'Your name or a pseudonym'" in problems[BOX]
    assert nothing_stored()
    accepted = client.post(
        "/api/intake/assistance_request",
        {"answers": ANSWERS, "consents": ["assistance"]},
        content_type="application/json",
    )
    assert accepted.status_code == 201


def test_an_optional_answer_kept_only_with_consent_points_at_its_box(
    help_desk: tuple[Vault, object],
) -> None:
    """A voluntary answer whose only purpose rests on consent is never stored without
    it, and never silently dropped: the box says tick it, or clear the answer."""
    vault, _ = help_desk
    plan = vault.plan
    verdict = check_submission(plan, Submission("provider_application", {"expertise": "forensics"}))
    assert "provider_name" in verdict.problems  # required, and not given
    box = verdict.problems["consent:provider_matching"]
    assert box.startswith("tick this box to send the form")
    # With the required questions answered and the box ticked, all is well.
    answers = {
        "provider_name": "Kim",
        "provider_email": "kim@example.net",
        "expertise": "forensics",
    }
    ticked = Submission("provider_application", answers, frozenset({"provider_matching"}))
    assert check_submission(plan, ticked).accepted
