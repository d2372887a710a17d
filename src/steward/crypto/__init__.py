"""Keys and encryption: versioned KEKs, per-subject data keys, field encryption,
blind indexes, sealed intake and encrypted backups. Plain Python on ``cryptography``.
"""

from steward.crypto.blind_index import BlindIndexer, Normalization
from steward.crypto.env_provider import EnvKeyProvider
from steward.crypto.errors import (
    CryptoError,
    DecryptionError,
    KeyRetiredError,
    KeyShreddedError,
    KeyStoreError,
    MalformedCiphertextError,
    ReadOnlyKeyProviderError,
    UnknownKeyError,
)
from steward.crypto.file_provider import FileKeyProvider
from steward.crypto.keyring import KekStatus, KeyRing
from steward.crypto.providers import KekVersion, KeyProvider, RotatableKeyProvider
from steward.crypto.subject_keys import (
    MemorySubjectKeyStore,
    SqliteSubjectKeyStore,
    SubjectKeyStore,
    WrappedKey,
)

__all__ = [
    "BlindIndexer",
    "CryptoError",
    "DecryptionError",
    "EnvKeyProvider",
    "FileKeyProvider",
    "KekStatus",
    "KekVersion",
    "KeyProvider",
    "KeyRetiredError",
    "KeyRing",
    "KeyShreddedError",
    "KeyStoreError",
    "MalformedCiphertextError",
    "MemorySubjectKeyStore",
    "Normalization",
    "ReadOnlyKeyProviderError",
    "RotatableKeyProvider",
    "SqliteSubjectKeyStore",
    "SubjectKeyStore",
    "UnknownKeyError",
    "WrappedKey",
]
