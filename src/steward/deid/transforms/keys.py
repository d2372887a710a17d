"""The keys de-identification uses: derived from the managed key file, never stored.

One root secret (the key file's index key, or an explicit key file) is stretched with
HKDF-SHA-256 into separate keys per purpose, so a pseudonym never reveals anything
about a date offset or a noise stream and the other way round. The recipe's ``key``
name enters the derivation: ``pseudonyms`` (the default) gives the key with info
``steward/deid-pseudonyms/1``; another name gives an independent, unlinkable family.
"""

from __future__ import annotations

import binascii
import hmac
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from steward.crypto import FileKeyProvider
from steward.deid.errors import DeidError

KEK_FILE: Final = "kek.json"
MIN_KEY_BYTES: Final = 32
KEY_NAME: Final = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


@dataclass(frozen=True, repr=False)
class DeidKeys:
    """The per-purpose keys of one recipe run (``repr`` shows no key material).

    Attributes:
        name: the recipe's key name (``pseudonyms`` by default).
        pseudonym: keys HMAC-SHA-256 pseudonyms.
        date_shift: keys the per-person date offsets.
        noise: seeds the noise streams.
    """

    name: str
    pseudonym: bytes
    date_shift: bytes
    noise: bytes

    def __repr__(self) -> str:
        return f"DeidKeys(name={self.name!r})"

    def seed(self, purpose: str) -> int:
        """A 64-bit seed for ``purpose`` (for example a column name), from the noise key."""
        digest = hmac.digest(self.noise, purpose.encode("utf-8"), "sha256")
        return int.from_bytes(digest[:8], "big")


def derive_keys(root: bytes, name: str = "pseudonyms") -> DeidKeys:
    """Stretch ``root`` into the keys of the family ``name``.

    Raises:
        DeidError: the root is shorter than 32 bytes or the name is not a simple word.
    """
    if len(root) < MIN_KEY_BYTES:
        raise DeidError(f"the de-identification key must hold at least {MIN_KEY_BYTES} bytes")
    if not KEY_NAME.match(name):
        raise DeidError(f"key name {name!r}: use lower-case letters, digits and '-'")
    pseudonym = _hkdf(root, f"steward/deid-{name}/1")
    return DeidKeys(
        name,
        pseudonym,
        _hkdf(root, f"steward/deid-{name}/date-shift/1"),
        _hkdf(root, f"steward/deid-{name}/noise/1"),
    )


def load_keys(
    *, keys_dir: Path | None = None, key_file: Path | None = None, name: str = "pseudonyms"
) -> DeidKeys:
    """The keys from an explicit key file, or else from ``keys_dir/kek.json``.

    A key file holds at least 32 bytes: raw, or written as hex (64+ hex digits).

    Raises:
        DeidError: neither source is given, or the key file is missing or too short.
        KeyStoreError: the managed key file is missing, malformed or readable by others.
    """
    if key_file is not None:
        return derive_keys(read_key_file(key_file), name)
    if keys_dir is None:
        raise DeidError("the recipe needs a key: give --keys-dir or --key-file")
    provider = FileKeyProvider(keys_dir / KEK_FILE)
    return derive_keys(provider.index_key(), name)


def read_key_file(path: Path) -> bytes:
    """The secret in ``path`` (raw bytes, or hex text).

    Raises:
        DeidError: the file is missing, unreadable or holds fewer than 32 bytes.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DeidError(f"{path}: no such key file") from None
    except OSError as error:
        raise DeidError(f"{path}: the key file cannot be read ({error.strerror})") from None
    text = raw.strip()
    if re.fullmatch(rb"[0-9a-fA-F]+", text) and len(text) % 2 == 0:
        raw = binascii.unhexlify(text)
    if len(raw) < MIN_KEY_BYTES:
        raise DeidError(f"{path}: a key file must hold at least {MIN_KEY_BYTES} bytes")
    return raw


def _hkdf(root: bytes, info: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info.encode()).derive(root)
