"""The person's own data page (``/me/data/``) and its forms and downloads, signed in
with a person session: the authorization matrix, what is shown, what is never shown."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from steward import clock
from steward.vault.models import Record, RightsRequest
from steward.vault.runtime import Vault
from steward.vault.services.collect import Receipt
from steward.vault.services.person_sessions import COOKIE_NAME, start_session
from tests.vault.own_data_support import OTHER, audit_text, entries_of, person, subject_of
from tests.vault.test_staff_support import DISTINCT, leaked

SHOWN = set(DISTINCT) - {"age_band"}


def signed_in(vault: Vault, receipt: Receipt, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    token, _ = start_session(vault, subject_of(receipt), clock.now())
    client.cookies[COOKIE_NAME] = token
    return client


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/me/data/"),
        ("get", "/me/copy.json"),
        ("get", "/me/copy.csv"),
        ("post", "/me/correct/"),
        ("post", "/me/ask/"),
    ],
)
def test_without_a_session_every_page_sends_to_sign_in(
    city_vault: Vault, method: str, url: str
) -> None:
    person(city_vault)
    client = Client()
    client.cookies[COOKIE_NAME] = "not-a-session"
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert response["Cache-Control"] == "no-store"


def test_the_page_shows_the_persons_values_and_never_staff_only_fields(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    person(city_vault, OTHER)
    response = signed_in(city_vault, receipt).get("/me/data/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    # in clear (district and type are not secret, so leaked() does not look for them),
    # and never the age band
    assert leaked(body) == SHOWN - {"district", "request_type"}
    assert "streetlight" in body
    assert "Barnaby" not in body
    assert "Your age group" in body  # listed by label only
    assert receipt.reference in body
    assert 'action="/me/sign-out/"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert "/me/copy.json" in body
    assert "/me/copy.csv" in body
    assert 'action="/me/ask/"' in body
    assert "Who accessed your data" in body
    assert "Send to staff" in body  # a field staff check
    assert "Save" in body  # a field the person corrects
    assert entries_of(city_vault, me.ref)[-1][0] == "own.read"


def test_every_correction_input_has_a_label(city_vault: Vault) -> None:
    receipt, _ = person(city_vault)
    body = signed_in(city_vault, receipt).get("/me/data/").content.decode()
    for field in SHOWN:
        control = f'id="fix-{receipt.reference}-{field}"'
        assert control in body
        assert f'for="fix-{receipt.reference}-{field}"' in body


@pytest.mark.parametrize(
    ("field", "value", "status", "notice", "outcome"),
    [
        ("email", "new.one@example.org", 302, "corrected", "done"),
        ("district", "East", 302, "requested", "open"),
        ("age_band", "18-29", 403, "", None),
        ("immigration_status", "Zanzibarian", 403, "", None),
        ("email", "Zanzibarian mail", 400, "", None),
        ("nope", "Zanzibarian", 404, "", None),
    ],
)
def test_corrections_from_the_page(
    city_vault: Vault,
    field: str,
    value: str,
    status: int,
    notice: str,
    outcome: str | None,
) -> None:
    receipt, _ = person(city_vault)
    client = signed_in(city_vault, receipt)
    response = client.post(
        "/me/correct/", {"record": receipt.reference, "field": field, "value": value}
    )
    assert response.status_code == status
    if notice:
        assert response["Location"] == f"/me/data/?notice={notice}"
        assert "Your correction" in client.get(response["Location"]).content.decode()
    else:
        assert value not in response.content.decode()
        assert "Not done" in response.content.decode()
    requests = list(
        RightsRequest.objects.filter(kind="correction").values_list("status", flat=True)
    )
    assert requests == ([outcome] if outcome else [])
    assert "Zanzibar" not in audit_text()


def test_a_session_never_reaches_another_persons_record(city_vault: Vault) -> None:
    receipt, _ = person(city_vault)
    other, _ = person(city_vault, OTHER)
    client = signed_in(city_vault, receipt)
    response = client.post(
        "/me/correct/", {"record": other.reference, "field": "email", "value": "x@example.org"}
    )
    assert response.status_code == 404
    body = response.content.decode()
    assert "Barnaby" not in body
    assert other.reference not in body
    assert not Record.objects.get(pk=other.reference).rights_requests.exists()


def test_forms_need_the_csrf_token(city_vault: Vault) -> None:
    receipt, _ = person(city_vault)
    client = signed_in(city_vault, receipt, enforce_csrf_checks=True)
    response = client.post(
        "/me/correct/", {"record": receipt.reference, "field": "email", "value": "a@example.org"}
    )
    assert response.status_code == 403
    assert not RightsRequest.objects.exists()


def test_downloads_are_private_attachments(city_vault: Vault) -> None:
    receipt, me = person(city_vault)
    client = signed_in(city_vault, receipt)
    as_json = client.get("/me/copy.json")
    assert as_json.status_code == 200
    assert as_json["Content-Disposition"].startswith("attachment;")
    assert as_json["Cache-Control"] == "no-store"
    data = json.loads(as_json.content)
    assert {f["field"] for f in data["records"][0]["fields"]} == SHOWN
    as_csv = client.get("/me/copy.csv")
    assert as_csv["Content-Disposition"].startswith("attachment;")
    assert as_csv["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert {r["field"] for r in rows if r["section"] == "field"} == SHOWN
    assert [a for a, _, _ in entries_of(city_vault, me.ref)].count("own.export") == 2
    assert RightsRequest.objects.filter(kind="export", status="done").count() == 2


def test_asking_for_hidden_fields_from_the_page(city_vault: Vault) -> None:
    receipt, _ = person(city_vault)
    client = signed_in(city_vault, receipt)
    response = client.post("/me/ask/")
    assert response.status_code == 302
    assert response["Location"] == "/me/data/?notice=asked"
    page = client.get(response["Location"]).content.decode()
    assert "Your request was sent to staff" in page
    assert RightsRequest.objects.filter(kind="access", status="open").count() == 1
