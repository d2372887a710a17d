"""Helpers for tests that run the real ``steward`` command: processes, servers, databases.

(No tests here.)
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
COMMAND = [sys.executable, "-c", "from steward.cli.main import run; run()"]


def clean_env() -> dict[str, str]:
    """This environment without the test suite's Django and Steward settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("STEWARD_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def steward(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``steward ARGS`` in a new process and wait for it."""
    return subprocess.run(
        [*COMMAND, *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_answers() -> bool:
    """Whether the test PostgreSQL at 127.0.0.1:5432 answers."""
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except Exception:
        return False
    return True


@contextmanager
def postgres_database(purpose: str) -> Iterator[str]:
    """A new, uniquely named PostgreSQL database (dropped afterwards); yields its URL."""
    import psycopg

    name = f"steward_backups_{purpose}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_keys(folder: Path, cwd: Path) -> Path:
    """Keys made by ``steward keys init`` (with an intake key and audit signing key)."""
    result = subprocess.run(
        [*COMMAND, "keys", "init", "--keys-dir", str(folder)],
        cwd=cwd,
        env={**clean_env(), "STEWARD_INTAKE_PASSPHRASE": "a long enough passphrase"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return folder


@contextmanager
def served(*args: str, cwd: Path) -> Iterator[str]:
    """``steward serve ARGS --port P --plain-http`` running; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [*COMMAND, "serve", *args, "--port", str(port), "--plain-http"],
        cwd=cwd,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(base + "/", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)
        if process.poll() is not None:
            raise AssertionError(process.communicate()[1].decode())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def post_json(url: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST ``payload`` as JSON; the status and the JSON answer."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
