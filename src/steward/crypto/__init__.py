"""Keys and encryption: versioned KEKs, per-subject data keys, field encryption,
blind indexes, sealed intake and encrypted backups. Plain Python on ``cryptography``.

The sealed-intake names (:func:`seal_submission`, :func:`unseal_batch`, the intake key
files) are imported when first used (:mod:`steward._lazy`): they load the public-key
parts of ``cryptography`` that nothing else here needs.
"""

from typing import TYPE_CHECKING

from steward._lazy import lazy_exports
from steward.crypto.backup import backup_kek_version, decrypt_stream, encrypt_stream
from steward.crypto.blind_index import BlindIndexer, Normalization
from steward.crypto.env_provider import EnvKeyProvider
from steward.crypto.erasure_ledger import (
    LEDGER_FILE,
    ErasureLedger,
    FileErasureLedger,
    LedgerEntry,
    MemoryErasureLedger,
)
from steward.crypto.errors import (
    CryptoError,
    DecryptionError,
    KeyRetiredError,
    KeyShreddedError,
    KeyStoreBusyError,
    KeyStoreError,
    MalformedCiphertextError,
    ReadOnlyKeyProviderError,
    StaleKekVersionError,
    UnknownKeyError,
)
from steward.crypto.field_format import key_id_of
from steward.crypto.file_provider import FileKeyProvider
from steward.crypto.key_folder import KEK_FILE, SUBJECT_KEYS_FILE, open_keyring
from steward.crypto.key_status import KekStatus, KeyRingStatus
from steward.crypto.keyring import KeyRing
from steward.crypto.private_files import read_private_file, write_private_file
from steward.crypto.providers import KekVersion, KeyProvider, RotatableKeyProvider
from steward.crypto.sqlite_subject_keys import SqliteSubjectKeyStore
from steward.crypto.subject_keys import (
    KeyState,
    MemorySubjectKeyStore,
    Rewrap,
    SubjectKeyStore,
    WrappedKey,
)

if TYPE_CHECKING:
    from steward.crypto.delivery_package import (
        OpenedPackage,
        PackageHeader,
        new_passphrase,
        open_package,
        pack_for_key,
        pack_with_passphrase,
        read_package_header,
    )
    from steward.crypto.sealed import (
        load_private_key,
        public_key_from_text,
        public_key_to_text,
        read_public_key,
        save_private_key,
        seal,
        unseal,
    )
    from steward.crypto.sealed_batch import (
        SealedSubmission,
        UnsealResult,
        read_batch,
        seal_submission,
        unseal_batch,
    )
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "delivery_package": [
                "OpenedPackage",
                "PackageHeader",
                "new_passphrase",
                "open_package",
                "pack_for_key",
                "pack_with_passphrase",
                "read_package_header",
            ],
            "sealed": [
                "load_private_key",
                "public_key_from_text",
                "public_key_to_text",
                "read_public_key",
                "save_private_key",
                "seal",
                "unseal",
            ],
            "sealed_batch": [
                "SealedSubmission",
                "UnsealResult",
                "read_batch",
                "seal_submission",
                "unseal_batch",
            ],
        },
    )

__all__ = [
    "KEK_FILE",
    "LEDGER_FILE",
    "SUBJECT_KEYS_FILE",
    "BlindIndexer",
    "CryptoError",
    "DecryptionError",
    "EnvKeyProvider",
    "ErasureLedger",
    "FileErasureLedger",
    "FileKeyProvider",
    "KekStatus",
    "KekVersion",
    "KeyProvider",
    "KeyRetiredError",
    "KeyRing",
    "KeyRingStatus",
    "KeyShreddedError",
    "KeyState",
    "KeyStoreBusyError",
    "KeyStoreError",
    "LedgerEntry",
    "MalformedCiphertextError",
    "MemoryErasureLedger",
    "MemorySubjectKeyStore",
    "Normalization",
    "OpenedPackage",
    "PackageHeader",
    "ReadOnlyKeyProviderError",
    "Rewrap",
    "RotatableKeyProvider",
    "SealedSubmission",
    "SqliteSubjectKeyStore",
    "StaleKekVersionError",
    "SubjectKeyStore",
    "UnknownKeyError",
    "UnsealResult",
    "WrappedKey",
    "backup_kek_version",
    "decrypt_stream",
    "encrypt_stream",
    "key_id_of",
    "load_private_key",
    "new_passphrase",
    "open_keyring",
    "open_package",
    "pack_for_key",
    "pack_with_passphrase",
    "public_key_from_text",
    "public_key_to_text",
    "read_batch",
    "read_package_header",
    "read_private_file",
    "read_public_key",
    "save_private_key",
    "seal",
    "seal_submission",
    "unseal",
    "unseal_batch",
    "write_private_file",
]
