"""The person's choices and erasure pages (``/me/choices/``, ``/me/erase/``): what they
show, what their forms do, and that they open only for the signed-in person."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.test import Client

from steward import clock
from steward.vault.models import Consent, RightsRequest, Subject
from steward.vault.runtime import Vault
from steward.vault.services.person_sessions import COOKIE_NAME, start_session
from tests.vault.own_choices_support import (
    TICKET,
    add_donation,
    audit_entries,
    resident,
    sealed_person,
)
from tests.vault.test_staff_support import leaked


def _signed_in(vault: Vault, subject_id: object) -> Client:
    client = Client()
    token, _ = start_session(vault, subject_id, clock.now())  # type: ignore[arg-type]
    client.cookies[COOKIE_NAME] = token
    return client


def test_the_choices_page_needs_a_session(city_vault: Vault) -> None:
    resident(city_vault)
    response = Client().get("/me/choices/")
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert Client().post("/me/choices/withdraw/", {"purpose": "service_updates"}).status_code == 302
    assert not Consent.objects.filter(withdrawn__isnull=False).exists()


def test_a_person_withdraws_and_agrees_again_on_the_page(city_vault: Vault) -> None:
    record, _, _ = resident(city_vault)
    client = _signed_in(city_vault, record.subject_id)

    page = client.get("/me/choices/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "City service updates by email" in html
    assert "You agree" in html
    assert 'action="/me/choices/withdraw/"' in html
    assert "csrfmiddlewaretoken" in html
    assert '<th scope="row">' in html
    assert 'href="/me/data/"' in html
    assert leaked(html) == set()

    done = client.post("/me/choices/withdraw/", {"purpose": "service_updates"}, follow=True)
    html = done.content.decode()
    assert "Your consent is withdrawn" in html
    assert "You withdrew your consent" in html
    assert 'action="/me/choices/give/"' in html
    assert "withdrawn on" in html

    again = client.post("/me/choices/give/", {"purpose": "service_updates"}, follow=True)
    html = again.content.decode()
    assert "Your agreement is recorded" in html
    assert html.count("Agreed on") == 2  # both answers are in the history
    assert [e["action"] for e in audit_entries() if e["action"].startswith("consent.")] == [
        "consent.withdraw",
        "consent.give",
    ]


def test_a_refused_withdrawal_says_why_with_a_4xx(city_vault: Vault) -> None:
    record, _, _ = resident(city_vault, updates=False)
    client = _signed_in(city_vault, record.subject_id)
    response = client.post("/me/choices/withdraw/", {"purpose": "service_updates"})
    assert response.status_code == 403
    assert "nothing to withdraw" in response.content.decode()
    response = client.post("/me/choices/withdraw/", {"purpose": "x" * 500})
    assert response.status_code == 403
    assert "no such purpose" in response.content.decode()


def test_a_get_of_a_form_action_is_refused(city_vault: Vault) -> None:
    record, _, _ = resident(city_vault)
    client = _signed_in(city_vault, record.subject_id)
    assert client.get("/me/choices/withdraw/").status_code == 405


def test_immediate_erasure_signs_the_person_out(city_vault: Vault) -> None:
    record, _, _ = resident(city_vault)
    client = _signed_in(city_vault, record.subject_id)
    page = client.get("/me/erase/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'type="checkbox"' in html
    assert '<label for="confirm">' in html
    assert "cannot be undone" in html

    unconfirmed = client.post("/me/erase/", {})
    assert unconfirmed.status_code == 400
    assert "tick the box" in unconfirmed.content.decode()
    assert Subject.objects.get(pk=record.subject_id).erased is None

    erased = client.post("/me/erase/", {"confirm": "yes"})
    assert erased.status_code == 200
    assert "Your data is erased" in erased.content.decode()
    assert erased.cookies[COOKIE_NAME].value == ""
    assert Subject.objects.get(pk=record.subject_id).erased is not None
    # The page no longer opens, even with the old cookie.
    client.cookies[COOKIE_NAME] = "stale"
    assert client.get("/me/choices/").status_code == 302


def test_a_donor_sees_what_is_kept_and_asks_for_erasure(
    help_desk: tuple[Vault, X25519PrivateKey],
) -> None:
    vault, intake = help_desk
    record, _, _ = sealed_person(vault, intake, "assistance_request", TICKET, "assistance")
    add_donation(vault, record.subject_id)
    client = _signed_in(vault, record.subject_id)

    html = client.get("/me/erase/").content.decode()
    assert "What we must keep, why, and until when" in html
    assert "Payment processor transaction id" in html
    assert "legal obligation" in html
    assert "Internal Revenue Code" in html
    assert "txn-8832" not in html
    assert "Riverbank" not in html

    asked = client.post("/me/erase/", {"confirm": "yes"})
    assert asked.status_code == 202
    assert "We received your request" in asked.content.decode()
    assert RightsRequest.objects.get(kind="erasure").status == "open"

    again = client.post("/me/erase/", {"confirm": "yes"})
    assert again.status_code == 409
    assert "already asked" in again.content.decode()
    assert "staff are answering your request" in client.get("/me/erase/").content.decode()
