"""The trusted proxy: parsing ``serve``'s options, and what a real waitress makes of
forwarded headers from the proxy and from anyone else.

The waitress tests run the real server (in a thread, on a loopback port) with the
options ``steward serve`` gives it, and connect from chosen loopback source addresses
(Linux routes all of 127.0.0.0/8 to ``lo``).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from steward.cli.main import app
from steward.server.proxies import (
    ProxySettingError,
    TrustedProxies,
    proxy_warnings,
    trusted_proxies,
    waitress_setup,
)

ROOT = Path(__file__).resolve().parents[2]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
DEFAULT = frozenset({"x-forwarded-proto", "x-forwarded-for"})
PROTO = frozenset({"x-forwarded-proto"})
TWO = ("127.0.0.1", "10.0.0.2")


@pytest.mark.parametrize(
    ("addresses", "headers", "expected"),
    [
        (None, None, TrustedProxies()),
        ([], [], TrustedProxies()),
        (["127.0.0.1"], None, TrustedProxies(("127.0.0.1",), DEFAULT)),
        (["127.0.0.1, 10.0.0.2"], None, TrustedProxies(TWO, DEFAULT)),
        (["127.0.0.1", "10.0.0.2", "127.0.0.1"], None, TrustedProxies(TWO, DEFAULT)),
        (["[::1]"], None, TrustedProxies(("::1",), DEFAULT)),
        (["0:0:0:0:0:0:0:1"], None, TrustedProxies(("::1",), DEFAULT)),
        (["10.0.0.2"], ["X-Forwarded-Proto"], TrustedProxies(("10.0.0.2",), PROTO)),
        (["10.0.0.2"], ["forwarded"], TrustedProxies(("10.0.0.2",), frozenset({"forwarded"}))),
        (
            ["10.0.0.2"],
            ["x-forwarded-proto,x-forwarded-for", "x-forwarded-host"],
            TrustedProxies(("10.0.0.2",), DEFAULT | {"x-forwarded-host"}),
        ),
    ],
)  # fmt: skip
def test_options_parse(
    addresses: list[str] | None, headers: list[str] | None, expected: TrustedProxies
) -> None:
    assert trusted_proxies(addresses, headers) == expected


@pytest.mark.parametrize(
    ("addresses", "headers", "plain_http", "message"),
    [
        (["*"], None, False, "every client"),
        (["10.0.0.0/8"], None, False, "not a network"),
        (["proxy.internal"], None, False, "must be an IP address"),
        (["0.0.0.0"], None, False, "no proxy connects from"),
        (["::"], None, False, "no proxy connects from"),
        (["224.0.0.1"], None, False, "no proxy connects from"),
        ([], ["x-forwarded-proto"], False, "needs --trusted-proxy"),
        (["127.0.0.1"], ["x-real-ip"], False, "unknown forwarded header 'x-real-ip'"),
        (["127.0.0.1"], ["forwarded", "x-forwarded-for"], False, "not both"),
        (["127.0.0.1"], ["x-forwarded-for"], False, "cannot know a request came over HTTPS"),
    ],
)
def test_nonsense_is_refused_with_a_reason(
    addresses: list[str], headers: list[str] | None, plain_http: bool, message: str
) -> None:
    with pytest.raises(ProxySettingError, match=message):
        trusted_proxies(addresses, headers, plain_http=plain_http)


def test_only_the_address_on_plain_http_needs_no_scheme_header() -> None:
    proxies = trusted_proxies(["127.0.0.1"], ["x-forwarded-for"], plain_http=True)
    assert proxies.headers == {"x-forwarded-for"}


def test_warnings() -> None:
    (none,) = proxy_warnings(TrustedProxies(), plain_http=False)
    assert "no --trusted-proxy" in none
    assert proxy_warnings(TrustedProxies(), plain_http=True) == []
    assert proxy_warnings(trusted_proxies(["127.0.0.1"], None), plain_http=False) == []
    (no_for,) = proxy_warnings(
        trusted_proxies(["127.0.0.1"], ["x-forwarded-proto"]), plain_http=False
    )
    assert "address throttle counts all clients together" in no_for


# --- a real waitress --------------------------------------------------------------


def _echo(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """What the application sees: the scheme, the client's address, forwarded headers."""
    seen = {
        "scheme": environ["wsgi.url_scheme"],
        "remote": environ["REMOTE_ADDR"],
        "forwarded": sorted(k for k in environ if "FORWARDED" in k),
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(seen).encode()]


@contextmanager
def waitress_with(proxies: TrustedProxies) -> Iterator[int]:
    """waitress serving the echo app with ``serve``'s proxy options; yields its port."""
    from waitress.server import create_server

    application, options = waitress_setup(_echo, proxies)
    server = create_server(application, host="127.0.0.1", port=0, threads=2, **options)
    stop = threading.Event()

    def run() -> None:  # waitress's own loop, in short turns, so the test can stop it
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.close()
        server.task_dispatcher.shutdown()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield int(server.effective_port)
    finally:
        stop.set()
        thread.join(timeout=10)


def seen_from(port: int, source: str, headers: dict[str, str]) -> dict[str, Any]:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, source_address=(source, 0), timeout=10
    )
    try:
        connection.request("GET", "/", headers=headers)
        return dict(json.loads(connection.getresponse().read()))
    finally:
        connection.close()


FORGED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-For": "192.0.2.66",
    "X-Forwarded-Host": "evil.example",
    "Forwarded": "for=192.0.2.66;proto=https",
}


def test_without_a_trusted_proxy_no_client_can_claim_https_or_an_address() -> None:
    with waitress_with(TrustedProxies()) as port:
        for source in ("127.0.0.1", "127.0.0.2"):
            seen = seen_from(port, source, FORGED)
            assert seen == {"scheme": "http", "remote": source, "forwarded": []}


@pytest.mark.parametrize(
    "proxies",
    [
        trusted_proxies(["127.0.0.1"], None),
        trusted_proxies(["127.0.0.1", "127.0.0.3"], None),  # several: Steward's dispatch
    ],
    ids=["one proxy", "two proxies"],
)
def test_only_the_trusted_proxy_is_believed(proxies: TrustedProxies) -> None:
    with waitress_with(proxies) as port:
        from_proxy = seen_from(port, "127.0.0.1", FORGED)
        assert from_proxy["scheme"] == "https"
        assert from_proxy["remote"] == "192.0.2.66"
        # x-forwarded-host and forwarded are not trusted: dropped even from the proxy
        assert from_proxy["forwarded"] == ["HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO"]
        stranger = seen_from(port, "127.0.0.2", FORGED)
        assert stranger == {"scheme": "http", "remote": "127.0.0.2", "forwarded": []}
        if len(proxies.addresses) > 1:
            assert seen_from(port, "127.0.0.3", FORGED)["scheme"] == "https"


def test_the_proxy_chain_takes_the_address_the_proxy_saw() -> None:
    """A client sending its own X-Forwarded-For to a proxy that appends (not this
    docs' nginx, which overwrites) still gets only the address the proxy saw."""
    with waitress_with(trusted_proxies(["127.0.0.1"], None)) as port:
        chained = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.9.9.9, 198.51.100.4"}
        assert seen_from(port, "127.0.0.1", chained)["remote"] == "198.51.100.4"


# --- the command line -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--trusted-proxy", "*"], {}, "every client"),
        (["--trusted-proxy", "proxy.internal"], {}, "must be an IP address"),
        (["--trusted-proxy-headers", "x-forwarded-proto"], {}, "needs --trusted-proxy"),
        (
            ["--trusted-proxy", "127.0.0.1", "--trusted-proxy-headers", "x-forwarded-for"],
            {},
            "cannot know a request came over HTTPS",
        ),
        ([], {"STEWARD_TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/8"}, "not a network"),
        (
            [],
            {"STEWARD_TRUSTED_PROXIES": "127.0.0.1", "STEWARD_TRUSTED_PROXY_HEADERS": "x-real-ip"},
            "unknown forwarded header",
        ),
    ],
)
def test_serve_refuses_nonsense_with_exit_2(
    args: list[str], env: dict[str, str], message: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        ["serve", "--plan", str(CITY), "--keys-dir", str(tmp_path / "keys"), *args],
        env=env,
    )
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "keys").exists()


def _steward(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STEWARD_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", "from steward.cli.main import run; run()", *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(ROOT / "src"), **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_serve_warns_without_a_trusted_proxy_and_names_the_one_it_trusts(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    made = _steward(
        "keys", "init", "--keys-dir", str(keys), "--no-intake-key", env={}, cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    common = ["serve", "--plan", str(CITY), "--keys-dir", str(keys), "--check-only"]
    alone = _steward(*common, env={}, cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert "warning: no --trusted-proxy" in alone.stderr
    trial = _steward(*common, "--plain-http", env={}, cwd=tmp_path)
    assert "warning" not in trial.stderr
    proxied = _steward(
        *common, env={"STEWARD_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.2"}, cwd=tmp_path
    )
    assert proxied.returncode == 0, proxied.stderr
    assert "warning" not in proxied.stderr
    assert "Trusting x-forwarded-for, x-forwarded-proto from 127.0.0.1, 10.0.0.2 only" in " ".join(
        proxied.stdout.split()
    )
