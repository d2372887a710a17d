"""``steward serve`` and ``steward demo``: refusals, set-up, and a real server answering."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from steward.cli.main import app
from tests.cli.live_vault import clean_env as _clean_env
from tests.cli.live_vault import free_port as _free_port
from tests.cli.live_vault import postgres_answers as _postgres_answers

ROOT = Path(__file__).resolve().parents[2]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
runner = CliRunner()


def _invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def _steward(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from steward.cli.main import run; run()", *args],
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    result = runner.invoke(
        app,
        ["keys", "init", "--keys-dir", str(folder)],
        env={"STEWARD_INTAKE_PASSPHRASE": "a long enough passphrase"},
    )
    assert result.exit_code == 0, result.output
    return folder


def test_serve_refuses_a_plan_with_check_errors_and_lists_them(tmp_path: Path) -> None:
    bad = tmp_path / "plan.yaml"
    text = CITY.read_text().replace("approver_not_requester: true", "approver_not_requester: false")
    bad.write_text(text)
    result = _invoke("serve", "--plan", str(bad), "--keys-dir", str(tmp_path / "keys"))
    assert result.exit_code == 1
    assert "fails 1 checks" in result.output
    assert "DIS004" in result.output
    assert f"{bad}:" in result.output
    assert not (tmp_path / "keys").exists()


def test_serve_refuses_without_keys_and_says_how_to_make_them(tmp_path: Path) -> None:
    result = _invoke("serve", "--plan", str(CITY), "--keys-dir", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "steward keys init" in result.output
    assert not (tmp_path / "none").exists()


def test_serve_refuses_an_unreadable_or_invalid_plan(tmp_path: Path) -> None:
    assert _invoke("serve", "--plan", str(tmp_path / "missing.yaml")).exit_code == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("steward: 1\nversion: 1\n")
    assert _invoke("serve", "--plan", str(broken)).exit_code == 1


def test_plain_http_is_only_for_a_loopback_address() -> None:
    result = _invoke("serve", "--plan", str(CITY), "--host", "0.0.0.0", "--plain-http")
    assert result.exit_code == 2
    assert "loopback" in result.output


def test_serve_refuses_a_database_url_of_another_kind(tmp_path: Path, keys_dir: Path) -> None:
    result = _steward(
        "serve", "--plan", str(CITY), "--keys-dir", str(keys_dir),
        "--database-url", "mysql://root@127.0.0.1/test", "--check-only", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "unsupported database URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_check_only_migrates_sqlite_in_the_data_dir(tmp_path: Path, keys_dir: Path) -> None:
    data = tmp_path / "data"
    result = _steward(
        "serve", "--plan", str(CITY), "--keys-dir", str(keys_dir), "--data-dir", str(data),
        "--check-only", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "ready" in result.stdout
    with sqlite3.connect(data / "steward.sqlite3") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"vault_record", "vault_fieldvalue", "vault_auditentryrow"} <= tables


@pytest.mark.parametrize("below", ["", "sub"])
def test_serve_refuses_a_data_dir_that_is_a_file(
    tmp_path: Path, keys_dir: Path, below: str
) -> None:
    data = tmp_path / "data"
    data.write_text("not a folder")
    result = _steward(
        "serve", "--plan", str(CITY), "--keys-dir", str(keys_dir),
        "--data-dir", str(data / below if below else data), "--check-only", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"{data} is not a folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert data.read_text() == "not a folder"


@pytest.mark.skipif(not _postgres_answers(), reason="no PostgreSQL on 127.0.0.1:5432")
def test_serve_check_only_migrates_postgresql(tmp_path: Path, keys_dir: Path) -> None:
    import psycopg

    name = f"steward_serve_{os.getpid()}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        result = _steward(
            "serve", "--plan", str(CITY), "--keys-dir", str(keys_dir), "--database-url", url,
            "--check-only", cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        with psycopg.connect(url) as db:
            row = db.execute("SELECT count(*) FROM vault_planversion").fetchone()
        assert row == (1,)
        assert not (tmp_path / "steward-data").exists()
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_serve_reports_an_unreachable_database(tmp_path: Path, keys_dir: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = _steward(
        "serve", "--plan", str(CITY), "--keys-dir", str(keys_dir),
        "--database-url", f"postgresql://postgres@127.0.0.1:{port}/none", "--check-only",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "database cannot be used" in result.stderr
    assert "Traceback" not in result.stderr


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_served_vault_answers_its_intake_page(tmp_path: Path, keys_dir: Path) -> None:
    port = _free_port()
    command = [
        sys.executable, "-c", "from steward.cli.main import run; run()",
        "serve", "--plan", str(CITY), "--keys-dir", str(keys_dir),
        "--data-dir", str(tmp_path / "data"), "--port", str(port), "--plain-http",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=tmp_path, env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                time.sleep(0.2)
        assert server.poll() is None, server.communicate()[1].decode()
        assert status == 200
        assert b"<form" in body or b"<a" in body
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_demo_creates_keys_accounts_and_records_and_prints_passwords_once(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo"
    result = _steward("demo", "--no-serve", "--residents", "20", "--dir", str(folder), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for name in ("kek.json", "intake.key.json", "audit-signing.key", "subject-keys.sqlite3"):
        assert (folder / "keys" / name).is_file()
    assert "Loaded 20 synthetic residents" in out
    assert out.count("one-time password") == 3
    for user in ("dana.ortiz", "sam.rivera", "lee.chen"):
        assert f"user {user}" in out
    assert "intake key passphrase" in out
    assert "http://127.0.0.1:8000/staff/login/" in out
    with sqlite3.connect(folder / "data" / "steward.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM vault_record").fetchone() == (20,)
        roles = dict(
            db.execute(
                "SELECT u.username, s.role FROM vault_staffmember s "
                "JOIN auth_user u ON u.id = s.user_id"
            ).fetchall()
        )
        hashes = [row[0] for row in db.execute("SELECT password FROM auth_user")]
        ciphertexts = b"".join(
            bytes(row[0]) for row in db.execute("SELECT ciphertext FROM vault_fieldvalue")
        )
    assert roles == {
        "dana.ortiz": "privacy_officer",
        "sam.rivera": "caseworker",
        "lee.chen": "supervisor",
    }
    assert all(h.startswith("argon2") for h in hashes)
    assert b"@example." not in ciphertexts

    again = _steward("demo", "--no-serve", "--dir", str(folder), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "one-time password " not in again.stdout
    assert "already set up" in again.stdout


def test_the_demo_will_not_use_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = _invoke("demo", "--no-serve", "--dir", str(tmp_path / "mine"))
    assert result.exit_code == 2
    assert "not made by 'steward demo'" in result.output
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
