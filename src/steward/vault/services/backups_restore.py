"""Restoring a backup into an empty database, all or nothing.

The backup is decrypted, every chunk authenticated, into an owner-only file first;
only then is anything written to the target: a SQLite file renamed into place, or a
``pg_restore --single-transaction`` into an empty PostgreSQL database. A backup that
was changed, cut short or encrypted under another key restores nothing. A target
that already holds tables is refused, so a restore never mixes two vaults.

Needs the key file (to unwrap the backup's key), not Django.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from steward.crypto import KeyProvider, decrypt_stream
from steward.errors import StewardError
from steward.vault.services.backups_db import (
    DatabaseProblem,
    DatabaseRef,
    is_empty,
    require_program,
)
from steward.vault.services.backups_format import (
    BackupError,
    Manifest,
    PayloadWriter,
    new_private_file,
)


class TargetNotEmpty(StewardError):
    """The restore target already holds data; nothing was changed."""


def refuse_non_empty(target: DatabaseRef) -> None:
    """Raise unless ``target`` holds no tables.

    Raises:
        TargetNotEmpty: it holds tables.
        DatabaseProblem: it cannot be reached.
    """
    if not is_empty(target):
        raise TargetNotEmpty(
            f"{target.describe()} is not empty; restore only into an empty database "
            "(a new --data-dir, or a PostgreSQL database made with createdb), so that "
            "two vaults are never mixed"
        )


def decrypt_backup(
    source: Path, target: Path, provider: KeyProvider, engine: str | None
) -> Manifest:
    """Decrypt backup ``source`` into new owner-only file ``target`` (the database part).

    Nothing is left at ``target`` unless every chunk authenticated.

    Raises:
        BackupError: ``source`` is missing, not a database backup, or of another engine.
        CryptoError: it was changed or cut short, or its key cannot be unwrapped.
    """
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    with (
        new_private_file(target, f"cannot restore {source}") as writer,
        source.open("rb") as reader,
    ):
        payload = PayloadWriter(writer, engine)
        decrypt_stream(reader, payload, provider)  # type: ignore[arg-type]
        return payload.finished()


@contextmanager
def private_tempdir(prefix: str, parent: Path | None = None) -> Iterator[Path]:
    """An owner-only temporary folder (in ``parent``, or the system's), deleted afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f".{prefix}" if parent else prefix, dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def restore_backup(source: Path, target: DatabaseRef, provider: KeyProvider) -> Manifest:
    """Restore backup ``source`` into the empty database ``target``; return its manifest.

    Raises:
        TargetNotEmpty: ``target`` already holds tables.
        BackupError, CryptoError: as :func:`decrypt_backup`; nothing was written.
        DatabaseProblem: the target cannot be reached, or ``pg_restore`` failed (its
            single transaction left the target empty).
    """
    refuse_non_empty(target)
    near = None
    if target.path is not None:
        target.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        near = target.path.parent  # so the finished file is renamed, never copied
    with private_tempdir("steward-restore-", near) as work:
        manifest = decrypt_backup(source, work / "database", provider, target.engine)
        if target.engine == "sqlite":
            place_sqlite(work / "database", target)
        else:
            pg_restore(work / "database", target)
    return manifest


def place_sqlite(database: Path, target: DatabaseRef) -> None:
    """Check the decrypted SQLite file and move it to ``target``'s path."""
    assert target.path is not None
    try:
        with closing(sqlite3.connect(database)) as check:
            verdict = check.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"the backup's database is damaged: {error}") from None
    if verdict is None or verdict[0] != "ok":
        raise BackupError("the backup's database is damaged: SQLite's quick check failed")
    refuse_non_empty(target)  # nobody created it meanwhile
    os.replace(database, target.path)


def pg_restore(dump: Path, target: DatabaseRef) -> None:
    """``pg_restore`` ``dump`` into ``target`` in one transaction."""
    program = require_program("pg_restore")
    result = subprocess.run(  # noqa: S603 - a fixed program and arguments
        [
            program,
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            f"--dbname={target.name}",
            str(dump),
        ],
        env={**os.environ, **target.pg_environment()},
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        first = lines[0][:300] if lines else f"exit status {result.returncode}"
        raise DatabaseProblem(f"pg_restore into {target.describe()} failed: {first}")
