"""Real ``steward serve`` processes sharing one database, for tests and the intake benchmark.

Each server is a subprocess started with this tree's ``src`` on the path and none of
the test suite's ``STEWARD_*`` settings, exactly as an operator would run it. The
database is a scratch SQLite file or a scratch PostgreSQL database with a unique name,
dropped afterwards.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from tests.cli.live_vault import (
    CITY,
    PASSPHRASE,
    PG_ADMIN,
    clean_env,
    free_port,
    steward,
    steward_command,
)

ROOT = Path(__file__).resolve().parents[2]
DATASET = "service_request"
INTAKE_PATH = f"/api/intake/{DATASET}"


def suite_engine() -> str:
    """The engine the suite runs on: PostgreSQL when ``STEWARD_TEST_DATABASE_URL`` names it."""
    url = os.environ.get("STEWARD_TEST_DATABASE_URL", "")
    return "postgresql" if url.startswith("postgres") else "sqlite"


def postgres_admin_url() -> str | None:
    """The PostgreSQL server to make scratch databases on (its ``postgres`` database, from
    ``STEWARD_TEST_DATABASE_URL`` or 127.0.0.1:5432), or ``None`` if none answers."""
    given = os.environ.get("STEWARD_TEST_DATABASE_URL", PG_ADMIN)
    if not given.startswith("postgres"):
        return None
    url = urlparse(given)._replace(path="/postgres").geturl()
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception:
        return None
    return url


@dataclass
class ScratchDatabase:
    """Where a scratch vault keeps its data: the ``serve`` options and a way in for checks."""

    engine: str
    options: list[str]
    url: str

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one read-only query outside the servers and return its rows."""
        if self.engine == "sqlite":
            import sqlite3

            with sqlite3.connect(urlparse(self.url).path) as db:
                return list(db.execute(sql).fetchall())
        import psycopg

        with psycopg.connect(self.url) as db:
            return list(db.execute(sql).fetchall())

    def record_ids(self) -> set[uuid.UUID]:
        """The ids of every stored record (SQLite keeps them as bare hex)."""
        return {uuid.UUID(str(row[0])) for row in self.query("SELECT id FROM vault_record")}

    def execute(self, sql: str) -> None:
        """Run one statement that changes the database (a test playing the attacker)."""
        if self.engine == "sqlite":
            import sqlite3

            with sqlite3.connect(urlparse(self.url).path) as db:
                db.execute(sql)
            return
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute(sql)


@contextmanager
def scratch_database(
    engine: str, folder: Path, admin_url: str | None = None
) -> Iterator[ScratchDatabase]:
    """A new, empty database for one vault; a PostgreSQL one is dropped afterwards."""
    if engine == "sqlite":
        data = folder / "data"
        yield ScratchDatabase(
            "sqlite", ["--data-dir", str(data)], f"sqlite://{data}/steward.sqlite3"
        )
        return
    import psycopg

    admin = admin_url or PG_ADMIN
    name = f"steward_audit_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parsed = urlparse(admin)
    url = parsed._replace(path=f"/{name}").geturl()
    try:
        yield ScratchDatabase("postgresql", ["--database-url", url], url)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def init_keys(keys: Path, cwd: Path) -> None:
    """``steward keys init`` into ``keys`` (with the checkpoint signing key)."""
    done = steward(
        "keys", "init", "--keys-dir", str(keys), cwd=cwd, STEWARD_INTAKE_PASSPHRASE=PASSPHRASE
    )
    if done.returncode != 0:
        raise RuntimeError(f"keys init failed: {done.stderr}")


@dataclass
class Servers:
    """Running ``steward serve`` processes and their base addresses."""

    processes: list[subprocess.Popen[bytes]]
    ports: list[int]
    logs: list[Path] = field(default_factory=list)

    def stderr(self) -> str:
        """What the servers printed on standard error so far."""
        return "\n".join(path.read_text(errors="replace") for path in self.logs)


@contextmanager
def served(
    folder: Path,
    keys: Path,
    database: ScratchDatabase,
    count: int = 2,
    plan: Path = CITY,
    env: dict[str, str] | None = None,
) -> Iterator[Servers]:
    """``count`` servers on ``database``, migrated once beforehand; stopped afterwards.

    The servers run no scheduled jobs (``--no-jobs``), so the entries in the log are
    the requests' own.
    """
    options = ["--plan", str(plan), "--keys-dir", str(keys), *database.options]
    extra = env or {}
    ready = steward("serve", *options, "--check-only", cwd=folder, **extra)
    if ready.returncode != 0:
        raise RuntimeError(f"serve --check-only failed: {ready.stderr}")
    servers = Servers([], [])
    try:
        for number in range(count):
            port = free_port()
            log = folder / f"server-{number}-{port}.log"
            servers.logs.append(log)
            with open(log, "wb") as sink:
                servers.processes.append(
                    subprocess.Popen(
                        steward_command(
                            "serve", *options, "--port", str(port), "--plain-http", "--no-jobs"
                        ),
                        cwd=folder,
                        env=clean_env(**extra),
                        stdout=subprocess.DEVNULL,
                        stderr=sink,
                    )
                )
            servers.ports.append(port)
        for process, port in zip(servers.processes, servers.ports, strict=True):
            _wait_until_answering(process, port)
        yield servers
    finally:
        for process in servers.processes:
            process.terminate()
        for process in servers.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_answering(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"a server on port {port} stopped (exit {process.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/openapi.json")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no server answered on port {port}")


def intake_bodies(count: int, seed: int = 8) -> list[bytes]:
    """``count`` acceptable intake bodies for the city plan's form, each a different
    fictional person (``steward.synthetic``, seeded)."""
    from steward.policy import load_plan
    from steward.synthetic import fake_consents, fake_submission, new_faker

    plan, faker = load_plan(CITY).plan, new_faker(seed)
    bodies = []
    for _ in range(count):
        answers = fake_submission(plan, DATASET, faker, voluntary_rate=1.0)
        consents = sorted(fake_consents(plan, DATASET, answers, faker))
        bodies.append(json.dumps({"answers": answers, "consents": consents}).encode())
    return bodies


@dataclass
class Outcome:
    """What one intake request got back."""

    status: int
    reference: str | None
    detail: str
    seconds: float = 0.0


def together(clients: int, work: Callable[[int, threading.Barrier], None]) -> float:
    """Run ``work(number, start)`` in ``clients`` threads that each wait on ``start``
    before their first request, so all begin at once; returns the seconds from that start
    to the last thread's end."""
    start = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=work, args=(n, start)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def hammer(
    ports: Sequence[int], clients: int, per_client: int, path: str = INTAKE_PATH
) -> tuple[list[Outcome], float]:
    """``clients`` threads each post ``per_client`` intakes, spread over the servers.

    Each client keeps one connection to one server (client ``i`` talks to server
    ``i % len(ports)``) and all start together. Returns every outcome and the seconds
    from the start to the last answer.
    """
    bodies = intake_bodies(clients * per_client)
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def client(number: int, start: threading.Barrier) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", ports[number % len(ports)], timeout=60)
        mine: list[Outcome] = []
        start.wait()
        for body in bodies[number * per_client : (number + 1) * per_client]:
            sent = time.perf_counter()
            connection.request("POST", path, body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = response.read()
            try:
                answer = json.loads(payload)
            except ValueError:
                answer = {}
            reference = answer.get("reference") if response.status == 201 else None
            detail = str(answer.get("detail", ""))
            mine.append(Outcome(response.status, reference, detail, time.perf_counter() - sent))
        connection.close()
        with lock:
            outcomes.extend(mine)

    seconds = together(clients, client)
    return outcomes, seconds
