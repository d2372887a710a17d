"""Sessions and transport: timeouts, cookies, security headers, CSP and ``check --deploy``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from steward.vault.runtime import Vault
from tests.vault.test_staff_support import signed_in

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "city-constituent-services.yaml"


def _age(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_an_idle_session_ends(city_vault: Vault) -> None:
    client, _ = signed_in(city_vault, "ana.lima", "caseworker")
    assert client.get("/staff/").status_code == 200
    _age(client, "_steward_seen", settings.STEWARD_SESSION_IDLE_SECONDS - 30)
    assert client.get("/staff/").status_code == 200  # still inside the limit: renewed
    _age(client, "_steward_seen", settings.STEWARD_SESSION_IDLE_SECONDS + 1)
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    assert "_auth_user_id" not in client.session


def test_a_session_ends_at_its_absolute_limit_even_when_busy(city_vault: Vault) -> None:
    client, _ = signed_in(city_vault, "ana.lima", "caseworker")
    _age(client, "_steward_started", settings.STEWARD_SESSION_ABSOLUTE_SECONDS + 1)
    _age(client, "_steward_seen", 1)
    response = client.get("/staff/")
    assert response["Location"].startswith("/staff/login/")


def test_cookies_are_http_only_and_same_site_strict(city_vault: Vault) -> None:
    client, _ = signed_in(city_vault, "ana.lima", "caseworker")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    client.get("/staff/login/")
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Strict"


@pytest.mark.parametrize("path", ["/staff/login/", "/staff/"])
def test_security_headers_and_csp(city_vault: Vault, path: str) -> None:
    client, _ = signed_in(city_vault, "ana.lima", "caseworker")
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    # never sent to other sites ("no-referrer" would make browsers send "Origin: null"
    # with form posts, which Django's CSRF check refuses)
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp


def test_production_redirects_to_https_with_hsts(city_vault: Vault) -> None:
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000):
        plain = Client().get("/staff/login/")
        assert plain.status_code == 301
        assert plain["Location"].startswith("https://")
        secure = Client().get("/staff/login/", secure=True)
        assert "max-age=31536000" in secure["Strict-Transport-Security"]


PRODUCTION = {
    "DEBUG": False,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_PRELOAD": True,
    "ALLOWED_HOSTS": ["vault.example.org"],
}


def test_check_deploy_is_clean_in_production_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    with override_settings(**PRODUCTION):
        call_command("check", deploy=True, fail_level="WARNING")


def test_the_production_settings_module_itself_passes_check_deploy(tmp_path: Path) -> None:
    """The real settings, as ``steward serve`` configures them, with no test overrides."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STEWARD_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="steward.server.settings",
        STEWARD_PLAN=str(PLAN),
        STEWARD_KEYS_DIR=str(tmp_path / "keys"),
        STEWARD_DATA_DIR=str(tmp_path / "data"),
        STEWARD_ALLOWED_HOSTS="vault.example.org",
    )
    (tmp_path / "keys").mkdir(mode=0o700)
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
