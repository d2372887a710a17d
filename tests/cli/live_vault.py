"""A real ``steward serve`` in a subprocess, and the real ``steward`` commands beside it.

For tests that need the whole thing: a server on a free loopback port over plain HTTP,
on SQLite in a data folder or on a PostgreSQL database made for the test (and dropped
afterwards). (No tests here.)
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSPHRASE = "a long enough passphrase"
COMMAND = [sys.executable, "-c", "from steward.cli.main import run; run()"]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without the test suite's Django and Steward settings, with this
    tree's ``src`` first, the intake passphrase, and ``extra`` variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("STEWARD_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env["PYTHONPATH"] = str(ROOT / "src")
    env["STEWARD_INTAKE_PASSPHRASE"] = PASSPHRASE
    env.update(extra)
    return env


def steward_command(*args: str) -> list[str]:
    """The command line that runs ``steward ARGS`` from this tree."""
    return [*COMMAND, *args]


def steward(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``steward ARGS`` in a new process (with ``env`` variables) and wait for it,
    five minutes at most."""
    return subprocess.run(
        steward_command(*args),
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def free_port() -> int:
    """A TCP port nobody listens on now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_answers() -> bool:
    """Whether the shared PostgreSQL at 127.0.0.1:5432 takes connections."""
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except Exception:
        return False
    return True


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database with a unique name; dropped afterwards."""
    import psycopg

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class LiveVault:
    """One vault's folders and database, and the commands and server that use them."""

    folder: Path
    database_url: str | None = None
    keys_dir: Path = field(init=False)
    data_dir: Path = field(init=False)
    port: int = field(default=0, init=False)
    server: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.keys_dir = self.folder / "keys"
        self.data_dir = self.folder / "data"

    @property
    def database(self) -> list[str]:
        """The database options every vault command takes."""
        if self.database_url:
            return ["--database-url", self.database_url]
        return ["--data-dir", str(self.data_dir)]

    def steward(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        """Run one ``steward`` command in its own process; never raises on failure."""
        return subprocess.run(
            [*COMMAND, *args],
            cwd=self.folder,
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def keys(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``steward keys ARGS --keys-dir ...``."""
        return self.steward("keys", *args, "--keys-dir", str(self.keys_dir))

    def init_keys(self) -> None:
        result = self.keys("init", "--no-intake-key")
        assert result.returncode == 0, result.stderr

    def token(self, role: str, name: str) -> str:
        """A new API token of ``role``, made by ``steward tokens create``."""
        result = self.steward(
            "tokens", "create", name, "--role", role, "--plan", str(CITY),
            "--keys-dir", str(self.keys_dir), *self.database,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def start(self) -> None:
        """Start ``steward serve`` and wait until it answers.

        The server runs no scheduled jobs (``--no-jobs``): a backup it took would keep
        ``keys retire`` from erasing the KEK version it is encrypted under, which the
        backup tests cover on their own.
        """
        self.port = free_port()
        command = steward_command(
            "serve", "--plan", str(CITY), "--keys-dir", str(self.keys_dir), *self.database,
            "--port", str(self.port), "--plain-http", "--no-jobs",
        )  # fmt: skip
        self.server = subprocess.Popen(
            command,
            cwd=self.folder,
            env=clean_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise AssertionError(self.server.communicate()[1].decode())
            try:
                status, _ = self.request("GET", "/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("steward serve did not answer within 90 s")

    def stop(self) -> str:
        """Stop the server; returns what it wrote to its error output."""
        if self.server is None:
            return ""
        self.server.terminate()
        try:
            _, err = self.server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.server.kill()
            _, err = self.server.communicate()
        self.server = None
        return err.decode(errors="replace")

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        """One HTTP request to the server; the JSON answer (or text) with its status."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")


def answers(number: int) -> dict[str, str]:
    """Distinct, valid answers to the city's service request form."""
    return {
        "full_name": f"Resident Number{number:05d}",
        "email": f"resident{number}@example.org",
        "phone": f"555 01{number % 100:02d} {number % 10000:04d}",
        "street_address": f"{number} Sycamore Boulevard",
        "district": ["North", "South", "East", "West", "Downtown"][number % 5],
        "request_type": "pothole",
        "age_band": "30-44",
        "details": f"Request number {number}: a hole in the road",
    }


def make_keys(folder: Path, cwd: Path) -> Path:
    """Keys made by ``steward keys init`` (with an intake key and audit signing key)."""
    result = subprocess.run(
        [*COMMAND, "keys", "init", "--keys-dir", str(folder)],
        cwd=cwd,
        env=clean_env(),
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
