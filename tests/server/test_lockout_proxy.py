"""Defect 4, for real: sign-in lockout through nginx, with clients at different addresses.

Every sign-in reaches waitress from nginx (127.0.0.1); nginx passes the client's own
address (127.0.0.2, 127.0.0.3, ...: Linux routes all of 127.0.0.0/8 to ``lo``) in
X-Forwarded-For, which ``serve --trusted-proxy 127.0.0.1`` believes from nginx only.
The address limit is 8 here (``STEWARD_LOCKOUT_ADDRESS_FAILURES``); the name limit is
the default 5.
"""

from __future__ import annotations

import re

import pytest

from tests.server.conftest import ADDRESS_LIMIT
from tests.server.stack import NGINX, NO_NGINX, Browser, Vault, steward

pytestmark = [pytest.mark.slow, pytest.mark.skipif(NGINX is None, reason=NO_NGINX)]

NAME_LOCKED = "Too many wrong passwords were tried for this user name"
ADDRESS_THROTTLED = "Too many failed sign-ins came from your network address"


def without_time(text: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "(time)", text)


def test_lockout_through_the_proxy(deployment: Vault) -> None:
    def at(source: str) -> Browser:
        return Browser(deployment.https_port, source=source, cert=deployment.cert)

    ana, ben = deployment.passwords["ana.lima"], deployment.passwords["ben.okafor"]
    first, second, third = at("127.0.0.2"), at("127.0.0.3"), at("127.0.0.4")

    # Five wrong passwords lock ana.lima; the page says so, with the time.
    statuses = [first.sign_in("ana.lima", f"wrong {i}").status for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    refused = first.sign_in("ana.lima", ana)
    assert refused.status == 429
    (alert,) = refused.alerts()
    assert NAME_LOCKED in alert
    assert "locked until" in alert
    assert at("127.0.0.3").sign_in("ana.lima", ana).status == 429  # the name, from anywhere

    # ... but not the office: ben.okafor signs in through the same proxy, from the same
    # address as the failures and from another.
    assert first.sign_in("ben.okafor", ben).status == 302
    assert second.sign_in("ben.okafor", ben).status == 302

    # The administrator lifts the lock.
    lifted = steward("staff", "unlock", "ana.lima", *deployment.options)
    assert lifted.returncode == 0, lifted.stderr
    assert "Lifted the lock on 'ana.lima'" in lifted.stdout
    assert "forgot 5 failed sign-ins" in " ".join(lifted.stdout.split())
    assert first.sign_in("ana.lima", ana).status == 302
    unknown = steward("staff", "unlock", "nobody.here", *deployment.options)
    assert unknown.returncode == 2
    assert "no staff account named 'nobody.here'" in unknown.stderr

    # A name that has no account locks exactly the same way.
    invented = [first.sign_in("no.such.person", f"guess {i}").status for i in range(5)]
    assert invented == statuses
    same = first.sign_in("no.such.person", ana)
    assert same.status == 429
    assert [without_time(a) for a in same.alerts()] == [without_time(alert)]

    # Spraying one password over many names throttles that address only.
    sprayed = [second.sign_in(f"staff.{i}", "Summer2026!").status for i in range(ADDRESS_LIMIT)]
    assert sprayed == [401] * (ADDRESS_LIMIT - 1) + [429]
    throttled = second.sign_in("ben.okafor", ben)
    assert throttled.status == 429
    (why,) = throttled.alerts()
    assert ADDRESS_THROTTLED in why
    assert third.sign_in("ben.okafor", ben).status == 302

    # A forged X-Forwarded-For does not get the throttled client out: nginx overwrites it.
    forged = second.sign_in("ben.okafor", ben, headers={"X-Forwarded-For": "127.0.0.99"})
    assert forged.status == 429
    # Sent straight to waitress (not from the proxy's address), forwarded headers are
    # dropped: the request is plain http, so it is only redirected, never counted.
    direct = Browser(deployment.waitress_port, source="127.0.0.6").request(
        "POST",
        "/staff/login/",
        body="username=ben.okafor&password=guess",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": "127.0.0.99",
            "X-Forwarded-Proto": "https",
        },
    )
    assert direct.status == 301

    # axes recorded each failure under the client's own address: never the proxy's,
    # never a forged one.
    assert deployment.attempt_addresses() == {"127.0.0.2", "127.0.0.3"}
