"""Consistent snapshots of a live database, and what they hold.

* SQLite: the online backup API copies the database, write-ahead log included, in
  one step inside one read transaction, while the vault keeps writing.
* PostgreSQL: a ``REPEATABLE READ`` transaction exports its snapshot; the row counts
  and the audit summary are read in that transaction and ``pg_dump --snapshot`` dumps
  exactly the same state, so the manifest describes exactly what the dump holds.

Row counts and the audit log's size and Merkle root are read from the snapshot
itself, never from the live database a moment later.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from steward.audit import AuditWriteError, RecordBuilder, leaf_hash, root_hash
from steward.vault.services.backups_db import (
    DatabaseProblem,
    DatabaseRef,
    Engine,
    require_program,
    table_counts,
)
from steward.vault.services.backups_format import AuditSummary

AUDIT_TABLE: Final = "vault_auditentryrow"
CHECKPOINT_TABLE: Final = "vault_auditcheckpointrow"
SQLITE_BUSY_SECONDS: Final = 60.0
_BATCH: Final = 2000


@dataclass(frozen=True)
class Contents:
    """What a snapshot holds: rows per table and the audit log's summary."""

    tables: dict[str, int]
    audit: AuditSummary


class SnapshotAuditStore:
    """A read-only :class:`~steward.audit.AuditStore` over a restored or snapshot database."""

    def __init__(self, connection: Any, engine: Engine) -> None:
        self.connection = connection
        self.engine = engine

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """The entry records from ``start`` to ``stop``, in entry order."""
        mark = "?" if self.engine == "sqlite" else "%s"
        sql = f"SELECT record FROM {AUDIT_TABLE} WHERE seq >= {mark}"  # noqa: S608 - constants
        args: list[int] = [start]
        if stop is not None:
            sql += f" AND seq < {mark}"
            args.append(stop)
        cursor = self.connection.cursor()
        cursor.execute(sql + " ORDER BY seq", args)
        while rows := cursor.fetchmany(_BATCH):
            for (record,) in rows:
                yield bytes(record)

    def size(self) -> int:
        """The next entry number (one past the highest stored)."""
        cursor = self.connection.cursor()
        cursor.execute(f"SELECT max(seq) FROM {AUDIT_TABLE}")  # noqa: S608 - constant
        value = cursor.fetchone()[0]
        return 0 if value is None else int(value) + 1

    def tail(self) -> tuple[int, bytes | None]:
        """The next entry number and the last entry."""
        size = self.size()
        last = list(self.read(size - 1, size)) if size else []
        return size, (last[0] if last else None)

    def checkpoints(self) -> list[str]:
        """The checkpoint notes kept in the database, oldest first."""
        cursor = self.connection.cursor()
        cursor.execute(f"SELECT note FROM {CHECKPOINT_TABLE} ORDER BY id")  # noqa: S608
        return [str(row[0]) for row in cursor.fetchall()]

    def append_next(self, build: RecordBuilder) -> int:
        """Refused: a snapshot is read-only."""
        raise AuditWriteError("a backup's audit log is read-only")

    def append(self, index: int, record: bytes) -> None:
        """Refused: a snapshot is read-only."""
        raise AuditWriteError("a backup's audit log is read-only")

    def save_checkpoint(self, note: str) -> None:
        """Refused: a snapshot is read-only."""
        raise AuditWriteError("a backup's audit log is read-only")


def read_contents(connection: Any, engine: Engine) -> Contents:
    """Count every table's rows and summarize the audit log, through ``connection``."""
    store = SnapshotAuditStore(connection, engine)
    hashes = [leaf_hash(record) for record in store.read()]
    return Contents(
        table_counts(connection, engine), AuditSummary(len(hashes), root_hash(hashes).hex())
    )


@contextmanager
def sqlite_snapshot(source: Path, folder: Path) -> Iterator[tuple[Path, Contents]]:
    """Copy the live SQLite database at ``source`` into an owner-only file in ``folder``.

    Yields the copy and its contents; the copy is deleted afterwards.

    Raises:
        DatabaseProblem: there is no database at ``source`` or it cannot be read.
    """
    if not source.is_file():
        raise DatabaseProblem(f"there is no database at {source}")
    copy = folder / "snapshot.sqlite3"
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        try:
            with (
                closing(sqlite3.connect(source, timeout=SQLITE_BUSY_SECONDS)) as live,
                closing(sqlite3.connect(copy)) as target,
            ):
                live.backup(target)  # every page in one step: one consistent read
            with closing(sqlite3.connect(copy)) as snapshot:
                contents = read_contents(snapshot, "sqlite")
        except sqlite3.Error as error:
            raise DatabaseProblem(
                f"cannot take a snapshot of {source}: {type(error).__name__}: {error}"
            ) from None
        yield copy, contents
    finally:
        for leftover in (copy, copy.with_name(copy.name + "-journal")):
            leftover.unlink(missing_ok=True)


@contextmanager
def postgres_snapshot(ref: DatabaseRef) -> Iterator[tuple[str, Contents]]:
    """Open a read-only snapshot of a PostgreSQL database and keep it open.

    Yields the exported snapshot's id (for ``pg_dump --snapshot``) and its contents.

    Raises:
        DatabaseProblem: the database cannot be reached or read.
    """
    import psycopg

    connection = ref.connect_postgres()
    try:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        try:
            row = connection.execute("SELECT pg_export_snapshot()").fetchone()
            contents = read_contents(connection, "postgresql")
        except psycopg.Error as error:
            raise DatabaseProblem(
                f"cannot take a snapshot of {ref.describe()}: {type(error).__name__}"
            ) from None
        yield str(row[0]), contents
    finally:
        connection.rollback()
        connection.close()


@contextmanager
def pg_dump_stream(ref: DatabaseRef, snapshot: str) -> Iterator[IO[bytes]]:
    """``pg_dump`` of ``ref`` at ``snapshot`` in custom format, as a stream to read.

    Raises:
        DatabaseProblem: ``pg_dump`` is missing, or it failed (checked when the block ends).
    """
    program = require_program("pg_dump")
    arguments = [
        program,
        "--format=custom",
        "--compress=6",
        f"--snapshot={snapshot}",
        "--no-password",
    ]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments
            arguments,
            stdout=subprocess.PIPE,
            stderr=errors,
            env={**os.environ, **ref.pg_environment()},
        )
        assert process.stdout is not None
        try:
            yield process.stdout
        finally:
            process.stdout.close()
            status = process.wait()
        errors.seek(0)
        detail = errors.read(2000).decode("utf-8", "replace").strip().splitlines()
    if status != 0:
        first = detail[0] if detail else f"exit status {status}"
        raise DatabaseProblem(f"pg_dump of {ref.describe()} failed: {first}")
