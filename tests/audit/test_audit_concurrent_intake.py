"""Concurrent public intake against two real ``steward serve`` processes on one database.

The engine is the suite's: SQLite (one file shared by both servers) in the first pass of
``make test``, PostgreSQL when ``STEWARD_TEST_DATABASE_URL`` names it (the second pass).
Every submission must be accepted, the audit chain must verify with the vault's own
``steward audit verify``, and every receipt must have its record.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from steward.vault.audit_store import LOCK_KEY
from tests.audit.served_vault import (
    Outcome,
    ScratchDatabase,
    hammer,
    served,
)
from tests.cli.live_vault import steward

pytestmark = pytest.mark.slow
CLIENTS = 16
EACH = 10
EVERY = 40


@pytest.fixture
def vault(vault_keys: Path, vault_database: ScratchDatabase) -> tuple[Path, ScratchDatabase]:
    return vault_keys, vault_database


def _stored_checkpoints(database: ScratchDatabase) -> int:
    return int(database.query("SELECT count(*) FROM vault_auditcheckpointrow")[0][0])


def test_sixteen_clients_on_two_servers_are_all_served_audited_and_stored(
    tmp_path: Path, vault: tuple[Path, ScratchDatabase]
) -> None:
    keys, database = vault
    settings = {"STEWARD_AUDIT_CHECKPOINT_ENTRIES": str(EVERY)}
    with served(tmp_path, keys, database, count=2, env=settings) as servers:
        outcomes, _ = hammer(servers.ports, CLIENTS, EACH)
        # Crossing every 40th entry signs a checkpoint in the background, after commit.
        deadline = time.monotonic() + 60
        while _stored_checkpoints(database) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        errors = servers.stderr()
    refused = [(o.status, o.detail) for o in outcomes if o.status != 201]
    assert refused == []
    references = [o.reference for o in outcomes]
    assert len(set(references)) == CLIENTS * EACH
    assert {uuid.UUID(str(reference)) for reference in references} <= database.record_ids()
    assert "Traceback" not in errors

    result = steward("audit", "verify", "--keys-dir", str(keys), *database.options, "--json",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert (report["ok"], report["entries"]) == (True, CLIENTS * EACH)
    assert report["signatures_checked"] is True
    assert report["checkpoints_stored"] >= 1
    sizes = [
        int(row[0].splitlines()[1])
        for row in database.query("SELECT note FROM vault_auditcheckpointrow")
    ]
    assert sizes
    assert all(EVERY <= size <= CLIENTS * EACH for size in sizes)


# A busy database: requests wait a bounded time for the lock
# ----------------------------------------------------------


class _Held:
    """The write lock of the vault's database (SQLite) or the audit log's lock (PostgreSQL),
    held by a test connection the way a long transaction in another process would."""

    def __init__(self, database: ScratchDatabase) -> None:
        self.database = database
        self.connection: Any = None

    def __enter__(self) -> _Held:
        if self.database.engine == "sqlite":
            import sqlite3

            path = self.database.url.removeprefix("sqlite://")
            self.connection = sqlite3.connect(path, isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            self.connection = psycopg.connect(self.database.url)
            self.connection.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        return self

    def __exit__(self, *exc: object) -> None:
        if self.database.engine == "sqlite":
            self.connection.execute("ROLLBACK")
        else:
            self.connection.rollback()
        self.connection.close()


def _post_in_background(port: int) -> tuple[threading.Thread, list[Outcome]]:
    answers: list[Outcome] = []
    thread = threading.Thread(target=lambda: answers.extend(hammer([port], 1, 1)[0]))
    thread.start()
    return thread, answers


def test_a_request_waits_for_a_busy_database_and_then_succeeds(
    tmp_path: Path, vault: tuple[Path, ScratchDatabase]
) -> None:
    keys, database = vault
    with served(tmp_path, keys, database, count=1) as servers:
        with _Held(database):
            thread, answers = _post_in_background(servers.ports[0])
            thread.join(timeout=2)
            assert thread.is_alive()  # waiting for the lock, not refused at once
        thread.join(timeout=60)
    assert [a.status for a in answers] == [201]
    assert len(database.record_ids()) == 1


def test_the_wait_for_a_busy_database_is_bounded(
    tmp_path: Path, vault: tuple[Path, ScratchDatabase]
) -> None:
    keys, database = vault
    settings = {"STEWARD_DB_LOCK_TIMEOUT": "1"}
    with served(tmp_path, keys, database, count=1, env=settings) as servers:
        with _Held(database):
            thread, answers = _post_in_background(servers.ports[0])
            thread.join(timeout=30)
            assert not thread.is_alive()  # answered while the lock is still held
        assert [a.status for a in answers] == [503]  # busy: try again, nothing was done
        assert database.record_ids() == set()
        if database.engine == "postgresql":
            assert "audit log" in answers[0].detail
        after, _ = hammer(servers.ports, 1, 1)  # and the server goes on serving
    assert [a.status for a in after] == [201]
