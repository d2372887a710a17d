"""KEKs given in environment variables, for containers and secret managers."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Final

from steward.crypto.errors import KeyStoreError, ReadOnlyKeyProviderError
from steward.crypto.providers import (
    KEY_BYTES,
    KekVersion,
    aes_unwrap,
    aes_wrap,
    check_usable,
)

KEKS_VARIABLE: Final = "STEWARD_KEKS"
"""``VERSION:BASE64[,VERSION:BASE64...]``; the highest version is current."""
MIN_VERSION_VARIABLE: Final = "STEWARD_KEK_MIN_VERSION"
INDEX_KEY_VARIABLE: Final = "STEWARD_INDEX_KEY"


class EnvKeyProvider:
    """Read-only KEKs from the environment. Rotation happens where the secrets are kept."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        """Parse the key variables.

        Raises:
            KeyStoreError: a variable is missing or malformed; the message names the
                variable, never its value.
        """
        self._keys = _parse_keks(environ.get(KEKS_VARIABLE, ""))
        self._created = datetime.fromtimestamp(0, UTC)
        try:
            self._minimum = int(environ.get(MIN_VERSION_VARIABLE, str(min(self._keys))))
        except ValueError:
            raise KeyStoreError(f"{MIN_VERSION_VARIABLE} must be a whole number") from None
        self._index_key = _decode(environ.get(INDEX_KEY_VARIABLE, ""), INDEX_KEY_VARIABLE)

    def versions(self) -> Sequence[KekVersion]:
        return [KekVersion(v, self._created) for v in sorted(self._keys)]

    def current_version(self) -> int:
        return max(self._keys)

    def min_decrypt_version(self) -> int:
        return self._minimum

    def wrap(self, version: int, data_key: bytes, context: bytes) -> bytes:
        check_usable(version, list(self._keys), self._minimum)
        return aes_wrap(self._keys[version], data_key, context)

    def unwrap(self, version: int, wrapped: bytes, context: bytes) -> bytes:
        check_usable(version, list(self._keys), self._minimum)
        return aes_unwrap(self._keys[version], wrapped, context)

    def index_key(self) -> bytes:
        return self._index_key

    def create_version(self) -> int:
        """Always refuses: add the new version to the environment instead.

        Raises:
            ReadOnlyKeyProviderError: always.
        """
        raise ReadOnlyKeyProviderError(
            f"keys from the environment are rotated by adding a version to {KEKS_VARIABLE}"
        )

    def retire_below(self, version: int) -> None:
        """Always refuses: set the minimum in the environment instead.

        Raises:
            ReadOnlyKeyProviderError: always.
        """
        raise ReadOnlyKeyProviderError(f"set {MIN_VERSION_VARIABLE}={version} to retire")


def _parse_keks(text: str) -> dict[int, bytes]:
    keys: dict[int, bytes] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        number, _, encoded = item.partition(":")
        if not number.isdigit() or not encoded:
            raise KeyStoreError(f"{KEKS_VARIABLE} entries are written VERSION:BASE64")
        keys[int(number)] = _decode(encoded, KEKS_VARIABLE)
    if not keys:
        raise KeyStoreError(f"{KEKS_VARIABLE} is not set or holds no key")
    return keys


def _decode(encoded: str, variable: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise KeyStoreError(f"{variable} holds a value that is not base64") from None
    if len(key) != KEY_BYTES:
        raise KeyStoreError(f"{variable} must hold {KEY_BYTES}-byte keys")
    return key
