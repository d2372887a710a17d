"""Defect 1: behind the documented TLS proxy, pages are served over HTTPS.

nginx runs the example configuration shipped in docs/examples/nginx-steward.conf with a
throw-away certificate; ``steward serve --trusted-proxy 127.0.0.1`` runs behind it. A
real HTTPS client checks what a browser would meet.
"""

from __future__ import annotations

import pytest

from tests.server.stack import NGINX, NO_NGINX, Browser, Vault

pytestmark = [pytest.mark.slow, pytest.mark.skipif(NGINX is None, reason=NO_NGINX)]

HSTS = "max-age=31536000; includeSubDomains; preload"


def https(vault: Vault, source: str = "127.0.0.1") -> Browser:
    return Browser(vault.https_port, source=source, cert=vault.cert)


def test_the_login_page_is_served_over_https_with_hsts_and_secure_cookies(
    deployment: Vault,
) -> None:
    page = https(deployment).get("/staff/login/")
    assert page.status == 200, page.text[:500]
    assert "Staff sign-in" in page.text
    assert page.header("Strict-Transport-Security") == HSTS
    (csrf,) = [c for c in page.all("Set-Cookie") if c.startswith("csrftoken=")]
    assert "; Secure" in csrf
    assert "SameSite=Strict" in csrf


def test_signing_in_gives_a_secure_session_cookie(deployment: Vault) -> None:
    browser = https(deployment)
    signed_in = browser.sign_in("tess.ng", deployment.passwords["tess.ng"])
    assert signed_in.status == 302, signed_in.text[:500]
    assert signed_in.header("Location") == "/staff/password/"  # a one-time password first
    (session,) = [c for c in signed_in.all("Set-Cookie") if c.startswith("steward_session=")]
    for attribute in ("; Secure", "; HttpOnly", "SameSite=Strict"):
        assert attribute in session
    assert signed_in.header("Strict-Transport-Security") == HSTS
    assert browser.get("/staff/password/").status == 200  # the session holds over HTTPS


def test_plain_http_is_redirected_once_to_https(deployment: Vault) -> None:
    first = Browser(deployment.http_port).get("/staff/login/?next=/staff/")
    assert first.status == 301
    target = f"https://127.0.0.1:{deployment.https_port}/staff/login/?next=/staff/"
    assert first.header("Location") == target
    second = https(deployment).get("/staff/login/?next=/staff/")
    assert second.status == 200  # one redirect, then the page: no loop


def test_a_client_cannot_claim_https_straight_to_waitress(deployment: Vault) -> None:
    """Only the proxy's X-Forwarded-Proto is believed; a client that reaches waitress
    itself (from an address that is not the proxy's) is still sent to HTTPS."""
    direct = Browser(deployment.waitress_port, source="127.0.0.5")
    claimed = direct.get("/staff/login/", headers={"X-Forwarded-Proto": "https"})
    assert claimed.status == 301
    assert claimed.header("Location") == (
        f"https://127.0.0.1:{deployment.waitress_port}/staff/login/"
    )
    assert claimed.header("Strict-Transport-Security") is None
    forwarded = direct.get("/staff/login/", headers={"Forwarded": "proto=https"})
    assert forwarded.status == 301
