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
    StaleKekVersionError,
    UnknownKeyError,
)
from steward.crypto.file_provider import FileKeyProvider
from steward.crypto.key_folder import KEK_FILE, SUBJECT_KEYS_FILE, open_keyring
from steward.crypto.key_status import KekStatus, KeyRingStatus
from steward.crypto.keyring import KeyRing
from steward.crypto.providers import KekVersion, KeyProvider, RotatableKeyProvider
from steward.crypto.sqlite_subject_keys import SqliteSubjectKeyStore
from steward.crypto.subject_keys import (
    KeyState,
    MemorySubjectKeyStore,
    Rewrap,
    SubjectKeyStore,
    WrappedKey,
)

__all__ = [
    "KEK_FILE",
    "SUBJECT_KEYS_FILE",
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
    "KeyRingStatus",
    "KeyShreddedError",
    "KeyState",
    "KeyStoreError",
    "MalformedCiphertextError",
    "MemorySubjectKeyStore",
    "Normalization",
    "ReadOnlyKeyProviderError",
    "Rewrap",
    "RotatableKeyProvider",
    "SqliteSubjectKeyStore",
    "StaleKekVersionError",
    "SubjectKeyStore",
    "UnknownKeyError",
    "WrappedKey",
    "open_keyring",
]
