"""Where entries and checkpoints are kept: the :class:`AuditStore` seam and two stores.

The store only keeps bytes in order; the chain, the tree and the checks live in
:class:`~steward.audit.log.AuditLog` and :func:`~steward.audit.verify.verify_log`.
What a store must add is a lock: :meth:`AuditStore.append_next` reads the tail and
stores the next record while holding the store's write lock, so concurrent writers
(threads, or processes sharing the store) queue up instead of forking the chain.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final, Protocol, runtime_checkable

from steward.audit.canonical import canonical_json
from steward.audit.errors import AuditConflictError, AuditReadError, AuditWriteError

ENTRIES_FILE: Final = "entries.jsonl"
CHECKPOINTS_FILE: Final = "checkpoints.jsonl"
_FILE_MODE: Final = 0o600
_DIRECTORY_MODE: Final = 0o700
_APPEND_FLAGS: Final = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC

RecordBuilder = Callable[[int, bytes | None], bytes]
"""Makes entry number ``size`` from the store's size and its last record (``None`` if empty)."""


@runtime_checkable
class AuditStore(Protocol):
    """Append-only storage of entry records (canonical JSON bytes) and checkpoint notes."""

    def append_next(self, build: RecordBuilder) -> int:
        """Store ``build(size, last)`` as entry number ``size`` and return that number.

        The store holds its write lock from reading the tail until the record is
        stored (for a database store: until the surrounding transaction ends), so
        every concurrent writer waits its turn: no writer is refused because another
        took its number, and each record chains to the one stored just before it.
        If ``build`` raises, nothing is stored and the exception propagates.

        Raises:
            AuditReadError: the tail cannot be read.
            AuditWriteError: the record could not be written durably, or the lock was
                not granted in the store's bounded wait.
        """
        ...

    def append(self, index: int, record: bytes) -> None:
        """Store ``record`` durably as entry number ``index`` before returning.

        Raises:
            AuditConflictError: the store does not hold exactly ``index`` entries.
            AuditWriteError: the record could not be written durably.
        """
        ...

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """Yield the records ``start`` to ``stop`` (default: the end), in order.

        Raises:
            AuditReadError: the store cannot be read.
        """
        ...

    def size(self) -> int:
        """How many records the store holds.

        Raises:
            AuditReadError: the store cannot be read.
        """
        ...

    def tail(self) -> tuple[int, bytes | None]:
        """How many records the store holds, and the last one (``None`` when empty).

        Appending needs both; a store can answer in one read.

        Raises:
            AuditReadError: the store cannot be read.
        """
        ...

    def save_checkpoint(self, note: str) -> None:
        """Keep a signed checkpoint note, durably.

        Raises:
            AuditWriteError: the note could not be written durably.
        """
        ...

    def checkpoints(self) -> list[str]:
        """Every checkpoint note kept, oldest first.

        Raises:
            AuditReadError: the store cannot be read.
        """
        ...


class MemoryAuditStore:
    """An :class:`AuditStore` in memory, for tests and notebooks. Nothing survives the process."""

    def __init__(self) -> None:
        self.records: list[bytes] = []
        self.notes: list[str] = []
        self._lock = threading.Lock()

    def append_next(self, build: RecordBuilder) -> int:
        """Keep ``build(size, last)`` as the next entry, under a lock.

        See :meth:`AuditStore.append_next`.
        """
        with self._lock:
            size = len(self.records)
            record = build(size, self.records[-1] if self.records else None)
            self.records.append(bytes(record))
            return size

    def append(self, index: int, record: bytes) -> None:
        """Keep ``record`` as entry ``index``; see :meth:`AuditStore.append`."""
        self.append_next(exactly(index, record))

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """Yield the records in ``[start, stop)``."""
        return iter(self.records[start:stop])

    def size(self) -> int:
        """How many records are kept."""
        return len(self.records)

    def tail(self) -> tuple[int, bytes | None]:
        """How many records are kept, and the last one."""
        return len(self.records), (self.records[-1] if self.records else None)

    def save_checkpoint(self, note: str) -> None:
        """Keep a checkpoint note."""
        self.notes.append(note)

    def checkpoints(self) -> list[str]:
        """The notes kept, oldest first."""
        return list(self.notes)


class FileAuditStore:
    """An :class:`AuditStore` in a directory: ``entries.jsonl`` and ``checkpoints.jsonl``.

    Each entry is one line of canonical JSON. Files are opened in append mode,
    created owner-only (0o600, in a 0o700 directory), never followed through a
    symbolic link, and each append is flushed with ``fsync`` before it returns.
    Appends from several processes are serialized with an exclusive ``flock``.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        """Use ``directory``, creating it (owner-only) if missing.

        Raises:
            AuditWriteError: the directory does not exist and cannot be created.
        """
        self.directory = Path(directory)
        try:
            self.directory.mkdir(mode=_DIRECTORY_MODE, parents=True, exist_ok=True)
        except OSError as error:
            raise AuditWriteError(
                f"cannot create the audit directory {self.directory}: {error.strerror}"
            ) from None
        self.entries_path = self.directory / ENTRIES_FILE
        self.checkpoints_path = self.directory / CHECKPOINTS_FILE
        self._offsets: list[int] = []
        self._indexed = 0
        self._ends_cleanly = True

    def __repr__(self) -> str:
        return f"FileAuditStore({str(self.directory)!r})"

    def _refresh(self) -> None:
        """Bring the line index up to date with the file (another process may have appended)."""
        try:
            with open(self.entries_path, "rb") as handle:
                length = os.fstat(handle.fileno()).st_size
                if length < self._indexed:
                    self._offsets, self._indexed, self._ends_cleanly = [], 0, True
                handle.seek(self._indexed)
                position = self._indexed
                for line in handle:
                    if self._ends_cleanly:
                        self._offsets.append(position)
                    position += len(line)
                    self._ends_cleanly = line.endswith(b"\n")
                self._indexed = position
        except FileNotFoundError:
            self._offsets, self._indexed, self._ends_cleanly = [], 0, True
        except OSError as error:
            raise AuditReadError(f"cannot read {self.entries_path}: {error.strerror}") from None

    def size(self) -> int:
        """How many records (lines, counting an unterminated last line) the file holds."""
        self._refresh()
        return len(self._offsets)

    def tail(self) -> tuple[int, bytes | None]:
        """How many records the file holds, and the last one."""
        size = self.size()
        return size, (next(self.read(size - 1, size), None) if size else None)

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """Yield the records in ``[start, stop)`` without their line ends."""
        self._refresh()
        offsets = self._offsets[start:stop]
        if not offsets:
            return iter(())
        return self._lines(offsets[0], len(offsets))

    def _lines(self, offset: int, count: int) -> Iterator[bytes]:
        try:
            with open(self.entries_path, "rb") as handle:
                handle.seek(offset)
                for _ in range(count):
                    yield handle.readline().rstrip(b"\n")
        except OSError as error:
            raise AuditReadError(f"cannot read {self.entries_path}: {error.strerror}") from None

    def append_next(self, build: RecordBuilder) -> int:
        """Write ``build(size, last)`` as the next line and fsync, all under one ``flock``.

        See :meth:`AuditStore.append_next`. The exclusive lock is taken before the
        tail is read, so processes appending to one directory queue up.
        """
        fd = self._open_for_append(self.entries_path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._refresh()
            if not self._ends_cleanly:
                raise AuditWriteError(
                    f"{self.entries_path} ends with an incomplete record; verify the log first"
                )
            size = len(self._offsets)
            last = next(self._lines(self._offsets[-1], 1)) if size else None
            record = build(size, last)
            if b"\n" in record or b"\r" in record:
                raise AuditWriteError("a record must be a single line")
            _write_all(fd, record + b"\n")
            os.fsync(fd)
            return size
        except OSError as error:
            raise AuditWriteError(f"cannot write {self.entries_path}: {error.strerror}") from None
        finally:
            os.close(fd)

    def append(self, index: int, record: bytes) -> None:
        """Write ``record`` as line ``index`` and fsync; see :meth:`AuditStore.append`."""
        if b"\n" in record or b"\r" in record:
            raise AuditWriteError("a record must be a single line")
        self.append_next(exactly(index, record))

    def save_checkpoint(self, note: str) -> None:
        """Append ``note`` to the checkpoints file and fsync."""
        fd = self._open_for_append(self.checkpoints_path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            _write_all(fd, canonical_json({"note": note}) + b"\n")
            os.fsync(fd)
        except OSError as error:
            raise AuditWriteError(
                f"cannot write {self.checkpoints_path}: {error.strerror}"
            ) from None
        finally:
            os.close(fd)

    def checkpoints(self) -> list[str]:
        """Every note in the checkpoints file, oldest first.

        Raises:
            AuditReadError: the file cannot be read or a line is not a checkpoint record.
        """
        try:
            lines = self.checkpoints_path.read_bytes().splitlines()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise AuditReadError(f"cannot read {self.checkpoints_path}: {error.strerror}") from None
        notes = []
        for number, line in enumerate(lines, start=1):
            try:
                value = json.loads(line)
            except ValueError:
                value = None
            if not isinstance(value, dict) or not isinstance(value.get("note"), str):
                raise AuditReadError(f"{self.checkpoints_path}:{number} is not a checkpoint record")
            notes.append(value["note"])
        return notes

    def _open_for_append(self, path: Path) -> int:
        created = not path.exists()
        try:
            fd = os.open(path, _APPEND_FLAGS, _FILE_MODE)
        except OSError as error:
            raise AuditWriteError(f"cannot open {path} for appending: {error.strerror}") from None
        if created:
            _fsync_directory(self.directory)
        return fd


def exactly(index: int, record: bytes) -> RecordBuilder:
    """A builder that yields ``record`` only as entry ``index``.

    The builder raises :class:`AuditConflictError` if the store holds any other
    number of entries; stores implement :meth:`AuditStore.append` with it.
    """

    def build(size: int, _last: bytes | None) -> bytes:
        if size != index:
            raise AuditConflictError(f"entry {index} cannot follow {size} entries")
        return record

    return build


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_directory(directory: Path) -> None:
    """Make a newly created file's directory entry durable (best effort on odd filesystems)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
