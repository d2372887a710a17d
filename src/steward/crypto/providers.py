"""The seam between Steward and whatever holds key-encryption keys (KEKs).

A provider never has to hand out a KEK: it wraps and unwraps data keys, so a cloud
KMS or HashiCorp Vault's transit engine can implement it. Local providers (a key file,
an environment variable) implement it with AES-256-GCM.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from steward.crypto.errors import DecryptionError, KeyRetiredError, UnknownKeyError

KEY_BYTES = 32
NONCE_BYTES = 12


@dataclass(frozen=True)
class KekVersion:
    """Public facts about one KEK version: never the key itself."""

    version: int
    created: datetime


@runtime_checkable
class KeyProvider(Protocol):
    """Holds versioned KEKs and wraps data keys with them."""

    def versions(self) -> Sequence[KekVersion]:
        """Every version still held, oldest first."""
        ...

    def current_version(self) -> int:
        """The version new data keys are wrapped under."""
        ...

    def min_decrypt_version(self) -> int:
        """Versions below this are retired: they unwrap nothing."""
        ...

    def wrap(self, version: int, data_key: bytes, context: bytes) -> bytes:
        """Encrypt ``data_key`` under KEK ``version``, bound to ``context``."""
        ...

    def unwrap(self, version: int, wrapped: bytes, context: bytes) -> bytes:
        """Recover a data key; raises DecryptionError, KeyRetiredError or UnknownKeyError."""
        ...

    def index_key(self) -> bytes:
        """The root key for blind indexes (separate from every KEK)."""
        ...


class RotatableKeyProvider(KeyProvider, Protocol):
    """A provider that can also create and retire versions."""

    def create_version(self) -> int:
        """Create a new KEK version and make it current; returns its number."""
        ...

    def retire_below(self, version: int) -> None:
        """Refuse to unwrap under any version below ``version`` from now on."""
        ...


def aes_wrap(kek: bytes, data_key: bytes, context: bytes) -> bytes:
    """AES-256-GCM encrypt ``data_key`` under ``kek`` with a random nonce: ``nonce || ct``."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, context)


def aes_unwrap(kek: bytes, wrapped: bytes, context: bytes) -> bytes:
    """Reverse :func:`aes_wrap`.

    Raises:
        DecryptionError: wrong KEK, wrong context or altered bytes.
    """
    if len(wrapped) < NONCE_BYTES + 16:
        raise DecryptionError("wrapped key is too short")
    try:
        return AESGCM(kek).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], context)
    except InvalidTag:
        raise DecryptionError("the wrapped data key does not authenticate under this KEK") from None


def check_usable(version: int, known: Sequence[int], minimum: int) -> None:
    """Raise if KEK ``version`` may not be used to unwrap.

    Raises:
        KeyRetiredError: the version is below the minimum decryption version.
        UnknownKeyError: the provider does not hold that version.
    """
    if version < minimum:
        raise KeyRetiredError(
            f"KEK version {version} is retired (minimum is {minimum}); "
            "rewrap data keys before retiring a version"
        )
    if version not in known:
        raise UnknownKeyError(f"KEK version {version} is not held by this key provider")
