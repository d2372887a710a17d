"""A person's own page, for real: through nginx over HTTPS, to ``steward serve`` in its
own process, with clients at different addresses.

The person's cookie must be Secure behind the TLS proxy, and wrong codes must be
throttled by the client's own address (which nginx passes in X-Forwarded-For and
``serve --trusted-proxy 127.0.0.1`` believes from nginx only), not by the proxy's: one
machine trying codes is stopped, and a neighbour signing in from another address is not.
The addresses used here (127.0.0.30 to 127.0.0.32) are used by no other test of the
session's deployment.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.server.stack import CSRF_FIELD, NGINX, NO_NGINX, Browser, Vault

pytestmark = [pytest.mark.slow, pytest.mark.skipif(NGINX is None, reason=NO_NGINX)]

ADDRESS_LIMIT = 20
"""Wrong codes one address may try in the window (the default)."""
ANSWERS = {
    "full_name": "Ottoline Braithwaite-Nkemelu",
    "email": "ottoline.bn@example.org",
    "street_address": "9 Quarry Steps",
    "district": "North",
    "request_type": "pothole",
    "details": "A loose drain cover",
}


def _at(vault: Vault, source: str) -> Browser:
    return Browser(vault.https_port, source=source, cert=vault.cert)


def _submit(vault: Vault) -> str:
    """Send the city form through the proxy; returns the access code on the receipt."""
    body = json.dumps({"answers": ANSWERS, "consents": ["service_updates"]})
    reply = _at(vault, "127.0.0.30").request(
        "POST", "/api/intake/service_request", body, {"Content-Type": "application/json"}
    )
    assert reply.status == 201, reply.text[:500]
    return str(json.loads(reply.text)["access_code"])


def test_a_person_signs_in_over_https_with_a_secure_cookie(deployment: Vault) -> None:
    code = _submit(deployment)
    browser = _at(deployment, "127.0.0.30")
    form = browser.get("/me/")
    assert form.status == 200, form.text[:500]
    token = CSRF_FIELD.search(form.text)
    assert token is not None
    signed_in = browser.request(
        "POST",
        "/me/",
        urlencode({"csrfmiddlewaretoken": token.group(1), "code": code}),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": browser.origin,
            "Referer": f"{browser.origin}/me/",
        },
    )
    assert signed_in.status == 302, signed_in.text[:500]
    assert signed_in.header("Location") == "/me/data/"
    (cookie,) = [c for c in signed_in.all("Set-Cookie") if c.startswith("steward_person=")]
    for attribute in ("; Secure", "; HttpOnly", "SameSite=Strict", "Path=/me/"):
        assert attribute in cookie
    page = browser.get("/me/data/")
    assert page.status == 200
    assert ANSWERS["full_name"] in page.text
    assert page.header("Cache-Control") is not None
    assert "no-store" in str(page.header("Cache-Control"))


def test_wrong_codes_are_throttled_by_the_clients_own_address(deployment: Vault) -> None:
    code = _submit(deployment)
    guesser, neighbour = _at(deployment, "127.0.0.31"), _at(deployment, "127.0.0.32")

    def me(browser: Browser, tried: str) -> int:
        return browser.request(
            "GET", "/api/me", headers={"Authorization": f"AccessCode {tried}"}
        ).status

    # Each guess is a different code, so no code's own limit is reached: the address's is.
    statuses = [me(guesser, f"AAAA-BBBB-CCCC-DDDD-{i:04d}") for i in range(ADDRESS_LIMIT)]
    assert statuses == [401] * ADDRESS_LIMIT
    throttled = guesser.request("GET", "/api/me", headers={"Authorization": f"AccessCode {code}"})
    assert throttled.status == 429
    assert throttled.header("Retry-After") is not None
    # The neighbour behind the same proxy is not the guesser: their code opens their page.
    assert me(neighbour, code) == 200
