"""The restore drill: restore a backup into a temporary place and check it is whole.

:func:`verify_backup` decrypts the backup, restores it (a temporary SQLite file, or a
temporary PostgreSQL database that is dropped afterwards) and checks that

* every table holds exactly the rows the manifest counted;
* the audit log verifies (chain, numbering, stored checkpoints) and has the size and
  Merkle root the manifest recorded;
* a random sample of records decrypts with today's keys. A record whose person was
  erased since (their key shredded) counts as erased, not as a failure: erasure is
  meant to reach the backups.

Nothing here needs Django; the live vault is not touched.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from steward.audit import AuditError, VerifierKey, load_public_key, verify_log
from steward.crypto import (
    CryptoError,
    FileKeyProvider,
    KeyRing,
    KeyShreddedError,
    SqliteSubjectKeyStore,
)
from steward.vault.services.backups_db import (
    DatabaseProblem,
    DatabaseRef,
    Engine,
    as_uuid_text,
    open_database,
    placeholder,
    table_counts,
)
from steward.vault.services.backups_format import BackupError, Manifest
from steward.vault.services.backups_restore import (
    decrypt_backup,
    pg_restore,
    place_sqlite,
    private_tempdir,
)
from steward.vault.services.backups_snapshot import SnapshotAuditStore

KEK_FILE: Final = "kek.json"
SUBJECT_KEYS_FILE: Final = "subject-keys.sqlite3"
VERIFIER_KEY_FILE: Final = "audit-signing.pub"
DEFAULT_SAMPLE: Final = 50


@dataclass(frozen=True)
class SampleResult:
    """How the sample of records fared: decrypted, erased since, or failed (by reason)."""

    checked: int = 0
    decrypted: int = 0
    erased: int = 0
    failures: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerifyReport:
    """What the drill found. ``ok`` only when every check passed."""

    manifest: Manifest
    rows: int
    audit_size: int
    checkpoints_checked: int
    sample: SampleResult
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Whether the backup restored whole."""
        return not self.problems

    def summary(self) -> str:
        """One sentence for the job record (no personal data)."""
        verdict = "restores whole" if self.ok else f"FAILED: {'; '.join(self.problems)}"
        return (
            f"backup {self.manifest.name} {verdict}: {len(self.manifest.tables)} tables, "
            f"{self.rows} rows, {self.audit_size} audit entries, "
            f"{self.sample.decrypted} of {self.sample.checked} sampled records decrypted"
            + (f" ({self.sample.erased} erased since)" if self.sample.erased else "")
        )


def verify_backup(
    source: Path,
    keys_dir: Path,
    *,
    server: DatabaseRef | None = None,
    sample: int = DEFAULT_SAMPLE,
) -> VerifyReport:
    """Restore ``source`` somewhere temporary and check it against its manifest.

    A PostgreSQL backup is restored into a new database on ``server`` (which needs the
    right to create databases), dropped afterwards.

    Raises:
        BackupError, CryptoError: the backup cannot be decrypted (changed, cut short,
            wrong key); nothing was restored.
        DatabaseProblem: the temporary database cannot be made or restored into.
    """
    provider = FileKeyProvider(keys_dir / KEK_FILE)
    with private_tempdir("steward-verify-") as work:
        manifest = decrypt_backup(source, work / "database", provider, None)
        if manifest.engine == "sqlite":
            restored = DatabaseRef("sqlite", path=work / "restored.sqlite3")
            place_sqlite(work / "database", restored)
            return _check(restored, manifest, keys_dir, sample)
        if server is None or server.engine != "postgresql":
            raise BackupError(
                "a PostgreSQL backup is checked in a temporary database: give the "
                "server with --database-url"
            )
        with temporary_database(server) as restored:
            pg_restore(work / "database", restored)
            (work / "database").unlink()
            return _check(restored, manifest, keys_dir, sample)


@contextmanager
def temporary_database(server: DatabaseRef) -> Iterator[DatabaseRef]:
    """A new, uniquely named, empty PostgreSQL database on ``server``, dropped afterwards.

    Raises:
        DatabaseProblem: it cannot be created (the login may not create databases).
    """
    import psycopg

    name = f"steward_verify_{secrets.token_hex(6)}"
    with server.connect_postgres(autocommit=True) as admin:
        try:
            admin.execute(f'CREATE DATABASE "{name}"')
        except psycopg.Error as error:
            raise DatabaseProblem(
                f"cannot create a temporary database on {server.describe()} to check the "
                f"backup in ({type(error).__name__}); the login needs CREATEDB"
            ) from None
    try:
        yield server.with_name(name)
    finally:
        with server.connect_postgres(autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _check(restored: DatabaseRef, manifest: Manifest, keys_dir: Path, sample: int) -> VerifyReport:
    engine: Engine = restored.engine
    problems: list[str] = []
    with open_database(restored) as connection:
        counts = table_counts(connection, engine)
        problems += _count_problems(manifest.tables, counts)
        audit = _audit_check(connection, engine, manifest, keys_dir)
        problems += audit[2]
        result = _sample(connection, engine, keys_dir, sample)
    problems += [f"sampled record {reason}" for reason in result.failures]
    return VerifyReport(
        manifest=manifest,
        rows=sum(counts.values()),
        audit_size=audit[0],
        checkpoints_checked=audit[1],
        sample=result,
        problems=tuple(problems),
    )


def _count_problems(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    problems = []
    for table in sorted(set(expected) | set(found)):
        want, got = expected.get(table), found.get(table)
        if want is None:
            problems.append(f"table {table} is not in the manifest")
        elif got is None:
            problems.append(f"table {table} is missing")
        elif want != got:
            problems.append(f"table {table} holds {got} rows, the manifest says {want}")
    return problems


def _audit_check(
    connection: Any, engine: Engine, manifest: Manifest, keys_dir: Path
) -> tuple[int, int, list[str]]:
    """Verify the restored audit log; returns (size, checkpoints checked, problems)."""
    problems = []
    try:
        verifier: VerifierKey | None = (
            load_public_key(keys_dir / VERIFIER_KEY_FILE)
            if (keys_dir / VERIFIER_KEY_FILE).exists()
            else None
        )
    except AuditError as error:
        return 0, 0, [f"the audit verifier key cannot be read: {error}"]
    report = verify_log(SnapshotAuditStore(connection, engine), public_key=verifier)
    if not report.ok:
        problems.append(f"the audit log does not verify: {report.reason}")
    if report.size != manifest.audit.size:
        problems.append(
            f"the audit log holds {report.size} entries, the manifest says {manifest.audit.size}"
        )
    elif report.root_hash.hex() != manifest.audit.root:
        problems.append("the audit log's root hash differs from the manifest's")
    return report.size, report.checkpoints_checked, problems


def _sample(connection: Any, engine: Engine, keys_dir: Path, size: int) -> SampleResult:
    """Decrypt every field of up to ``size`` random records with the keys in ``keys_dir``."""
    store_path = keys_dir / SUBJECT_KEYS_FILE
    if size <= 0:
        return SampleResult()
    if not store_path.is_file():
        return SampleResult(failures=(f"keys cannot be checked: no {SUBJECT_KEYS_FILE}",))
    store = SqliteSubjectKeyStore(store_path)
    try:
        return _decrypt_sample(
            connection, engine, KeyRing(FileKeyProvider(keys_dir / KEK_FILE), store), size
        )
    finally:
        store.close()


def _decrypt_sample(connection: Any, engine: Engine, keyring: KeyRing, size: int) -> SampleResult:
    mark = placeholder(engine)
    cursor = connection.cursor()
    cursor.execute(f"SELECT id, dataset FROM vault_record ORDER BY random() LIMIT {mark}", [size])  # noqa: S608
    records = cursor.fetchall()
    decrypted = erased = 0
    failures: list[str] = []
    for record_id, dataset in records:
        cursor.execute(
            f"SELECT field, ciphertext FROM vault_fieldvalue WHERE record_id = {mark}",  # noqa: S608
            [record_id],
        )
        values = {str(name): bytes(value) for name, value in cursor.fetchall()}
        try:
            keyring.decrypt_record(values, dataset=str(dataset), record=as_uuid_text(record_id))
            decrypted += 1
        except KeyShreddedError:
            erased += 1
        except CryptoError as error:
            failures.append(f"in {dataset} does not decrypt ({type(error).__name__})")
    return SampleResult(len(records), decrypted, erased, tuple(failures))
