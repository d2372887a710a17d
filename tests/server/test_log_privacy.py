"""The server's logs hold no request path, record id or exception text.

Errors are forced through the real Django stack and the real ``LOGGING`` of
``steward.server.settings``; what its handler writes is read back.
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from steward.server.log_privacy import RequestPrivacyFilter
from steward.vault.runtime import Vault
from tests.vault import conftest as vault_conftest
from tests.vault.test_api_support import bearer, make_case, staff_user, token_for
from tests.vault.test_assignment_matrix import session

city_vault = vault_conftest.city_vault
"""The vault fixture of the vault tests, shared."""

SECRET = "Zebulon Quartermaine"


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """What the configured log handler writes, for the length of a test."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestPrivacyFilter) for f in h.filters)
    ]
    assert handlers, "the root logger has no handler with the privacy filter"
    (handler,) = handlers
    assert isinstance(handler, logging.StreamHandler)
    for name in ("django.request", "django", "waitress", "steward.api"):
        assert handler in logging.getLogger(name).handlers or logging.getLogger(name).propagate
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def _clean(text: str, *ids: object) -> None:
    for value in ids:
        assert str(value) not in text
        assert str(value).replace("-", "") not in text
    assert SECRET not in text
    assert "/staff/records" not in text
    assert "/api/records" not in text
    assert "Traceback" not in text


def test_a_page_error_logs_its_view_and_type_only(city_vault: Vault, written: io.StringIO) -> None:
    record = make_case(city_vault)
    client = session(staff_user("dana.ortiz", "privacy_officer", team=""))
    client.raise_request_exception = False
    fault = RuntimeError(f"{SECRET} in record {record.id}")
    with mock.patch("steward.vault.views.staff.AccessService.get_record", side_effect=fault):
        response = client.get(f"/staff/records/{record.id}/")
    assert response.status_code == 500
    text = written.getvalue()
    assert "Internal Server Error (500) in view staff:record (RuntimeError)" in text
    _clean(text, record.id)


def test_an_api_error_and_a_busy_database_log_no_path(
    client: Client, city_vault: Vault, written: io.StringIO
) -> None:
    record = make_case(city_vault)
    headers = bearer(token_for(city_vault, "privacy_officer", team=""))
    fault = RuntimeError(f"{SECRET} {record.id}")
    with mock.patch("steward.vault.services.access.AccessService.get_record", side_effect=fault):
        assert client.get(f"/api/records/{record.id}", headers=headers).status_code == 500
    busy = OperationalError("database is locked")
    with mock.patch("steward.vault.services.access.AccessService.get_record", side_effect=busy):
        response = client.get(f"/api/records/{record.id}", headers=headers)
    assert response.status_code == 503
    text = written.getvalue()
    assert "Service Unavailable (503)" in text
    _clean(text, record.id)


def test_waitress_and_other_loggers_lose_paths_and_ids(written: io.StringIO) -> None:
    record = uuid.uuid4()
    try:
        raise ValueError(f"{SECRET} {record}")
    except ValueError:
        logging.getLogger("waitress").exception(
            "Exception while serving /staff/records/%s/reveal/email/", record
        )
    logging.getLogger("steward.somewhere").error("could not open record/%s", record.hex)
    logging.getLogger("waitress").info("Serving on http://127.0.0.1:8000")
    text = written.getvalue()
    assert "Exception while serving <path> (ValueError)" in text
    assert "could not open record/<id>" in text
    assert "Serving on http://127.0.0.1:8000" in text
    _clean(text, record)


def test_addresses_and_times_of_day_are_removed(written: io.StringIO) -> None:
    """waitress names the forwarded client address when a proxy header is malformed, and a
    failing connection by its peer; other messages may carry a timestamp."""
    waitress = logging.getLogger("waitress")
    waitress.warning(
        'Malformed proxy header "%s" from "%s": %s value: %s',
        "x-forwarded-for", "127.0.0.1", "invalid address", "81.2.69.160, 2001:db8::7",
    )  # fmt: skip
    waitress.error(
        "uncaptured python exception, closing channel <HTTPChannel connected "
        "::ffff:10.1.2.3:5123 at 0x7f> (builtins.OSError:x [socket.py|recv|1])"
    )
    logging.getLogger("steward.somewhere").error(
        "run started 2026-11-30T15:47:12.123456+00:00, again 2026-11-30 15:48, at 15:49:01"
    )
    waitress.info("Serving on http://127.0.0.1:8000")
    text = written.getvalue()
    for leak in ("81.2.69.160", "2001:db8::7", "10.1.2.3", "15:47", "15:48", "15:49"):
        assert leak not in text
    assert 'from "<address>": invalid address value: <address>, <address>' in text
    assert "run started 2026-11-30, again 2026-11-30, at <time>" in text
    assert "Serving on http://127.0.0.1:8000" in text  # where it listens, nobody's address


def test_a_warning_is_named_by_its_kind_and_place(written: io.StringIO) -> None:
    """What ``logging.captureWarnings`` writes (pytest catches real warnings in tests; the
    process test below raises one for real)."""
    import warnings

    text = warnings.formatwarning(f"naive datetime for {SECRET}", RuntimeWarning, "models.py", 12)
    logging.getLogger("py.warnings").warning("%s", text)
    text = written.getvalue()
    assert "warning RuntimeWarning at models.py:12" in text
    assert SECRET not in text


UNCAUGHT = """
import os, threading, warnings
import django
django.setup()
secret = "Zebulon Quartermaine at 81.2.69.160, 15:47:12, record {record}"
warnings.warn(secret, RuntimeWarning)
def fail():
    raise ValueError(secret)
thread = threading.Thread(target=fail, name="steward-test-thread")
thread.start()
thread.join()
raise RuntimeError(secret)
"""


def test_a_process_with_the_server_settings_prints_no_traceback(tmp_path) -> None:
    """Python itself prints warnings and the errors that end a thread or the process to
    standard error; with the server's settings, they go through the filter."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    record = uuid.uuid4()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEWARD_", "DJANGO_"))}
    env |= {
        "PYTHONPATH": str(root / "src"),
        "DJANGO_SETTINGS_MODULE": "steward.server.settings",
        "STEWARD_SECRET_KEY": "a-test-only-secret-key-0123456789abcdefghijklmnop",
        "STEWARD_KEYS_DIR": str(tmp_path / "keys"),
        "STEWARD_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", UNCAUGHT.replace("{record}", str(record))],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    text = done.stderr
    assert "warning RuntimeWarning at <string>:6" in text
    assert "thread steward-test-thread stopped on an error (ValueError)" in text
    assert "the process stopped on an error (RuntimeError)" in text
    for leak in (SECRET, "81.2.69.160", "15:47", str(record), "Traceback"):
        assert leak not in text, text
