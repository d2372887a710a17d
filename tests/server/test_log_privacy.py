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
