"""Backups of a vault that is serving: taken while clients submit, restored whole.

A real ``steward serve`` takes intake from client threads through the public API while
``steward backup create`` runs in another process. The backup must hold every record
and audit entry acknowledged before its snapshot began, restore into an empty
database, and pass ``steward backup verify``. On SQLite and on PostgreSQL. The server
also takes a backup on its own (its job runner) as soon as it starts.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import ExitStack, closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from steward.audit import AuditEntry, ReferenceHasher
from steward.crypto import FileKeyProvider
from steward.vault.runtime import derive_key
from tests.cli.live_vault import (
    CITY,
    make_keys,
    post_json,
    postgres_answers,
    postgres_database,
    served,
    steward,
)

CLIENTS = 4
BEFORE = 60
AFTER = 20


def _submission(client: int, number: int) -> dict[str, Any]:
    return {
        "answers": {
            "full_name": f"Resident {client}-{number} Testperson",
            "street_address": f"{number} Elm Street",
            "district": "North",
            "request_type": "pothole",
            "details": "A hole in the road",
        },
        "consents": [],
    }


class Intake:
    """Client threads posting to the public intake API until stopped."""

    def __init__(self, base: str) -> None:
        self.url = f"{base}/api/intake/service_request"
        self.acknowledged: list[tuple[float, str]] = []
        self.refused: list[int] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(CLIENTS)
        ]

    def _client(self, client: int) -> None:
        number = 0
        while not self._stop.is_set() and number < 2000:
            status, answer = post_json(self.url, _submission(client, number))
            with self._lock:
                if status == 201:
                    self.acknowledged.append((time.time(), answer["reference"]))
                else:
                    self.refused.append(status)
            number += 1

    def __enter__(self) -> Intake:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def wait_for(self, count: int, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while len(self.acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.acknowledged) >= count, f"only {len(self.acknowledged)} acknowledged"

    def wait_past(self, moment: float, seconds: float = 120) -> None:
        """Wait until a submission was acknowledged after ``moment`` (a Unix time)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                if any(when > moment for when, _ in self.acknowledged):
                    return
            time.sleep(0.05)
        raise AssertionError("no submission was acknowledged after the backup began")


def _backup_under_intake(
    tmp_path: Path, database: list[str]
) -> tuple[Path, dict[str, Any], Intake]:
    keys = make_keys(tmp_path / "keys", tmp_path)
    backups = tmp_path / "backups"
    options = ["--plan", str(CITY), "--keys-dir", str(keys), *database]
    with (
        served(*options, "--backup-dir", str(backups), cwd=tmp_path) as base,
        Intake(base) as intake,
    ):
        intake.wait_for(BEFORE)
        created = steward("backup", "create", *options, "--backup-dir", str(backups), cwd=tmp_path)
        assert created.returncode == 0, created.stderr
        assert "Traceback" not in created.stderr
        path = Path(created.stdout.split("backup written: ")[1].split(" (")[0])
        manifest_file = path.with_name(path.name.replace(".stwbk", ".manifest.json"))
        manifest = json.loads(manifest_file.read_text())
        intake.wait_for(len(intake.acknowledged) + AFTER)
        intake.wait_past(datetime.fromisoformat(manifest["created"]).timestamp() + 1.5)
    # the server's own job runner took a backup when it started
    made = sorted(p.name for p in backups.glob("*.stwbk"))
    assert len(made) >= 2
    assert path.name in made
    return path, manifest, intake


def _check_restored(
    records: set[str],
    entries: list[bytes],
    live_entries: list[bytes],
    keys: Path,
    manifest: dict[str, Any],
    intake: Intake,
) -> None:
    began = datetime.fromisoformat(manifest["created"]).timestamp()
    before = [ref for moment, ref in intake.acknowledged if moment < began]
    after = [ref for moment, ref in intake.acknowledged if moment > began + 1]
    assert len(before) >= BEFORE - CLIENTS
    assert after, "intake went on while the backup ran"
    missing = [ref for ref in before if ref not in records]
    assert missing == [], f"{len(missing)} acknowledged records are not in the backup"
    assert len(records) == manifest["tables"]["vault_record"]
    # every acknowledged record's audit entry is in the backup's log ...
    hasher = ReferenceHasher(
        derive_key(FileKeyProvider(keys / "kek.json").index_key(), "audit-references")
    )
    objects = {AuditEntry.from_record(record).object_ref for record in entries}
    unaudited = [ref for ref in before if hasher.object(f"record/{ref}") not in objects]
    assert unaudited == []
    # ... and the backup's log is exactly the start of the live log: nothing lost or forked
    assert len(entries) == manifest["audit"]["size"]
    assert entries == live_entries[: len(entries)]
    assert len(live_entries) > len(entries)


def _verify(path: Path, tmp_path: Path, database: list[str]) -> None:
    result = steward(
        "backup", "verify", str(path), "--plan", str(CITY), "--keys-dir", str(tmp_path / "keys"),
        *database, "--backup-dir", str(path.parent), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restores whole" in result.stdout
    assert "50 of 50 sampled records decrypted" in result.stdout


def _sqlite_contents(path: Path) -> tuple[set[str], list[bytes]]:
    with closing(sqlite3.connect(path)) as db:
        records = {str(_uuid(r[0])) for r in db.execute("SELECT id FROM vault_record")}
        entries = [
            bytes(r[0]) for r in db.execute("SELECT record FROM vault_auditentryrow ORDER BY seq")
        ]
    return records, entries


def _postgres_contents(url: str) -> tuple[set[str], list[bytes]]:
    import psycopg

    with psycopg.connect(url) as db:
        records = {str(r[0]) for r in db.execute("SELECT id FROM vault_record")}
        entries = [
            bytes(r[0]) for r in db.execute("SELECT record FROM vault_auditentryrow ORDER BY seq")
        ]
    return records, entries


def _uuid(value: str) -> str:
    import uuid

    return str(uuid.UUID(value))


@pytest.mark.slow
def test_a_backup_of_a_serving_sqlite_vault_restores_every_acknowledged_record(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    database = ["--data-dir", str(data)]
    path, manifest, intake = _backup_under_intake(tmp_path, database)
    restored = tmp_path / "restored"
    result = steward(
        "backup", "restore", str(path), "--keys-dir", str(tmp_path / "keys"),
        "--data-dir", str(restored), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    records, entries = _sqlite_contents(restored / "steward.sqlite3")
    _, live_entries = _sqlite_contents(data / "steward.sqlite3")
    _check_restored(records, entries, live_entries, tmp_path / "keys", manifest, intake)
    _verify(path, tmp_path, database)


@pytest.mark.slow
@pytest.mark.skipif(not postgres_answers(), reason="no PostgreSQL on 127.0.0.1:5432")
def test_a_backup_of_a_serving_postgresql_vault_restores_every_acknowledged_record(
    tmp_path: Path,
) -> None:
    with ExitStack() as stack:
        live = stack.enter_context(postgres_database("steward_backups_live"))
        target = stack.enter_context(postgres_database("steward_backups_restore"))
        database = ["--database-url", live]
        path, manifest, intake = _backup_under_intake(tmp_path, database)
        result = steward(
            "backup", "restore", str(path), "--keys-dir", str(tmp_path / "keys"),
            "--database-url", target, cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        records, entries = _postgres_contents(target)
        _, live_entries = _postgres_contents(live)
        _check_restored(records, entries, live_entries, tmp_path / "keys", manifest, intake)
        _verify(path, tmp_path, database)
