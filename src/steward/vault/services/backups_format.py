"""What a backup is on disk: two files in the backup folder, and the manifest.

``NAME.stwbk``
    the encrypted backup (:mod:`steward.crypto.backup`: chunked AES-256-GCM under a
    fresh key wrapped by the current KEK). Decrypted, it is::

        b"steward-backup/1\\n" || manifest (one line of JSON) || b"\\n" || database

    where the database is a SQLite file or a ``pg_dump`` archive (custom format).
``NAME.manifest.json``
    a clear copy of the manifest, so backups can be listed without keys. The copy
    inside the encrypted file is the one restore and verify trust.

The manifest says when the snapshot was taken, under which plan, how many rows each
table held, the audit log's size and root hash, and which KEK versions are involved.
It never holds a key.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Final

from steward.errors import StewardError

FORMAT: Final = "steward-backup/1"
MAGIC_LINE: Final = FORMAT.encode() + b"\n"
BACKUP_SUFFIX: Final = ".stwbk"
MANIFEST_SUFFIX: Final = ".manifest.json"
MAX_MANIFEST: Final = 4 * 1024 * 1024
DEFAULT_BACKUP_DIR: Final = Path("steward-backups")


class BackupError(StewardError):
    """A backup cannot be made, read, restored or checked; the message says why."""


@dataclass(frozen=True)
class AuditSummary:
    """The audit log in the snapshot: how many entries, and the Merkle root of them."""

    size: int
    root: str


@dataclass(frozen=True)
class KeyVersions:
    """KEK versions the backup depends on (never the keys).

    Attributes:
        backup: the version that wraps this backup's own key.
        data_keys: how many subjects' data keys each version wrapped at backup time.
    """

    backup: int
    data_keys: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    """What one backup holds."""

    name: str
    created: str
    engine: str
    plan_version: str
    plan_digest: str
    tables: dict[str, int]
    audit: AuditSummary
    keys: KeyVersions
    steward_version: str = ""
    format: str = FORMAT

    @property
    def created_at(self) -> datetime:
        """When the snapshot was taken (timezone-aware)."""
        return datetime.fromisoformat(self.created)

    @property
    def records(self) -> int:
        """How many records the snapshot holds."""
        return self.tables.get("vault_record", 0)

    def to_json(self) -> bytes:
        """One line of JSON, keys sorted."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> Manifest:
        """Parse a manifest.

        Raises:
            BackupError: it is not a manifest this version of Steward reads.
        """
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError(f"not a {FORMAT} manifest (format {data.get('format')!r})")
            return cls(
                name=str(data["name"]),
                created=str(data["created"]),
                engine=str(data["engine"]),
                plan_version=str(data["plan_version"]),
                plan_digest=str(data["plan_digest"]),
                tables={str(k): int(v) for k, v in data["tables"].items()},
                audit=AuditSummary(int(data["audit"]["size"]), str(data["audit"]["root"])),
                keys=KeyVersions(
                    int(data["keys"]["backup"]),
                    {str(k): int(v) for k, v in data["keys"]["data_keys"].items()},
                ),
                steward_version=str(data.get("steward_version", "")),
            )
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupError("the backup's manifest is damaged or incomplete") from None


def payload_header(manifest: Manifest) -> bytes:
    """The plaintext that precedes the database inside the encrypted file."""
    return MAGIC_LINE + manifest.to_json() + b"\n"


class PayloadWriter:
    """Receives decrypted bytes, takes the manifest off the front, passes the database on.

    Use as the target of :func:`steward.crypto.backup.decrypt_stream`; afterwards
    :attr:`manifest` holds the manifest and ``database`` got every byte after it.
    """

    def __init__(self, database: BinaryIO, engine: str | None = None) -> None:
        """Write the database part to ``database``; with ``engine``, refuse a backup of
        another engine as soon as its manifest is read."""
        self.database = database
        self.engine = engine
        self.manifest: Manifest | None = None
        self.database_bytes = 0
        self._head = b""

    def write(self, data: bytes) -> int:
        """Take ``data`` (a decrypted chunk).

        Raises:
            BackupError: the decrypted file does not start with a manifest, or the
                backup is of another engine than expected.
        """
        if self.manifest is None:
            self._head += data
            if not self._head.startswith(MAGIC_LINE[: len(self._head)]):
                raise BackupError("this file is not a Steward database backup")
            end = self._head.find(b"\n", len(MAGIC_LINE))
            if end < 0:
                if len(self._head) > MAX_MANIFEST:
                    raise BackupError("the backup's manifest is implausibly large")
                return len(data)
            manifest = Manifest.from_json(self._head[len(MAGIC_LINE) : end])
            if self.engine is not None and manifest.engine != self.engine:
                raise BackupError(
                    f"this is a {manifest.engine} backup; restore it into a "
                    f"{manifest.engine} database, not {self.engine}"
                )
            self.manifest = manifest
            rest, self._head = self._head[end + 1 :], b""
        else:
            rest = data
        self.database.write(rest)
        self.database_bytes += len(rest)
        return len(data)

    def finished(self) -> Manifest:
        """The manifest, once everything was written.

        Raises:
            BackupError: the file ended before its manifest did.
        """
        if self.manifest is None:
            raise BackupError("the backup ends inside its manifest")
        return self.manifest


# -- the backup folder ----------------------------------------------------------------


def prepare_backup_dir(path: Path, *, create: bool) -> Path:
    """Check (and with ``create``, make) an owner-only backup folder.

    Raises:
        BackupError: the folder is missing (and not to be created), not a folder, or
            readable by group or others.
    """
    if not path.exists():
        if not create:
            raise BackupError(f"there is no backup folder at {path}")
        path.mkdir(parents=True, mode=0o700)
    if not path.is_dir():
        raise BackupError(f"{path} is not a folder")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise BackupError(
            f"the backup folder {path} is open to other users (mode {mode:o}); "
            f"run 'chmod 700 {path}'"
        )
    return path


def backup_path(folder: Path, name: str) -> Path:
    """The encrypted file of backup ``name``."""
    return folder / f"{name}{BACKUP_SUFFIX}"


def manifest_path(backup: Path) -> Path:
    """The clear manifest beside encrypted backup file ``backup``."""
    return backup.with_name(backup.name.removesuffix(BACKUP_SUFFIX) + MANIFEST_SUFFIX)


@dataclass(frozen=True)
class StoredBackup:
    """One backup in the folder: its file, size and clear manifest (``None`` if missing)."""

    path: Path
    size: int
    manifest: Manifest | None

    @property
    def name(self) -> str:
        """The backup's name (its file name without the suffix)."""
        return self.path.name.removesuffix(BACKUP_SUFFIX)


def stored_backups(folder: Path) -> list[StoredBackup]:
    """Every backup in ``folder``, oldest first (a missing folder holds none).

    A backup whose clear manifest is missing or damaged is still listed, without it.
    """
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{BACKUP_SUFFIX}"):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            manifest: Manifest | None = Manifest.from_json(manifest_path(path).read_bytes())
        except (OSError, BackupError):
            manifest = None
        found.append(StoredBackup(path, path.stat().st_size, manifest))
    return sorted(found, key=lambda b: (b.manifest.created if b.manifest else "", b.name))


@contextmanager
def new_private_file(path: Path, failure: str) -> Iterator[BinaryIO]:
    """Create ``path`` owner-only (it must not exist yet) and yield it for writing; it is
    flushed to disk at the end, and deleted if anything fails.

    Raises:
        BackupError: the file cannot be created or written (``failure`` says what was
            being done).
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        path.unlink(missing_ok=True)
        raise BackupError(f"{failure}: {error.strerror}") from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` owner-only, replacing it atomically."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
