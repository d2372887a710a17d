"""The subject key store in a SQLite file of its own: the key state every process shares.

Every change that matters to another process happens in one write transaction
(``BEGIN IMMEDIATE``, which SQLite serializes across processes): storing a key checks
the minimum KEK version, retiring counts the keys left under old versions and raises
the minimum, shredding deletes the key and starts a new generation. Readers in
write-ahead-log mode never wait for writers.

Schema versions (``PRAGMA user_version``): 0 is the first layout (keys and
tombstones); 1 adds the shared key state and an index by KEK version. Older files
are upgraded in place when opened.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from steward.clock import now
from steward.crypto.errors import KeyStoreBusyError, KeyStoreError
from steward.crypto.subject_keys import (
    KeyState,
    Rewrap,
    WrappedKey,
    stale_error,
    stranded_error,
)

SCHEMA_VERSION: Final = 1
BUSY_SECONDS: Final = 30.0
"""How long a write waits for another process's write to finish before giving up."""

_KEYS_AND_TOMBSTONES: Final = (
    """CREATE TABLE IF NOT EXISTS subject_keys (
        key_id BLOB PRIMARY KEY,
        subject TEXT NOT NULL UNIQUE,
        kek_version INTEGER NOT NULL,
        wrapped BLOB NOT NULL,
        created TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS shredded_keys (
        key_id BLOB PRIMARY KEY,
        shredded TEXT NOT NULL
    )""",
)
_VERSION_1: Final = (
    """CREATE TABLE IF NOT EXISTS key_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,
        min_kek_version INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS subject_keys_by_kek_version ON subject_keys (kek_version)",
    # generation 0; KEK versions start at 1 (subject_keys.FIRST_KEK_VERSION)
    "INSERT OR IGNORE INTO key_state VALUES (1, 0, 1)",
)


_STATE: Final = "SELECT generation, min_kek_version FROM key_state"
_BY_SUBJECT: Final = "SELECT * FROM subject_keys WHERE subject = ?"
_BY_KEY_ID: Final = "SELECT * FROM subject_keys WHERE key_id = ?"
_TOMBSTONE: Final = "SELECT 1 FROM shredded_keys WHERE key_id = ?"


class SqliteSubjectKeyStore:
    """Wrapped DEKs in a SQLite file of their own, created owner-only.

    ``secure_delete`` is on, so a shredded key's bytes are overwritten in the file,
    not merely unlinked from its pages; the write-ahead log (which makes each new key
    durable with one sync) is checkpointed and truncated after every shredding. One
    connection per store, shared by the process's threads under a lock.
    """

    def __init__(self, path: Path, *, busy_seconds: float = BUSY_SECONDS) -> None:
        """Open (creating or upgrading if needed) the store at ``path``.

        A write waits up to ``busy_seconds`` for another process's write to finish.

        Raises:
            KeyStoreError: the file cannot be opened, is not a key store, or was made
                by a newer Steward.
        """
        self.path = path
        self._busy_seconds = busy_seconds
        self._lock = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                path.touch(mode=0o600)
            path.chmod(0o600)
            self._db = sqlite3.connect(
                path, timeout=busy_seconds, check_same_thread=False, isolation_level=None
            )
        except (OSError, sqlite3.Error) as error:
            raise KeyStoreError(f"{path}: cannot open the subject key store ({error})") from None
        try:
            with _store_errors(path, "open the subject key store", busy_seconds):
                self._db.execute("PRAGMA secure_delete = ON")
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = FULL")
                if self._layout() != SCHEMA_VERSION:
                    self._upgrade()
        except KeyStoreError:
            self._db.close()
            raise

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    def state(self) -> KeyState:
        row = self._fetch_one("read the key state", _STATE)
        return KeyState(int(row[0]), int(row[1]))

    def by_subject(self, subject: str) -> WrappedKey | None:
        row = self._fetch_one("read a data key", _BY_SUBJECT, (subject,))
        return None if row is None else _row(row)

    def by_key_id(self, key_id: bytes) -> WrappedKey | None:
        row = self._fetch_one("read a data key", _BY_KEY_ID, (key_id,))
        return None if row is None else _row(row)

    def was_shredded(self, key_id: bytes) -> bool:
        return self._fetch_one("read a tombstone", _TOMBSTONE, (key_id,)) is not None

    def insert(self, key: WrappedKey) -> WrappedKey:
        with self._writing("store a data key") as db:
            existing = db.execute(_BY_SUBJECT, (key.subject,)).fetchone()
            if existing is not None:
                return _row(existing)
            minimum = int(db.execute("SELECT min_kek_version FROM key_state").fetchone()[0])
            if key.kek_version < minimum:
                raise stale_error(key.kek_version, minimum)
            used = db.execute(
                "SELECT 1 FROM subject_keys WHERE key_id = ?1 "
                "UNION ALL SELECT 1 FROM shredded_keys WHERE key_id = ?1",
                (key.key_id,),
            ).fetchone()
            if used is not None:
                raise KeyStoreError("a data key with this key id already exists")
            db.execute(
                "INSERT INTO subject_keys VALUES (?, ?, ?, ?, ?)",
                (key.key_id, key.subject, key.kek_version, key.wrapped, key.created.isoformat()),
            )
            return key

    def insert_many(self, keys: Sequence[WrappedKey]) -> list[WrappedKey]:
        if not keys:
            return []
        with self._writing("store data keys") as db:
            minimum = int(db.execute("SELECT min_kek_version FROM key_state").fetchone()[0])
            low = min(key.kek_version for key in keys)
            if low < minimum:
                raise stale_error(low, minimum)
            kept: list[WrappedKey] = []
            for key in keys:
                existing = db.execute(_BY_SUBJECT, (key.subject,)).fetchone()
                if existing is not None:
                    kept.append(_row(existing))
                    continue
                used = db.execute(
                    "SELECT 1 FROM subject_keys WHERE key_id = ?1 "
                    "UNION ALL SELECT 1 FROM shredded_keys WHERE key_id = ?1",
                    (key.key_id,),
                ).fetchone()
                if used is not None:
                    raise KeyStoreError("a data key with this key id already exists")
                db.execute(
                    "INSERT INTO subject_keys VALUES (?, ?, ?, ?, ?)",
                    (
                        key.key_id,
                        key.subject,
                        key.kek_version,
                        key.wrapped,
                        key.created.isoformat(),
                    ),
                )
                kept.append(key)
            return kept

    def rewrap(self, changes: Sequence[Rewrap]) -> int:
        if not changes:
            return 0
        with self._writing("rewrap data keys") as db:
            minimum = int(db.execute("SELECT min_kek_version FROM key_state").fetchone()[0])
            low = min(change.to_version for change in changes)
            if low < minimum:
                raise stale_error(low, minimum)
            done = 0
            for change in changes:
                cursor = db.execute(
                    "UPDATE subject_keys SET kek_version = ?, wrapped = ? "
                    "WHERE key_id = ? AND kek_version = ?",
                    (change.to_version, change.wrapped, change.key_id, change.from_version),
                )
                done += cursor.rowcount
            return done

    def shred(self, subject: str) -> WrappedKey | None:
        with self._lock:
            with self._writing("shred a data key") as db:
                found = db.execute(_BY_SUBJECT, (subject,)).fetchone()
                if found is None:
                    return None
                key = _row(found)
                db.execute("DELETE FROM subject_keys WHERE key_id = ?", (key.key_id,))
                db.execute(
                    "INSERT OR IGNORE INTO shredded_keys VALUES (?, ?)",
                    (key.key_id, now().isoformat()),
                )
                db.execute("UPDATE key_state SET generation = generation + 1")
            # Old log frames may still hold the wrapped key: fold them into the file
            # (where secure_delete zeroed it) and truncate the write-ahead log.
            with self._reading("truncate the write-ahead log"):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return key

    def shred_many(self, subjects: Sequence[str]) -> list[WrappedKey]:
        """Shred the keys of ``subjects`` in one write transaction and one log
        truncation (a sweep's batch); returns the keys that existed."""
        destroyed: list[WrappedKey] = []
        if not subjects:
            return destroyed
        with self._lock:
            with self._writing("shred data keys") as db:
                for subject in subjects:
                    found = db.execute(_BY_SUBJECT, (subject,)).fetchone()
                    if found is None:
                        continue
                    key = _row(found)
                    db.execute("DELETE FROM subject_keys WHERE key_id = ?", (key.key_id,))
                    db.execute(
                        "INSERT OR IGNORE INTO shredded_keys VALUES (?, ?)",
                        (key.key_id, now().isoformat()),
                    )
                    destroyed.append(key)
                if destroyed:
                    db.execute("UPDATE key_state SET generation = generation + 1")
            if destroyed:
                with self._reading("truncate the write-ahead log"):
                    self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return destroyed

    def retire_below(self, version: int) -> KeyState:
        with self._writing("retire KEK versions") as db:
            rows = db.execute(
                "SELECT kek_version, COUNT(*) FROM subject_keys WHERE kek_version < ? "
                "GROUP BY kek_version",
                (version,),
            )
            stranded = {int(v): int(n) for v, n in rows}
            if stranded:
                raise stranded_error(stranded, version)
            db.execute(
                "UPDATE key_state SET generation = generation + 1, "
                "min_kek_version = MAX(min_kek_version, ?)",
                (version,),
            )
            row = db.execute(_STATE).fetchone()
        return KeyState(int(row[0]), int(row[1]))

    def all_keys(self) -> Iterator[WrappedKey]:
        with self._reading("list data keys"):
            rows = self._db.execute("SELECT * FROM subject_keys ORDER BY created").fetchall()
        return (_row(r) for r in rows)

    def count_by_kek_version(self) -> dict[int, int]:
        with self._reading("count data keys"):
            rows = self._db.execute(
                "SELECT kek_version, COUNT(*) FROM subject_keys GROUP BY kek_version"
            ).fetchall()
        return {int(version): int(count) for version, count in rows}

    def shredded_count(self) -> int:
        with self._reading("count shredded keys"):
            return int(self._db.execute("SELECT COUNT(*) FROM shredded_keys").fetchone()[0])

    # -- internals ------------------------------------------------------------------

    def _upgrade(self) -> None:
        """Bring the file's layout to :data:`SCHEMA_VERSION` in one transaction."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._layout()
            if version > SCHEMA_VERSION:
                raise KeyStoreError(
                    f"{self.path}: made by a newer Steward (layout {version}); upgrade Steward"
                )
            for statement in _KEYS_AND_TOMBSTONES + _VERSION_1:
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _layout(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _reading(self, what: str) -> Iterator[None]:
        with self._lock, _store_errors(self.path, what, self._busy_seconds):
            yield

    @contextmanager
    def _writing(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction, serialized with every other process's writes."""
        with self._lock, _store_errors(self.path, what, self._busy_seconds):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                with suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _fetch_one(self, what: str, sql: str, args: tuple[object, ...] = ()) -> Any:
        """The first row of a read; plain code, as it runs on every use of a key."""
        try:
            with self._lock:
                return self._db.execute(sql, args).fetchone()
        except sqlite3.Error as error:
            raise _store_error(self.path, what, self._busy_seconds, error) from None


@contextmanager
def _store_errors(path: Path, what: str, busy_seconds: float) -> Iterator[None]:
    """Turn SQLite's errors into a :class:`KeyStoreError` that says what failed."""
    try:
        yield
    except sqlite3.Error as error:
        raise _store_error(path, what, busy_seconds, error) from None


def _store_error(path: Path, what: str, busy_seconds: float, error: sqlite3.Error) -> KeyStoreError:
    text = str(error)
    if isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return KeyStoreBusyError(
            f"{path}: cannot {what}: another process kept the subject key store busy "
            f"for more than {busy_seconds:g} s; try again"
        )
    if isinstance(error, sqlite3.DatabaseError) and "not a database" in text:
        return KeyStoreError(f"{path}: not a subject key store ({text})")
    return KeyStoreError(f"{path}: cannot {what} ({text})")


def _row(row: tuple[bytes, str, int, bytes, str]) -> WrappedKey:
    key_id, subject, version, wrapped, created = row
    return WrappedKey(
        bytes(key_id), subject, int(version), bytes(wrapped), datetime.fromisoformat(created)
    )
