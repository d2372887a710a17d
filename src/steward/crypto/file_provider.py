"""KEKs held in a local key file (the embedded default), created owner-only."""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from steward.crypto.errors import KeyStoreError
from steward.crypto.private_files import read_private_file, write_private_file
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
        self._state = _parse(path, read_private_file(path))

    @classmethod
    def create(cls, path: Path) -> FileKeyProvider:
        """Create a new key file with KEK version 1 and a fresh index key.

        Raises:
            KeyStoreError: the file already exists or cannot be written.
        """
        now = datetime.now(UTC)
        state = _State({1: os.urandom(KEY_BYTES)}, {1: now}, 1, 1, os.urandom(KEY_BYTES))
        write_private_file(path, _serialize(state), exclusive=True)
        return cls(path)

    def versions(self) -> Sequence[KekVersion]:
        return [KekVersion(v, self._state.created[v]) for v in sorted(self._state.keys)]

    def current_version(self) -> int:
        return self._state.current

    def min_decrypt_version(self) -> int:
        return self._state.minimum

    def wrap(self, version: int, data_key: bytes, context: bytes) -> bytes:
        check_usable(version, list(self._state.keys), self._state.minimum)
        return aes_wrap(self._state.keys[version], data_key, context)

    def unwrap(self, version: int, wrapped: bytes, context: bytes) -> bytes:
        check_usable(version, list(self._state.keys), self._state.minimum)
        return aes_unwrap(self._state.keys[version], wrapped, context)

    def index_key(self) -> bytes:
        return self._state.index_key

    def create_version(self) -> int:
        """Add KEK version current+1, make it current and save the file."""
        version = max(self._state.keys) + 1
        self._state.keys[version] = os.urandom(KEY_BYTES)
        self._state.created[version] = datetime.now(UTC)
        self._state.current = version
        write_private_file(self.path, _serialize(self._state))
        return version

    def retire_below(self, version: int) -> None:
        """Retire every version below ``version`` and erase those keys from the file.

        Raises:
            KeyStoreError: ``version`` is above the current version.
        """
        if version > self._state.current:
            raise KeyStoreError(
                f"cannot retire below version {version}: current is {self._state.current}"
            )
        self._state.minimum = max(self._state.minimum, version)
        for old in [v for v in self._state.keys if v < self._state.minimum]:
            del self._state.keys[old]
        write_private_file(self.path, _serialize(self._state))


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
