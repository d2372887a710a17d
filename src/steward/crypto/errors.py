"""Errors of the crypto layer. No message ever carries plaintext or key material."""

from __future__ import annotations

from steward.errors import StewardError


class CryptoError(StewardError):
    """Base of every crypto failure."""


class KeyStoreError(CryptoError):
    """A key file or key store is missing, malformed or has unsafe permissions."""


class KeyStoreBusyError(KeyStoreError):
    """Another process kept the subject key store busy beyond the wait; try again."""


class MalformedCiphertextError(CryptoError):
    """The bytes are not a Steward ciphertext of a known format."""


class DecryptionError(CryptoError):
    """Authentication failed: the ciphertext was changed, moved to another record or
    field, or encrypted under a different key."""


class KeyShreddedError(CryptoError):
    """The data key was destroyed (crypto-shredding): the data is gone for good."""


class KeyRetiredError(CryptoError):
    """The key version is below the minimum decryption version and may not be used."""


class StaleKekVersionError(KeyRetiredError):
    """A data key was offered to the subject key store wrapped under a KEK version the
    store has since retired; nothing was stored. Wrap it again under the current version."""


class UnknownKeyError(CryptoError):
    """No key with that id or version is known."""


class ReadOnlyKeyProviderError(CryptoError):
    """The key provider cannot create or retire versions (e.g. keys from the environment)."""
