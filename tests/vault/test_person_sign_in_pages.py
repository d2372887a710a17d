"""The person's sign-in pages (``/me/``) with Django's test client: the form, the cookie,
wrong and throttled codes, signing out; and the access code as the API credential."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.http import HttpRequest
from django.test import Client
from ninja import NinjaAPI
from ninja.testing import TestClient

from steward.audit import Outcome
from steward.clock import ManualClock, use_clock
from steward.vault.api import errors
from steward.vault.api.person_auth import PERSON_AUTH, person_of
from steward.vault.models import PersonSession
from steward.vault.runtime import Vault
from steward.vault.services.person_sessions import COOKIE_NAME, session_subject
from tests.vault.test_code_sign_in import WRONG, new_code
from tests.vault.test_staff_support import body

T0 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(T0)
    with use_clock(manual):
        yield manual


def test_the_form_asks_for_the_code_and_nothing_else(city_vault: Vault) -> None:
    response = Client().get("/me/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = body(response)
    assert '<label for="code">' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert page.count("<input") == 2  # the CSRF token and the code
    assert "<script" not in page


def test_signing_in_sets_a_strict_short_cookie(city_vault: Vault, clock: ManualClock) -> None:
    _, code = new_code(city_vault)
    client = Client()
    response = client.post("/me/", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/me/data/"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/me/"
    assert cookie["max-age"] == 900
    assert not cookie["secure"]
    assert session_subject(city_vault, cookie.value, clock.now()) is not None
    assert code not in str(response.cookies)
    secure = Client().post("/me/", {"code": code}, secure=True)
    assert secure.cookies[COOKIE_NAME]["secure"]
    entries = [(e.action, e.outcome) for e in city_vault.audit.entries()]
    assert entries[-2:] == [("person.sign_in", Outcome.ALLOWED)] * 2


def test_a_wrong_code_shows_the_form_again_401(city_vault: Vault, clock: ManualClock) -> None:
    new_code(city_vault)
    response = Client().post("/me/", {"code": WRONG})
    assert response.status_code == 401
    page = body(response)
    assert "does not open any page" in page
    assert WRONG not in page
    assert COOKIE_NAME not in response.cookies
    assert Client().post("/me/", {}).status_code == 401
    assert Client().put("/me/").status_code == 405


def test_too_many_wrong_codes_answer_429_with_when(city_vault: Vault, clock: ManualClock) -> None:
    _, code = new_code(city_vault)
    client = Client()
    for n in range(20):
        client.post("/me/", {"code": f"AAAA-BBBB-CCCC-DDDD-{n:04d}"})
        clock.advance(seconds=3)
    response = client.post("/me/", {"code": code})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60 - 60
    assert "try again in 14 minutes" in body(response)
    assert COOKIE_NAME not in response.cookies
    clock.advance(minutes=15)
    assert client.post("/me/", {"code": code}).status_code == 302


def test_signing_out_ends_the_session(city_vault: Vault, clock: ManualClock) -> None:
    _, code = new_code(city_vault)
    client = Client()
    token = client.post("/me/", {"code": code}).cookies[COOKIE_NAME].value
    assert client.get("/me/sign-out/").status_code == 405
    response = client.post("/me/sign-out/")
    assert response.status_code == 200
    assert "signed out" in body(response)
    assert response.cookies[COOKIE_NAME]["max-age"] == 0
    assert response.cookies[COOKIE_NAME]["path"] == "/me/"
    assert session_subject(city_vault, token, clock.now()) is None
    assert not PersonSession.objects.exists()
    last = list(city_vault.audit.entries())[-1]
    assert (last.action, last.outcome) == ("person.sign_out", Outcome.ALLOWED)
    assert Client().post("/me/sign-out/").status_code == 200  # no session: nothing to end


def test_the_forms_need_the_csrf_token(city_vault: Vault) -> None:
    _, code = new_code(city_vault)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/me/", {"code": code}).status_code == 403
    assert strict.post("/me/sign-out/").status_code == 403


def _person_api() -> TestClient:
    api = NinjaAPI(urls_namespace="test-person-auth")
    errors.install(api)

    @api.get("/me/who", auth=PERSON_AUTH)
    def who(request: HttpRequest) -> dict[str, str]:
        return {"subject": str(person_of(request).subject_id)}

    return TestClient(api)


def test_the_api_credential_is_throttled_and_audited(city_vault: Vault, clock: ManualClock) -> None:
    _, code = new_code(city_vault)
    api = _person_api()
    ok = api.get("/me/who", headers={"Authorization": f"AccessCode {code}"})
    assert ok.status_code == 200
    assert ok.json()["subject"]
    assert api.get("/me/who").status_code == 401
    for _ in range(5):
        wrong = api.get("/me/who", headers={"Authorization": f"AccessCode {WRONG}"})
        assert wrong.status_code == 401
        assert wrong["WWW-Authenticate"] == 'AccessCode realm="steward"'
        assert "does not open any page" in wrong.json()["detail"]
    throttled = api.get("/me/who", headers={"Authorization": f"AccessCode {WRONG}"})
    assert throttled.status_code == 429
    assert throttled["Retry-After"] == str(15 * 60)
    assert "too many wrong access codes" in throttled.json()["detail"]
    failed = [e for e in city_vault.audit.entries() if e.action == "person.sign_in_failed"]
    assert [e.purpose for e in failed] == ["wrong code"] * 5 + ["throttled"]
