"""Vulnerability reports for real: through nginx over HTTPS to ``steward serve`` in its
own process, from clients at different addresses.

One address may send ``STEWARD_REPORT_LIMIT`` reports an hour (3 in this deployment)
through the API and the form together; the next is refused 429 with ``Retry-After``,
and the form comes back with what was typed. The limit counts the client's own address,
which nginx passes and ``serve --trusted-proxy 127.0.0.1`` believes, so a neighbour
behind the same proxy still reports. The addresses used here (127.0.0.40 and 127.0.0.41)
are used by no other test of the session's deployment.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.server.conftest import REPORT_LIMIT
from tests.server.stack import CSRF_FIELD, NGINX, NO_NGINX, Browser, Vault

pytestmark = [pytest.mark.slow, pytest.mark.skipif(NGINX is None, reason=NO_NGINX)]

REPORT = "The export page answers for any case id without checking the staff member's team."
JSON = {"Content-Type": "application/json"}


def _at(vault: Vault, source: str) -> Browser:
    return Browser(vault.https_port, source=source, cert=vault.cert)


def _api(browser: Browser, text: str = REPORT) -> tuple[int, dict[str, object], str | None]:
    reply = browser.request("POST", "/api/security/reports", json.dumps({"text": text}), JSON)
    return reply.status, json.loads(reply.text or "{}"), reply.header("Retry-After")


def test_one_address_is_limited_and_its_neighbour_is_not(deployment: Vault) -> None:
    sender, neighbour = _at(deployment, "127.0.0.40"), _at(deployment, "127.0.0.41")
    short, _, _ = _api(sender, "too short")
    assert short == 400  # refused: stored nothing, counted nothing
    references = set()
    for _ in range(REPORT_LIMIT):
        status, receipt, _ = _api(sender)
        assert status == 201, receipt
        assert receipt["sealed"] is False  # this deployment has no intake key
        references.add(receipt["reference"])
    assert len(references) == REPORT_LIMIT

    status, refused, wait = _api(sender)
    assert status == 429
    assert wait is not None
    assert 3500 < int(wait) <= 3600
    assert "too many reports came from your network" in str(refused["detail"])

    form = sender.get("/security/report/")
    assert form.status == 200, form.text[:300]
    token = CSRF_FIELD.search(form.text)
    assert token is not None
    typed = {"csrfmiddlewaretoken": token.group(1), "title": "Export", "text": REPORT + " Again."}
    page = sender.request(
        "POST",
        "/security/report/",
        urlencode(typed),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": sender.origin,
            "Referer": f"{sender.origin}/security/report/",
        },
    )
    assert page.status == 429, page.text[:500]
    assert page.header("Retry-After") is not None
    assert "without checking the staff member" in page.text  # what was typed is kept

    status, receipt, _ = _api(neighbour)
    assert status == 201, receipt
