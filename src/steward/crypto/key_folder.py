"""The key folder every Steward process opens: the key file and the subject key store."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from steward.crypto.file_provider import FileKeyProvider
from steward.crypto.keyring import KeyRing
from steward.crypto.sqlite_subject_keys import SqliteSubjectKeyStore

KEK_FILE: Final = "kek.json"
SUBJECT_KEYS_FILE: Final = "subject-keys.sqlite3"


def open_keyring(keys_dir: Path) -> KeyRing:
    """The key ring stored in ``keys_dir``: its key file and its subject key store.

    Raises:
        KeyStoreError: the key file is missing, malformed or readable by others, or
            the subject key store cannot be opened.
    """
    provider = FileKeyProvider(keys_dir / KEK_FILE)
    return KeyRing(provider, SqliteSubjectKeyStore(keys_dir / SUBJECT_KEYS_FILE))
