"""Sending an intake form: receipts, server-side refusals, minors, sealed forms, a
failed audit and CSRF. Nothing is stored unless the receipt is shown."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from steward.policy import load_plan_text
from steward.vault.models import AccessCode, Consent, FieldValue, Record, SealedSubmission
from steward.vault.runtime import Vault, use_vault
from steward.vault.services.collect import access_code_lookup
from tests.vault.conftest import CITY, make_vault
from tests.vault.test_intake_pages import (
    FORM,
    GOOD,
    check_accessible,
    no_store,
    nothing_stored,
)


@pytest.fixture
def guardian_vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    """The city plan, changed to accept children whose guardian agrees."""
    text = CITY.read_text().replace("policy: refuse", "policy: guardian_consent")
    assert "guardian_consent" in text
    vault, _ = make_vault(CITY, tmp_path / "keys")
    vault = dataclasses.replace(vault, loaded=load_plan_text(text, source="guardian.yaml"))
    use_vault(vault)
    yield vault
    use_vault(None)


# --- submitting -----------------------------------------------------------------------


def test_a_valid_submission_is_stored_encrypted_and_gets_a_receipt(
    client: Client, city_vault: Vault
) -> None:
    response = client.post(FORM, GOOD)
    assert response.status_code == 200
    assert no_store(response)
    check_accessible(response)
    html = response.content.decode()
    record = Record.objects.get()
    assert str(record.id) in html
    assert "2026.2" in html  # plan version
    assert "City service updates by email" in html
    assert "Agreement not given" in html
    code = re.search(r'<code class="access-code">([A-Z2-7-]+)</code>', html)
    assert code is not None
    assert AccessCode.objects.get(lookup=access_code_lookup(city_vault, code.group(1)))
    stored = b"".join(bytes(v.ciphertext) for v in FieldValue.objects.all())
    assert b"Ana Lima" not in stored
    assert b"Elm Street" not in stored
    assert Consent.objects.get().granted is False


def test_an_opt_in_is_recorded_and_shown_on_the_receipt(client: Client, city_vault: Vault) -> None:
    response = client.post(FORM, {**GOOD, "opt-in": "service_updates"})
    assert response.status_code == 200
    assert "Agreement given" in response.content.decode()
    assert Consent.objects.get().granted is True


def test_undeclared_fields_are_refused_with_a_400_listing_them(
    client: Client, city_vault: Vault
) -> None:
    response = client.post(FORM, {**GOOD, "favourite_colour": "blue", "ssn": "1"})
    assert response.status_code == 400
    check_accessible(response)
    assert 'Undeclared fields (not on this form): <span class="names">favourite_colour, ssn' in (
        response.content.decode()
    )
    assert nothing_stored()


@pytest.mark.parametrize("value", ["citizen", ""])
def test_a_never_field_is_refused_even_when_crafted(
    client: Client, city_vault: Vault, value: str
) -> None:
    response = client.post(FORM, {**GOOD, "immigration_status": value})
    assert response.status_code == 400
    assert "Fields we never record" in response.content.decode()
    assert "citizen" not in response.content.decode()
    assert nothing_stored()


def test_an_answer_sent_twice_is_refused(client: Client, city_vault: Vault) -> None:
    response = client.post(FORM, {**GOOD, "full_name": ["Ana", "Bea"]})
    assert response.status_code == 400
    assert "Answers sent more than once" in response.content.decode()
    assert nothing_stored()


def test_a_guardian_box_is_not_a_control_of_a_refusing_plan(
    client: Client, city_vault: Vault
) -> None:
    response = client.post(FORM, {**GOOD, "guardian-consent": "yes"})
    assert response.status_code == 400
    assert "guardian-consent" in response.content.decode()
    assert nothing_stored()


def test_a_missing_answer_is_shown_next_to_its_field_keeping_what_was_typed(
    client: Client, city_vault: Vault
) -> None:
    response = client.post(FORM, {**GOOD, "full_name": "", "email": "not-an-email"})
    assert response.status_code == 400
    assert no_store(response)
    page = check_accessible(response)
    html = response.content.decode()
    assert "There is a problem with your answers" in html
    assert '<a href="#field-full_name">Your name: this answer is required</a>' in html
    name = next(c for c in page.controls if c.get("name") == "full_name")
    assert "field-full_name-error" in str(name["aria-describedby"])
    assert name.get("aria-invalid") == "true"
    assert re.search(
        r'<label for="field-full_name">Your name</label>.*?'
        r'id="field-full_name-error"><strong>Problem:</strong> This answer is required\.',
        html,
        re.S,
    )
    assert 'value="12 Elm Street"' in html
    assert 'value="not-an-email"' in html
    assert "This is not an email address" in html
    assert '<option value="North" selected>' in html
    assert "Deep pothole outside number 12</textarea>" in html
    assert nothing_stored()


def test_an_unknown_opt_in_is_shown_in_the_error_summary(client: Client, city_vault: Vault) -> None:
    response = client.post(FORM, {**GOOD, "opt-in": "service_delivery"})
    assert response.status_code == 400
    assert "is not a purpose you can agree to here" in response.content.decode()
    assert nothing_stored()


def test_a_failed_audit_stores_nothing_and_says_so(
    client: Client, city_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import DatabaseError

    from steward.vault.models import AuditEntryRow

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditEntryRow.objects, "create", broken)
    response = client.post(FORM, GOOD)
    assert response.status_code == 503
    assert no_store(response)
    check_accessible(response)
    assert "did not keep any of them" in response.content.decode()
    assert nothing_stored()


# --- minors ---------------------------------------------------------------------------


def test_a_child_is_kindly_refused_when_the_plan_refuses_minors(
    client: Client, city_vault: Vault
) -> None:
    response = client.post(FORM, {**GOOD, "under-age": "yes"})
    assert response.status_code == 403
    check_accessible(response)
    html = response.content.decode()
    assert "does not collect information about children" in html
    assert "privacy@riverton.example.gov" in html
    assert "Ana Lima" not in html
    assert nothing_stored()


def test_a_guardian_plan_asks_for_and_requires_the_guardian_box(
    client: Client, guardian_vault: Vault
) -> None:
    form = client.get(FORM)
    page = check_accessible(form)
    assert {"under-age", "guardian-consent"} <= page.names()
    assert "a parent or guardian must agree" in form.content.decode()

    refused = client.post(FORM, {**GOOD, "under-age": "yes"})
    assert refused.status_code == 400
    check_accessible(refused)
    assert 'id="guardian-consent-error"' in refused.content.decode()
    assert nothing_stored()

    accepted = client.post(FORM, {**GOOD, "under-age": "yes", "guardian-consent": "yes"})
    assert accepted.status_code == 200
    assert Record.objects.get().guardian_consent is True


# --- sealed forms ---------------------------------------------------------------------


def test_a_sealed_form_says_so_and_stores_only_a_sealed_blob(
    client: Client, help_desk: tuple[Vault, object]
) -> None:
    url = "/intake/assistance_request/"
    form = client.get(url)
    check_accessible(form)
    assert "only our staff who hold the key can read them" in form.content.decode()
    answers = {
        "contact_name": "Robin",
        "contact_channel": "robin@example.net",
        "incident_description": "Phishing mails to all our staff",
        "incident_type": "phishing",
        "opt-in": "assistance",
    }
    response = client.post(url, answers)
    assert response.status_code == 200
    assert no_store(response)
    row = SealedSubmission.objects.get()
    assert str(row.id) in response.content.decode()
    assert b"Robin" not in bytes(row.sealed)
    assert not Record.objects.exists()
    assert not FieldValue.objects.exists()
    assert "encrypted on arrival" in response.content.decode()


# --- CSRF -----------------------------------------------------------------------------


def test_csrf_is_enforced(city_vault: Vault) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(FORM, GOOD).status_code == 403
    assert nothing_stored()
    form = strict.get(FORM).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    response = strict.post(FORM, {**GOOD, "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 200
    assert Record.objects.count() == 1


def test_a_sealed_form_without_an_intake_key_stores_nothing(
    client: Client, help_desk: tuple[Vault, object]
) -> None:
    vault, _ = help_desk
    use_vault(dataclasses.replace(vault, intake_public_key=None))
    answers = {
        "contact_name": "Robin",
        "contact_channel": "robin@example.net",
        "incident_description": "Phishing mails to all our staff",
        "incident_type": "phishing",
        "opt-in": "assistance",
    }
    response = client.post("/intake/assistance_request/", answers)
    assert response.status_code == 503
    assert "Robin" not in response.content.decode()
    assert nothing_stored()
