"""An unexpected failure anywhere outside the API gets a styled 500 page that leaks
nothing, even when the vault itself (plan, keys, database) is what failed; the API
answers its own JSON 500. Run with DEBUG off, as in production."""

from __future__ import annotations

import pytest
from django.http.response import HttpResponseBase
from django.test import Client

from steward.vault.runtime import Vault
from tests.vault.test_staff_support import DISTINCT, add_case, body, signed_in

SECRET = "Zephyrine lives at 77 Wobblewick Lane"
"""Personal data carried by the injected failure: it must never reach the page."""


class InjectedFailure(RuntimeError):
    """The failure the tests inject."""


def _fail(*args: object, **kwargs: object) -> None:
    raise InjectedFailure(SECRET)


@pytest.fixture(autouse=True)
def production(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]


def _assert_plain_500(response: HttpResponseBase) -> None:
    text = body(response)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"
    assert "Something went wrong" in text
    assert "/static/steward/steward.css" in text
    for leak in ("Zephyrine", "Wobblewick", "InjectedFailure", "Traceback", "/staff/"):
        assert leak not in text, leak


def test_a_failing_staff_page_gets_the_plain_500_page(
    city_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = signed_in(city_vault, "dana.ortiz", "privacy_officer")
    record = add_case(city_vault, DISTINCT)
    client.raise_request_exception = False
    monkeypatch.setattr("steward.vault.services.access.AccessService.get_record", _fail)
    _assert_plain_500(client.get(f"/staff/records/{record.id}/"))


def test_the_500_page_needs_no_vault_at_all(
    city_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The intake pages and every template's context need the vault: the 500 page not."""
    monkeypatch.setattr("steward.vault.views.context.get_vault", _fail)
    monkeypatch.setattr("steward.vault.views.intake.get_vault", _fail, raising=False)
    client = Client(raise_request_exception=False)
    _assert_plain_500(client.get("/"))


def test_the_api_answers_its_own_json_500(
    city_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("steward.vault.services.collect.submit", _fail)
    monkeypatch.setattr("steward.vault.api.public.submit", _fail)
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/intake/service_request", {"answers": DISTINCT}, content_type="application/json"
    )
    assert response.status_code == 500
    assert response.json() == {"detail": "the server could not complete the request"}
    assert "Zephyrine" not in response.content.decode()
