"""The recipient's side over HTTP: the delivery page and ``POST /api/deliveries/{token}``."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.test import Client

from steward.clock import ManualClock
from steward.crypto import open_package, public_key_to_text
from steward.vault.models_egress import Delivery
from steward.vault.runtime import Vault
from steward.vault.services.deliveries import NewDelivery, create_delivery
from tests.vault.delivery_support import PAYLOAD, WEEK, a_disclosure, audited, break_audit, clock

__all__ = ["clock"]
KEY = X25519PrivateKey.generate()


def _made(vault: Vault, *, key: bool = True, max_fetches: int = 2) -> NewDelivery:
    return create_delivery(
        vault,
        actor="staff/clerk.one",
        payload=PAYLOAD,
        filename="court order 7 records.json",
        context="disclosure/7",
        expires_after=WEEK,
        public_key_text=public_key_to_text(KEY.public_key()) if key else None,
        disclosure=a_disclosure(),
        max_fetches=max_fetches,
    )


def _private(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert "no-store" in headers["Cache-Control"]
    assert headers.get("Referrer-Policy", "no-referrer") == "no-referrer"


def _download(client: Client, path: str) -> object:
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    return client.post(path, {"csrfmiddlewaretoken": token.group(1)})


def test_the_page_describes_the_delivery_and_uses_no_fetch(
    city_vault: Vault, clock: ManualClock
) -> None:
    made = _made(city_vault)
    client = Client(enforce_csrf_checks=True)
    for _ in range(3):
        page = client.get(made.path)
        assert page.status_code == 200
        _private(page)
    assert client.head(made.path).status_code == 200
    text = page.content.decode()
    assert "An encrypted delivery from" in text
    assert "disclosure/7" in text
    assert "court order 7 records.json.stwpkg" in text
    assert "8 June 2026, 09:00 UTC" in text
    assert "Downloads left</dt><dd>2" in text
    assert "steward delivery open" in text
    assert "--key" in text
    assert "Ana Lima" not in text
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert Delivery.objects.get().fetches == 0
    assert audited(city_vault, "delivery.fetch") == []


def test_the_button_downloads_the_encrypted_package(city_vault: Vault, clock: ManualClock) -> None:
    made = _made(city_vault, key=False)
    client = Client(enforce_csrf_checks=True)
    assert "--passphrase-file" in client.get(made.path).content.decode()
    response = _download(client, made.path)
    assert response.status_code == 200  # type: ignore[attr-defined]
    _private(response)
    body = response.content  # type: ignore[attr-defined]
    assert response.headers["Content-Type"] == "application/octet-stream"  # type: ignore[attr-defined]
    assert (
        'filename="court order 7 records.json.stwpkg"'
        in (
            response.headers["Content-Disposition"]  # type: ignore[attr-defined]
        )
    )
    assert response.headers["X-Content-SHA256"] == hashlib.sha256(body).hexdigest()  # type: ignore[attr-defined]
    assert made.passphrase is not None
    assert open_package(body, passphrase=made.passphrase).payload == PAYLOAD
    assert Delivery.objects.get().fetches == 1


def test_a_post_without_the_form_token_is_refused_and_uses_no_fetch(
    city_vault: Vault, clock: ManualClock
) -> None:
    made = _made(city_vault)
    assert Client(enforce_csrf_checks=True).post(made.path).status_code == 403
    assert Delivery.objects.get().fetches == 0


def test_used_up_expired_and_unknown_links_get_plain_pages(
    city_vault: Vault, clock: ManualClock
) -> None:
    made = _made(city_vault, max_fetches=1)
    client = Client(enforce_csrf_checks=True)
    assert _download(client, made.path).status_code == 200  # type: ignore[attr-defined]
    gone = client.get(made.path)
    assert gone.status_code == 410
    _private(gone)
    assert "already fetched 1 times" in gone.content.decode()
    assert "ask" in gone.content.decode()
    assert Client().post(made.path).status_code == 410
    other = _made(city_vault)
    clock.advance(WEEK + timedelta(seconds=1))
    expired = client.get(other.path)
    assert expired.status_code == 410
    assert "It expired on 2026-06-08 at 09:00 UTC." in expired.content.decode()
    missing = client.get("/deliveries/not-a-real-token/")
    assert missing.status_code == 404
    _private(missing)
    assert "There is no delivery at this link" in missing.content.decode()
    assert Client().post("/deliveries/not-a-real-token/").status_code == 404
    assert Client().put(made.path).status_code == 405


def test_a_fetch_that_cannot_be_audited_is_a_503_page(
    city_vault: Vault, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _made(city_vault)
    break_audit(monkeypatch)
    response = Client().post(made.path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "300"
    assert "did not count" in response.content.decode()
    assert Delivery.objects.get().fetches == 0


def test_the_api_hands_out_the_package_with_only_the_token(
    city_vault: Vault, clock: ManualClock
) -> None:
    made = _made(city_vault)
    client = Client(enforce_csrf_checks=True)
    url = f"/api/deliveries/{made.token}"
    response = client.post(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "application/octet-stream"
    opened = open_package(response.content, private_key=KEY, context="disclosure/7")
    assert opened.payload == PAYLOAD
    assert client.post(url).status_code == 200
    gone = client.post(url)
    assert gone.status_code == 410
    assert gone.json() == {
        "detail": "this delivery is no longer available: it was already fetched 2 times, "
        "as many as allowed"
    }
    missing = client.post("/api/deliveries/nope")
    assert missing.status_code == 404
    assert "no delivery at this link" in missing.json()["detail"]
    assert client.get(url).status_code == 405
    outcomes = [o for _, o, _ in audited(city_vault, "delivery.fetch")]
    assert outcomes == ["allowed", "allowed", "denied", "denied"]


@pytest.mark.parametrize("token", ["a.b", "a%20b", "x" * 201])
def test_the_api_refuses_what_is_not_a_token_shape(
    city_vault: Vault, clock: ManualClock, token: str
) -> None:
    response = Client().post(f"/api/deliveries/{token}")
    assert response.status_code == 422
    assert "problems" in response.json()
    assert Delivery.objects.count() == 0
