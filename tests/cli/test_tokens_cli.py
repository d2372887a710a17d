"""``steward tokens``: create (shown once), revoke, list (never the token), and refusals."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from steward.cli.main import app
from steward.vault.models import ServiceToken
from steward.vault.runtime import Vault, use_vault
from steward.vault.services.tokens import authenticate
from tests.vault.conftest import CITY, make_vault

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def vault(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Vault]:
    """The CLI against the test database: Django is already set up by pytest-django."""
    built, _ = make_vault(CITY, tmp_path / "keys")
    use_vault(built)
    monkeypatch.setattr("steward.cli.django_setup.setup_django", lambda *args: None)
    yield built
    use_vault(None)


def _run(*args: str):
    result = runner.invoke(app, ["tokens", *args])
    assert "Traceback" not in result.output
    return result


def test_create_prints_the_token_once_and_list_never_shows_it(vault: Vault) -> None:
    result = _run("create", "etl-nightly", "--role", "privacy_officer", "--days", "30")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("stw_")
    assert len(token) == 47
    assert "shown only this once" in result.stderr
    actor = authenticate(vault.plan, token)
    assert actor is not None
    assert actor.role.id == "privacy_officer"
    listed = _run("list")
    assert listed.exit_code == 0
    assert "etl-nightly" in listed.output
    assert "active" in listed.output
    assert token not in listed.output
    assert token[4:12] not in listed.output


def test_create_warns_when_the_token_reaches_no_records(vault: Vault) -> None:
    result = _run("create", "dispatch", "--role", "supervisor")
    assert result.exit_code == 0
    assert "warning" in result.stderr
    assert "--team" in result.stderr
    assert (
        _run("create", "north", "--role", "supervisor", "--team", "north").stderr.count("warning")
        == 0
    )


def test_revoke(vault: Vault) -> None:
    token = _run("create", "etl", "--role", "analyst").stdout.strip()
    result = _run("revoke", "etl")
    assert result.exit_code == 0
    assert "revoked token 'etl'" in result.output
    assert authenticate(vault.plan, token) is None
    assert "already revoked" in _run("revoke", "etl").output
    assert "revoked" in _run("list").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "me", "--role", "resident"], "not a staff role"),
        (["create", "etl", "--role", "janitor"], "no role 'janitor'"),
        (["create", "etl", "--role", "analyst", "--days", "400"], "between 1 and 365"),
        (["create", "bad name", "--role", "analyst"], "token name"),
        (["revoke", "nothing"], "no token named 'nothing'"),
    ],
)
def test_refusals_exit_2_with_a_message(vault: Vault, args: list[str], message: str) -> None:
    result = _run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert not ServiceToken.objects.exists()


def test_an_empty_list(vault: Vault) -> None:
    assert _run("list").output.strip() == "no tokens"


def test_the_real_command_sets_django_up_from_its_options(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    init = runner.invoke(app, ["keys", "init", "--keys-dir", str(keys), "--no-intake-key"])
    assert init.exit_code == 0, init.output
    database = tmp_path / "vault.sqlite3"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("STEWARD_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        STEWARD_PLAN=str(CITY),
        STEWARD_KEYS_DIR=str(keys),
        STEWARD_DATABASE_URL=f"sqlite:///{database}",
    )

    def steward(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", "from steward.cli.main import run; run()", "tokens", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    created = steward("create", "etl", "--role", "privacy_officer")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    with sqlite3.connect(database) as connection:
        (stored,) = connection.execute(
            "SELECT token_hash FROM vault_servicetoken WHERE name = 'etl'"
        ).fetchone()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    listed = steward("list")
    assert listed.returncode == 0
    assert "etl" in listed.stdout
    assert token not in listed.stdout
    refused = steward("create", "me", "--role", "resident")
    assert refused.returncode == 2
    assert "not a staff role" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_create_refuses_a_team_the_plan_does_not_declare(vault: Vault) -> None:
    result = _run("create", "reporting", "--role", "supervisor", "--team", "nowhere")
    assert result.exit_code == 2
    assert "the plan declares no team 'nowhere'" in " ".join(result.output.split())
    assert not ServiceToken.objects.filter(name="reporting").exists()
