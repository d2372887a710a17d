"""Taking a backup of the live vault while it serves, and pruning old ones.

:func:`create_backup` snapshots the database (:mod:`backups_snapshot`), writes the
manifest, encrypts manifest and database together with
:func:`steward.crypto.backup.encrypt_stream` into ``NAME.stwbk`` (owner-only, renamed
into place only when complete) and puts a clear copy of the manifest beside it. The
plaintext never leaves an owner-only working folder inside the backup folder, and for
PostgreSQL it never touches the disk. :func:`prune_backups` deletes the backups the
plan's ``backups.retention`` no longer allows. Both are audited.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, BinaryIO

from django.db import connection, transaction

from steward import __version__
from steward.clock import now
from steward.crypto import KekVersion, KeyProvider, encrypt_stream
from steward.vault.audit_actions import AuditAction
from steward.vault.rules.backup_pruning import backups_to_prune
from steward.vault.rules.schedule import duration_interval
from steward.vault.services.auditing import audit
from steward.vault.services.backups_db import DatabaseRef
from steward.vault.services.backups_format import (
    BackupError,
    KeyVersions,
    Manifest,
    backup_path,
    manifest_path,
    new_private_file,
    payload_header,
    prepare_backup_dir,
    stored_backups,
    write_private,
)
from steward.vault.services.backups_snapshot import (
    Contents,
    pg_dump_stream,
    postgres_snapshot,
    sqlite_snapshot,
)
from steward.vault.services.jobs import JobContext


@dataclass(frozen=True)
class CreatedBackup:
    """A backup just written: its encrypted file, its size and its manifest."""

    path: Path
    size: int
    manifest: Manifest


@dataclass(frozen=True)
class PruneResult:
    """What pruning did: the backups deleted and the one kept past its time, if any."""

    deleted: tuple[str, ...]
    kept_past_retention: str | None
    undated: tuple[str, ...] = ()


class _PinnedProvider:
    """A key provider whose current version is fixed when it is made, so the manifest
    can name the KEK version that will wrap the backup's key before encryption starts."""

    def __init__(self, provider: KeyProvider) -> None:
        self._provider = provider
        self.version = provider.current_version()

    def versions(self) -> Sequence[KekVersion]:
        return self._provider.versions()

    def current_version(self) -> int:
        return self.version

    def min_decrypt_version(self) -> int:
        return self._provider.min_decrypt_version()

    def wrap(self, version: int, data_key: bytes, context: bytes) -> bytes:
        return self._provider.wrap(version, data_key, context)

    def unwrap(self, version: int, wrapped: bytes, context: bytes) -> bytes:
        return self._provider.unwrap(version, wrapped, context)

    def index_key(self) -> bytes:
        return self._provider.index_key()


class _Chain(io.RawIOBase):
    """Reads one stream after another, as a single stream."""

    def __init__(self, parts: Sequence[IO[bytes]]) -> None:
        self._parts = list(parts)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer)
        while self._parts:
            data = self._parts[0].read(len(view))
            if data:
                view[: len(data)] = data
                return len(data)
            self._parts.pop(0)
        return 0


def new_backup_name(moment: datetime) -> str:
    """``steward-20261122T101500Z-3fa9c2``: when, and a random part so names never clash."""
    return f"steward-{moment.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


@contextmanager
def _workdir(folder: Path) -> Iterator[Path]:
    """An owner-only scratch folder inside the backup folder, removed afterwards."""
    work = folder / f".work-{os.getpid()}-{secrets.token_hex(4)}"
    work.mkdir(mode=0o700)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _partial(folder: Path, name: str) -> Path:
    """The hidden file a backup is written to before it is renamed into place."""
    return folder / f".{backup_path(folder, name).name}.partial"


def _encrypt_into(target: Path, parts: Sequence[IO[bytes]], provider: KeyProvider) -> None:
    """Encrypt ``parts``, one after another, into new owner-only file ``target``."""
    with new_private_file(target, f"cannot write the backup in {target.parent}") as out:
        source: BinaryIO = io.BufferedReader(_Chain(parts))
        encrypt_stream(source, out, provider)


def _manifest(
    name: str,
    taken: datetime,
    engine: str,
    contents: Contents,
    context: JobContext,
    keys: KeyVersions,
) -> Manifest:
    loaded = context.vault.loaded
    return Manifest(
        name=name,
        created=taken.isoformat(),
        engine=engine,
        plan_version=loaded.plan.version,
        plan_digest=loaded.digest,
        tables=contents.tables,
        audit=contents.audit,
        keys=keys,
        steward_version=__version__,
    )


def create_backup(context: JobContext) -> CreatedBackup:
    """Back up the vault's database now, while it keeps serving.

    Raises:
        BackupError: the backup folder is unsafe or the backup could not be written.
        DatabaseProblem: the database cannot be read or dumped.
        CryptoError: the keys cannot be used.
        AuditUnavailable: the backup was written but could not be audited.
    """
    ref = DatabaseRef.from_settings(connection.settings_dict)
    folder = prepare_backup_dir(context.backup_dir, create=True)
    provider = _PinnedProvider(context.vault.keyring.provider)
    data_keys = context.vault.keyring.store.count_by_kek_version()
    keys = KeyVersions(provider.version, {str(v): n for v, n in sorted(data_keys.items())})
    taken = now()
    name = new_backup_name(taken)
    partial, path = _partial(folder, name), backup_path(folder, name)
    try:
        with _workdir(folder) as work:
            if ref.engine == "sqlite":
                assert ref.path is not None
                with sqlite_snapshot(ref.path, work) as (copy, contents):
                    manifest = _manifest(name, taken, "sqlite", contents, context, keys)
                    with copy.open("rb") as database:
                        header = io.BytesIO(payload_header(manifest))
                        _encrypt_into(partial, [header, database], provider)
            else:
                with postgres_snapshot(ref) as (snapshot, contents):
                    manifest = _manifest(name, taken, "postgresql", contents, context, keys)
                    header = io.BytesIO(payload_header(manifest))
                    with pg_dump_stream(ref, snapshot) as dump:
                        _encrypt_into(partial, [header, dump], provider)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot write the backup in {folder}: {error.strerror}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    write_private(manifest_path(path), manifest.to_json() + b"\n")
    with transaction.atomic():
        audit(
            context.vault,
            actor=context.actor,
            action=AuditAction.BACKUP_CREATE,
            obj=f"backup/{name}",
        )
    return CreatedBackup(path, path.stat().st_size, manifest)


def prune_backups(context: JobContext) -> PruneResult:
    """Delete the backups older than the plan's ``backups.retention`` (never the newest).

    Backups whose clear manifest is missing cannot be dated and are left alone.

    Raises:
        BackupError: the backup folder is unsafe or a file cannot be deleted.
        AuditUnavailable: the deletion could not be audited.
    """
    backups = context.plan.operations.backups
    retention = backups.retention if backups is not None else None
    if retention is None or not context.backup_dir.exists():
        return PruneResult((), None)
    folder = prepare_backup_dir(context.backup_dir, create=False)
    stored = stored_backups(folder)
    dated = [(b.name, b.manifest.created_at) for b in stored if b.manifest is not None]
    undated = tuple(b.name for b in stored if b.manifest is None)
    decision = backups_to_prune(dated, duration_interval(retention), now())
    for name in decision.delete:
        try:
            backup_path(folder, name).unlink(missing_ok=True)
            manifest_path(backup_path(folder, name)).unlink(missing_ok=True)
        except OSError as error:
            raise BackupError(f"cannot delete backup {name}: {error.strerror}") from None
    for name in decision.delete:
        with transaction.atomic():
            audit(
                context.vault,
                actor=context.actor,
                action=AuditAction.BACKUP_PRUNE,
                obj=f"backup/{name}",
            )
    return PruneResult(decision.delete, decision.kept_past_retention, undated)
