"""KEKs held in a local key file (the embedded default), created owner-only.

The file is the source of truth for every process: a provider re-reads it whenever it
changed on disk (one ``stat`` per use), so a version created or retired by
``steward keys`` in another process reaches a running server at once. Changes are made
under an exclusive lock on a lock file beside it, from the file's current content,
so two processes rotating at once never lose a version.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from steward.clock import now
from steward.crypto.errors import KeyStoreError
from steward.crypto.private_files import read_private_file_with_stat, write_private_file
from steward.crypto.providers import (
    KEY_BYTES,
    KekVersion,
    aes_unwrap,
    aes_wrap,
    check_usable,
)

FORMAT: Final = "steward-keys/1"


@dataclass
class _State:
    keys: dict[int, bytes]
    created: dict[int, datetime]
    current: int
    minimum: int
    index_key: bytes


class FileKeyProvider:
    """Versioned KEKs and the blind-index key in one JSON file with mode 0600.

    The file never enters the database or its backups; back it up separately and
    offline (see docs/keys.md).
    """

    def __init__(self, path: Path) -> None:
        """Open an existing key file.

        Raises:
            KeyStoreError: the file is missing, malformed or readable by others.
        """
        self.path = path
        self._lock = threading.Lock()
        self._snapshot = self._load()

    @classmethod
    def create(cls, path: Path) -> FileKeyProvider:
        """Create a new key file with KEK version 1 and a fresh index key.

        Raises:
            KeyStoreError: the file already exists or cannot be written.
        """
        state = _State({1: os.urandom(KEY_BYTES)}, {1: now()}, 1, 1, os.urandom(KEY_BYTES))
        write_private_file(path, _serialize(state), exclusive=True)
        return cls(path)

    def versions(self) -> Sequence[KekVersion]:
        state = self._fresh()
        return [KekVersion(v, state.created[v]) for v in sorted(state.keys)]

    def current_version(self) -> int:
        return self._fresh().current

    def min_decrypt_version(self) -> int:
        return self._fresh().minimum

    def wrap(self, version: int, data_key: bytes, context: bytes) -> bytes:
        state = self._fresh()
        check_usable(version, list(state.keys), state.minimum)
        return aes_wrap(state.keys[version], data_key, context)

    def unwrap(self, version: int, wrapped: bytes, context: bytes) -> bytes:
        state = self._fresh()
        check_usable(version, list(state.keys), state.minimum)
        return aes_unwrap(state.keys[version], wrapped, context)

    def index_key(self) -> bytes:
        return self._fresh().index_key

    def create_version(self) -> int:
        """Add KEK version current+1, make it current and save the file.

        Raises:
            KeyStoreError: the file cannot be read, locked or written.
        """
        with self._changing() as state:
            version = max(state.keys) + 1
            state.keys[version] = os.urandom(KEY_BYTES)
            state.created[version] = now()
            state.current = version
        return version

    def retire_below(self, version: int) -> None:
        """Retire every version below ``version`` and erase those keys from the file.

        Raises:
            KeyStoreError: ``version`` is above the current version, or the file
                cannot be read, locked or written.
        """
        with self._changing() as state:
            if version > state.current:
                raise KeyStoreError(
                    f"cannot retire below version {version}: current is {state.current}"
                )
            state.minimum = max(state.minimum, version)
            for old in [v for v in state.keys if v < state.minimum]:
                del state.keys[old]
                del state.created[old]

    # -- internals ------------------------------------------------------------------

    def _fresh(self) -> _State:
        """The file's state, re-read if the file changed since it was last read.

        Raises:
            KeyStoreError: the file is gone, unreadable or no longer valid.
        """
        signature, state = self._snapshot
        try:
            if _signature(os.stat(self.path)) == signature:
                return state
        except OSError:
            pass  # gone or unreadable: reading it again says why
        with self._lock:
            self._snapshot = self._load()
            return self._snapshot[1]

    def _load(self) -> tuple[tuple[int, ...], _State]:
        """Read and parse the file, with the signature of the version read."""
        raw, stat_result = read_private_file_with_stat(self.path)
        return _signature(stat_result), _parse(self.path, raw)

    @contextmanager
    def _changing(self) -> Iterator[_State]:
        """Change the file's current content under an exclusive lock, then save it."""
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as error:
            raise KeyStoreError(
                f"{lock_path}: cannot lock the key file ({error.strerror})"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with self._lock:
                _, state = self._load()
                yield state
                write_private_file(self.path, _serialize(state))
                self._snapshot = self._load()
        finally:
            os.close(fd)


def _signature(result: os.stat_result) -> tuple[int, ...]:
    """What identifies one version of the file: a rewrite changes the inode (atomic
    rename), and size and times change with any edit in place."""
    return (result.st_ino, result.st_dev, result.st_size, result.st_mtime_ns, result.st_ctime_ns)


def _serialize(state: _State) -> bytes:
    document = {
        "format": FORMAT,
        "current": state.current,
        "min_decrypt": state.minimum,
        "index_key": base64.b64encode(state.index_key).decode(),
        "versions": {
            str(v): {
                "created": state.created[v].isoformat(),
                "key": base64.b64encode(state.keys[v]).decode(),
            }
            for v in sorted(state.keys)
        },
    }
    return (json.dumps(document, indent=2) + "\n").encode()


def _parse(path: Path, raw: bytes) -> _State:
    try:
        document: Any = json.loads(raw)
        if document.get("format") != FORMAT:
            raise ValueError("format")
        keys: dict[int, bytes] = {}
        created: dict[int, datetime] = {}
        for number, entry in document["versions"].items():
            keys[int(number)] = _key(entry["key"])
            created[int(number)] = datetime.fromisoformat(entry["created"])
        state = _State(
            keys,
            created,
            int(document["current"]),
            int(document["min_decrypt"]),
            _key(document["index_key"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise KeyStoreError(f"{path}: not a Steward key file ({FORMAT})") from None
    if state.current not in state.keys:
        raise KeyStoreError(f"{path}: the current KEK version {state.current} is missing")
    return state


def _key(text: str) -> bytes:
    key = base64.b64decode(text, validate=True)
    if len(key) != KEY_BYTES:
        raise ValueError("length")
    return key
