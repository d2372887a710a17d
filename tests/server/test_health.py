"""``GET /healthz``: the process answers, without touching the database, the web log or
the HTTPS redirect that a proxy's own health probe could not follow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.vault.runtime import Vault


def test_the_health_check_answers_ok_and_is_never_cached(city_vault: Vault) -> None:
    del city_vault
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert len(queries) == 0


def test_the_health_check_only_answers_reads(city_vault: Vault) -> None:
    del city_vault
    client = Client()
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_the_health_check_is_not_redirected_to_https(
    city_vault: Vault, settings: pytest.FixtureRequest
) -> None:
    """A service manager polls the process on its own port, in plain HTTP; the pages
    are still redirected."""
    del city_vault
    settings.SECURE_SSL_REDIRECT = True  # type: ignore[attr-defined]
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_the_health_check_is_not_a_visit_in_the_web_log(
    city_vault: Vault, settings: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Polled every few seconds, it would drown the visits the log is kept for."""
    del city_vault
    folder = tmp_path / "web-log"
    settings.STEWARD_WEB_LOG_DIR = folder  # type: ignore[attr-defined]
    client = Client()
    client.get("/healthz")
    assert not folder.exists()
    client.get("/")
    assert len(list(folder.iterdir())) == 1
