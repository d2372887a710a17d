"""What only the SQLite subject key store does: upgrading older files in place, shared
state between real processes, and store errors as KeyStoreError."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from steward.crypto import KeyState, KeyStoreError, SqliteSubjectKeyStore, WrappedKey
from steward.crypto.sqlite_subject_keys import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2025, 5, 1, tzinfo=UTC)

FIRST_LAYOUT = """
CREATE TABLE subject_keys (
    key_id BLOB PRIMARY KEY,
    subject TEXT NOT NULL UNIQUE,
    kek_version INTEGER NOT NULL,
    wrapped BLOB NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE shredded_keys (
    key_id BLOB PRIMARY KEY,
    shredded TEXT NOT NULL
);
"""
"""The layout Steward wrote before the key state was kept in the store."""


def _first_layout_store(path: Path) -> tuple[bytes, bytes]:
    """A store as the first layout left it: one live key (version 2), one tombstone."""
    live, gone = os.urandom(16), os.urandom(16)
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_LAYOUT)
        db.execute(
            "INSERT INTO subject_keys VALUES (?, ?, ?, ?, ?)",
            (live, "ana", 2, b"w" * 60, WHEN.isoformat()),
        )
        db.execute("INSERT INTO shredded_keys VALUES (?, ?)", (gone, WHEN.isoformat()))
    db.close()
    return live, gone


def test_a_store_of_the_first_layout_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "subject-keys.sqlite3"
    live, gone = _first_layout_store(path)
    store = SqliteSubjectKeyStore(path)
    assert store.by_subject("ana") == WrappedKey(live, "ana", 2, b"w" * 60, WHEN)
    assert store.was_shredded(gone)
    assert store.state() == KeyState(generation=0, min_kek_version=1)
    assert store.count_by_kek_version() == {2: 1}
    store.retire_below(2)
    store.close()
    again = SqliteSubjectKeyStore(path)  # opening an upgraded store changes nothing
    assert again.state() == KeyState(generation=1, min_kek_version=2)
    assert again.by_subject("ana") is not None
    again.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    db.close()


def test_a_store_from_a_newer_steward_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "subject-keys.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(KeyStoreError, match="newer Steward"):
        SqliteSubjectKeyStore(path)


def test_a_file_that_is_not_a_store_is_refused_plainly(tmp_path: Path) -> None:
    path = tmp_path / "subject-keys.sqlite3"
    path.write_bytes(b"this is not a database at all, just some text " * 40)
    path.chmod(0o600)
    with pytest.raises(KeyStoreError, match="not a subject key store"):
        SqliteSubjectKeyStore(path)


def test_a_store_held_by_another_writer_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "subject-keys.sqlite3"
    SqliteSubjectKeyStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    store = SqliteSubjectKeyStore(path, busy_seconds=0.05)
    try:
        with pytest.raises(KeyStoreError, match="busy") as raised:
            store.insert(WrappedKey(os.urandom(16), "ana", 1, b"w", WHEN))
        assert "try again" in str(raised.value)
        assert store.state().generation == 0  # readers are not held up
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.insert(WrappedKey(os.urandom(16), "ana", 1, b"w", WHEN)).subject == "ana"
    store.close()


def test_the_store_file_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "subject-keys.sqlite3"
    SqliteSubjectKeyStore(path).close()
    assert path.stat().st_mode & 0o777 == 0o600


RACER = """
import os, sys
from datetime import UTC, datetime
from pathlib import Path
from steward.crypto import SqliteSubjectKeyStore, WrappedKey
store = SqliteSubjectKeyStore(Path(sys.argv[1]))
sys.stdin.readline()  # start together
for n in range(40):
    key = WrappedKey(os.urandom(16), f"subject-{n}", 1, os.urandom(60), datetime.now(UTC))
    print(store.insert(key).key_id.hex(), flush=True)
"""


def test_processes_racing_to_create_keys_end_with_one_key_per_subject(tmp_path: Path) -> None:
    path = tmp_path / "subject-keys.sqlite3"
    SqliteSubjectKeyStore(path).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(3)
    ]
    outputs = [racer.communicate("go\n", timeout=120)[0].split() for racer in racers]
    assert all(racer.returncode == 0 for racer in racers)
    assert outputs[0] == outputs[1] == outputs[2]  # every process got the winner's key
    store = SqliteSubjectKeyStore(path)
    assert store.count_by_kek_version() == {1: 40}
    assert [store.by_subject(f"subject-{n}").key_id.hex() for n in range(40)] == outputs[0]  # type: ignore[union-attr]
    store.close()
