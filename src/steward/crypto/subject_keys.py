"""Where per-subject data keys (DEKs) live, wrapped by a KEK.

DEKs live in their own store, apart from the records they protect, so that the
data's backups never carry them: destroying a DEK here makes that person's fields
unreadable in the live database and in every old backup alike (crypto-shredding).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from steward.crypto.errors import KeyStoreError


@dataclass(frozen=True)
class WrappedKey:
    """A subject's data key as stored: wrapped, never in the clear."""

    key_id: bytes
    subject: str
    kek_version: int
    wrapped: bytes
    created: datetime


@runtime_checkable
class SubjectKeyStore(Protocol):
    """Stores wrapped DEKs and the tombstones of shredded ones."""

    def by_subject(self, subject: str) -> WrappedKey | None:
        """The live key of ``subject``, if any."""
        ...

    def by_key_id(self, key_id: bytes) -> WrappedKey | None:
        """The live key with ``key_id``, if any."""
        ...

    def was_shredded(self, key_id: bytes) -> bool:
        """Whether a key with ``key_id`` existed and was destroyed."""
        ...

    def put(self, key: WrappedKey) -> None:
        """Insert a new key, or replace the stored wrapping of an existing one."""
        ...

    def shred(self, subject: str) -> WrappedKey | None:
        """Destroy the live key of ``subject``, leave a tombstone; return what was destroyed."""
        ...

    def all_keys(self) -> Iterator[WrappedKey]:
        """Every live key."""
        ...

    def count_by_kek_version(self) -> dict[int, int]:
        """How many live keys each KEK version wraps."""
        ...


class MemorySubjectKeyStore:
    """A store in memory, for tests and notebooks."""

    def __init__(self) -> None:
        self._keys: dict[bytes, WrappedKey] = {}
        self._subjects: dict[str, bytes] = {}
        self._tombstones: set[bytes] = set()

    def by_subject(self, subject: str) -> WrappedKey | None:
        key_id = self._subjects.get(subject)
        return None if key_id is None else self._keys[key_id]

    def by_key_id(self, key_id: bytes) -> WrappedKey | None:
        return self._keys.get(key_id)

    def was_shredded(self, key_id: bytes) -> bool:
        return key_id in self._tombstones

    def put(self, key: WrappedKey) -> None:
        self._keys[key.key_id] = key
        self._subjects[key.subject] = key.key_id

    def shred(self, subject: str) -> WrappedKey | None:
        key_id = self._subjects.pop(subject, None)
        if key_id is None:
            return None
        self._tombstones.add(key_id)
        return self._keys.pop(key_id)

    def all_keys(self) -> Iterator[WrappedKey]:
        return iter(list(self._keys.values()))

    def count_by_kek_version(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for key in self._keys.values():
            counts[key.kek_version] = counts.get(key.kek_version, 0) + 1
        return counts


_SCHEMA = """
CREATE TABLE IF NOT EXISTS subject_keys (
    key_id BLOB PRIMARY KEY,
    subject TEXT NOT NULL UNIQUE,
    kek_version INTEGER NOT NULL,
    wrapped BLOB NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS shredded_keys (
    key_id BLOB PRIMARY KEY,
    shredded TEXT NOT NULL
);
"""


class SqliteSubjectKeyStore:
    """Wrapped DEKs in a SQLite file of their own, created owner-only.

    ``secure_delete`` is on, so a shredded key's bytes are overwritten in the file,
    not merely unlinked from its pages; the write-ahead log (which makes each new key
    durable with one sync) is checkpointed and truncated after every shredding.
    """

    def __init__(self, path: Path) -> None:
        """Open (creating if needed) the store at ``path``.

        Raises:
            KeyStoreError: the file cannot be opened or is not a key store.
        """
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                path.touch(mode=0o600)
            path.chmod(0o600)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise KeyStoreError(f"{path}: cannot open the subject key store ({error})") from None

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def by_subject(self, subject: str) -> WrappedKey | None:
        return self._one("SELECT * FROM subject_keys WHERE subject = ?", (subject,))

    def by_key_id(self, key_id: bytes) -> WrappedKey | None:
        return self._one("SELECT * FROM subject_keys WHERE key_id = ?", (key_id,))

    def was_shredded(self, key_id: bytes) -> bool:
        row = self._db.execute("SELECT 1 FROM shredded_keys WHERE key_id = ?", (key_id,))
        return row.fetchone() is not None

    def put(self, key: WrappedKey) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO subject_keys VALUES (?, ?, ?, ?, ?) ON CONFLICT(key_id) DO UPDATE "
                "SET kek_version = excluded.kek_version, wrapped = excluded.wrapped",
                (key.key_id, key.subject, key.kek_version, key.wrapped, key.created.isoformat()),
            )

    def shred(self, subject: str) -> WrappedKey | None:
        with self._lock:
            key = self.by_subject(subject)
            if key is None:
                return None
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM subject_keys WHERE key_id = ?", (key.key_id,))
                self._db.execute(
                    "INSERT OR IGNORE INTO shredded_keys VALUES (?, ?)",
                    (key.key_id, datetime.now(UTC).isoformat()),
                )
                self._db.execute("COMMIT")
            except sqlite3.Error:
                self._db.execute("ROLLBACK")
                raise
            # Old log frames may still hold the wrapped key: fold them into the file
            # (where secure_delete zeroed it) and truncate the write-ahead log.
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return key

    def all_keys(self) -> Iterator[WrappedKey]:
        rows = self._db.execute("SELECT * FROM subject_keys ORDER BY created").fetchall()
        return (_row(r) for r in rows)

    def count_by_kek_version(self) -> dict[int, int]:
        rows = self._db.execute(
            "SELECT kek_version, COUNT(*) FROM subject_keys GROUP BY kek_version"
        )
        return {int(version): int(count) for version, count in rows}

    def _one(self, sql: str, args: tuple[object, ...]) -> WrappedKey | None:
        row = self._db.execute(sql, args).fetchone()
        return None if row is None else _row(row)


def _row(row: tuple[bytes, str, int, bytes, str]) -> WrappedKey:
    key_id, subject, version, wrapped, created = row
    return WrappedKey(
        bytes(key_id), subject, int(version), bytes(wrapped), datetime.fromisoformat(created)
    )
