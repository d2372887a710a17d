"""A locked database is answered 503 with ``Retry-After``, on the API and on the pages.

The real thing: ``steward serve`` on SQLite while another process holds the write lock
(as a long backup or a ``sqlite3`` shell would). Nothing is stored while the lock is
held, nothing in the server's log names a record, and the same request succeeds once
the lock is released.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from steward.crypto import KeyStoreBusyError, KeyStoreError
from steward.vault.rules.busy import RETRY_AFTER_SECONDS, is_busy
from steward.vault.runtime import Vault
from tests.cli.live_vault import clean_env as _clean_env
from tests.cli.live_vault import free_port as _free_port
from tests.cli.test_serve_cli import CITY, _steward
from tests.vault import conftest as vault_conftest
from tests.vault.test_api_support import VALUES, staff_user
from tests.vault.test_assignment_matrix import session

city_vault = vault_conftest.city_vault
"""The vault fixture of the vault tests, shared."""

INTAKE = {"answers": {**VALUES, "district": "North"}}


# -- the rule -----------------------------------------------------------------------------


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__("driver error")
        self.sqlstate = sqlstate


def _wrapped(cause: BaseException) -> OperationalError:
    error = OperationalError("wrapped")
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (OperationalError("database is locked"), True),
        (OperationalError("database table is locked: vault_record"), True),
        (sqlite3.OperationalError("database is locked"), True),
        (_wrapped(_PgError("55P03")), True),  # lock_not_available
        (_wrapped(_PgError("40001")), True),  # serialization_failure
        (_wrapped(_PgError("40P01")), True),  # deadlock_detected
        (_wrapped(_PgError("23505")), False),  # unique_violation: a fault
        (OperationalError("no such table: vault_record"), False),
        (OperationalError("disk I/O error"), False),
        (RuntimeError("database is locked"), False),  # not a database error
        (KeyStoreBusyError("the subject key store is busy"), True),
        (KeyStoreError("not a subject key store"), False),
    ],
)
def test_which_database_errors_are_busy(error: BaseException, busy: bool) -> None:
    assert is_busy(error) is busy


# -- in process: every way a busy error can surface -----------------------------------------


def test_a_busy_api_view_is_503_with_retry_after(client: Client, city_vault: Vault) -> None:
    with mock.patch(
        "steward.vault.api.public.submit", side_effect=OperationalError("database is locked")
    ):
        response = client.post(
            "/api/intake/service_request", json.dumps(INTAKE), content_type="application/json"
        )
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "try again" in response.json()["detail"]


def test_a_busy_subject_key_store_at_intake_is_503(client: Client, city_vault: Vault) -> None:
    busy = KeyStoreBusyError("another process kept the subject key store busy; try again")
    with mock.patch.object(city_vault.keyring, "encrypt_record", side_effect=busy):
        response = client.post(
            "/api/intake/service_request", json.dumps(INTAKE), content_type="application/json"
        )
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_a_busy_page_is_a_503_page(client: Client, city_vault: Vault) -> None:
    with mock.patch(
        "steward.vault.views.intake.submit", side_effect=OperationalError("database is locked")
    ):
        response = client.post("/intake/service_request/", INTAKE["answers"])
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    assert b"try again in a few seconds" in response.content


def test_a_busy_error_outside_a_view_is_a_503_too(city_vault: Vault) -> None:
    client = session(staff_user("dana.ortiz", "privacy_officer", team=""))
    client.raise_request_exception = False
    # Every signed-in request notes the time in the session, which is saved after the
    # view: a lock there fails in Django's session middleware, not in a view.
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.save",
        side_effect=OperationalError("database is locked"),
    ):
        response = client.get("/staff/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert b"try again in a few seconds" in response.content


# -- the real server ------------------------------------------------------------------------


class Served:
    """A running ``steward serve`` on a SQLite data folder, with a token."""

    def __init__(self, tmp_path: Path) -> None:
        keys, self.data = tmp_path / "keys", tmp_path / "data"
        env = {**_clean_env(), "STEWARD_INTAKE_PASSPHRASE": "a long enough passphrase"}
        common = ["--plan", str(CITY), "--keys-dir", str(keys), "--data-dir", str(self.data)]
        for args in (["keys", "init", "--keys-dir", str(keys)], ["serve", *common, "--check-only"]):
            done = subprocess.run(
                [sys.executable, "-c", "from steward.cli.main import run; run()", *args],
                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
        made = _steward(
            "tokens", "create", "officer-tool", "--role", "privacy_officer", *common, cwd=tmp_path
        )
        assert made.returncode == 0, made.stderr
        self.token = made.stdout.strip().splitlines()[-1]
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                sys.executable, "-c", "from steward.cli.main import run; run()",
                "serve", *common, "--port", str(self.port), "--plain-http",
            ],
            cwd=tmp_path, env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                self.call("GET", "/")
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(self.stop())

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], bytes]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        return self.call(method, path, body, headers)

    def stop(self) -> str:
        self.process.terminate()
        _, err = self.process.communicate(timeout=15)
        return err.decode("utf-8", "replace")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()


@pytest.mark.slow
def test_a_locked_database_is_503_with_retry_after_and_nothing_is_lost(served: Served) -> None:
    status, _, body = served.api("POST", "/api/intake/service_request", INTAKE)
    assert status == 201, body
    record = json.loads(body)["reference"]
    status, _, form = served.call("GET", "/intake/service_request/")
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None

    holder = sqlite3.connect(served.data / "steward.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        status, headers, body = served.api("GET", f"/api/records/{record}")
        assert (status, headers.get("Retry-After")) == (503, str(RETRY_AFTER_SECONDS)), body
        status, headers, body = served.api("POST", "/api/intake/service_request", INTAKE)
        assert (status, headers.get("Retry-After")) == (503, str(RETRY_AFTER_SECONDS)), body
        page = urllib.parse.urlencode(
            {**INTAKE["answers"], "csrfmiddlewaretoken": token.group(1).decode()}
        ).encode()
        status, headers, body = served.call(
            "POST",
            "/intake/service_request/",
            page,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"{served.base}/intake/service_request/",
            },
        )
        assert (status, headers.get("Retry-After")) == (503, str(RETRY_AFTER_SECONDS)), body
        assert b"try again in a few seconds" in body
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    with sqlite3.connect(served.data / "steward.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM vault_record").fetchone() == (1,)
    status, _, _ = served.api("POST", "/api/intake/service_request", INTAKE)
    assert status == 201
    assert served.api("GET", f"/api/records/{record}")[0] == 200
    log = served.stop()
    assert "Service Unavailable (503)" in log
    assert record not in log
    assert "/api/records" not in log
    assert "Traceback" not in log
