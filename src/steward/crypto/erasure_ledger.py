"""The erasure ledger: what was deleted, kept with the keys, outside the database.

A database backup taken before a deletion still holds what was deleted. The ledger lives
in the key folder, next to the subject key store, so a restored backup can be brought
back to what was deleted since: the vault replays every entry before it serves.

Each entry holds only ids, a kind, field names and a time, never a personal value:

- ``record``: a whole record was purged (its ciphertexts, blind indexes, consents,
  sealed submission and clear values);
- ``fields``: some fields of a record were purged;
- ``anonymized``: a record was anonymized (personal values gone, unlinked from its
  subject);
- ``subject``: a person was erased (everything of theirs, their access code and key).

The file is append-only JSON lines; every append is flushed and ``fsync``'d before it
returns. Plain Python: no database, no Django.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final, Literal, Protocol, runtime_checkable

from steward.crypto.errors import KeyStoreError

__all__ = [
    "LEDGER_FILE",
    "ErasureLedger",
    "FileErasureLedger",
    "LedgerEntry",
    "MemoryErasureLedger",
]

LEDGER_FILE: Final = "erasure-ledger.jsonl"
Kind = Literal["record", "fields", "anonymized", "subject"]
_KINDS: Final = frozenset({"record", "fields", "anonymized", "subject"})


@dataclass(frozen=True)
class LedgerEntry:
    """One deletion: its kind, the ids it touched, field names if partial, and when."""

    kind: Kind
    at: datetime
    subject: str = ""
    record: str = ""
    fields: tuple[str, ...] = ()
    counted: bool = False
    """A ``record`` entry whose record was counted into the aggregate table first."""

    def to_json(self) -> str:
        """One line of canonical JSON."""
        body: dict[str, object] = {"kind": self.kind, "at": self.at.isoformat()}
        if self.subject:
            body["subject"] = self.subject
        if self.record:
            body["record"] = self.record
        if self.fields:
            body["fields"] = list(self.fields)
        if self.counted:
            body["counted"] = True
        return json.dumps(body, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> LedgerEntry:
        """Parse one line.

        Raises:
            ValueError: the line is not a ledger entry.
        """
        body = json.loads(line)
        if not isinstance(body, dict) or body.get("kind") not in _KINDS:
            raise ValueError("not an erasure ledger entry")
        fields = body.get("fields", [])
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise ValueError("an erasure ledger entry's fields must be names")
        return cls(
            kind=body["kind"],
            at=datetime.fromisoformat(str(body["at"])),
            subject=str(body.get("subject", "")),
            record=str(body.get("record", "")),
            fields=tuple(fields),
            counted=body.get("counted") is True,
        )


@runtime_checkable
class ErasureLedger(Protocol):
    """Where deletions are written down, to be replayed after a restore."""

    def append(self, entries: Sequence[LedgerEntry]) -> None:
        """Write ``entries`` durably before returning.

        Raises:
            KeyStoreError: they could not be written (the deletion must not go ahead).
        """
        ...

    def entries(self) -> Iterator[LedgerEntry]:
        """Every entry, oldest first."""
        ...


class MemoryErasureLedger:
    """A ledger in memory, for tests and notebooks."""

    def __init__(self) -> None:
        self._entries: list[LedgerEntry] = []
        self._lock = threading.Lock()

    def append(self, entries: Sequence[LedgerEntry]) -> None:
        """Keep ``entries``."""
        with self._lock:
            self._entries.extend(entries)

    def entries(self) -> Iterator[LedgerEntry]:
        """Every entry, oldest first."""
        with self._lock:
            return iter(list(self._entries))


class FileErasureLedger:
    """The ledger as an owner-only JSON-lines file, appended to and ``fsync``'d."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, entries: Sequence[LedgerEntry]) -> None:
        """Append ``entries`` and ``fsync`` the file (and, when new, its folder).

        Raises:
            KeyStoreError: the file cannot be written.
        """
        if not entries:
            return
        data = "".join(entry.to_json() + "\n" for entry in entries).encode("utf-8")
        with self._lock:
            created = not self.path.exists()
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, data)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                if created:
                    folder = os.open(self.path.parent, os.O_RDONLY)
                    try:
                        os.fsync(folder)
                    finally:
                        os.close(folder)
            except OSError as error:
                raise KeyStoreError(
                    f"cannot write the erasure ledger {self.path}: {error.strerror}"
                ) from None

    def entries(self) -> Iterator[LedgerEntry]:
        """Every entry, oldest first; a torn last line (a crash mid-write) is skipped.

        Raises:
            KeyStoreError: the file cannot be read, or a line other than the last is
                not an entry (the ledger was tampered with).
        """
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return iter(())
        except OSError as error:
            raise KeyStoreError(
                f"cannot read the erasure ledger {self.path}: {error.strerror}"
            ) from None
        parsed: list[LedgerEntry] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                parsed.append(LedgerEntry.from_json(line))
            except (ValueError, KeyError, TypeError):
                if number == len(lines):
                    break
                raise KeyStoreError(
                    f"the erasure ledger {self.path} is damaged at line {number}"
                ) from None
        return iter(parsed)
