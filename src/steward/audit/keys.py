"""Ed25519 keys for signing checkpoints, and the files that hold them.

A key has a *name* (for a checkpoint key, the log's origin, e.g.
``example.org/steward-audit``). The public half is shared as one line of text in
the verifier-key format used by Go's ``sumdb/note`` and C2SP signed notes::

    <name>+<8 hex digits of key ID>+<base64(0x01 || 32-byte public key)>

The private key file holds the raw 32-byte Ed25519 private key and is created
owner-only (0o600); loading refuses a file that others can read.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from steward.audit.errors import KeyFileError
from steward.audit.merkle import sha256
from steward.crypto import KeyStoreError, read_private_file, write_private_file

ED25519_TYPE: Final = b"\x01"
"""The signed-note signature type byte for Ed25519."""

KEY_BYTES: Final = 32
_NAME: Final = re.compile(r"[^\s+\x00-\x1f\x7f\u2014]+")


def check_key_name(name: str) -> str:
    """Return ``name`` if it can name a note key: non-empty, no spaces, ``+`` or control characters.

    Raises:
        KeyFileError: the name is empty or has a forbidden character.
    """
    if not _NAME.fullmatch(name):
        raise KeyFileError(
            "a key name must be non-empty, with no spaces, '+' or control characters"
        )
    return name


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte signed-note key ID: ``SHA-256(name || 0x0A || 0x01 || public key)[:4]``."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return sha256(name.encode("utf-8"), b"\n", ED25519_TYPE, raw)[:4]


class VerifierKey:
    """A named Ed25519 public key that checks checkpoint signatures."""

    def __init__(self, name: str, public_key: Ed25519PublicKey) -> None:
        """Raises KeyFileError if ``name`` is not a valid key name."""
        self.name: Final = check_key_name(name)
        self.public_key: Final = public_key
        self.key_id: Final = key_id(name, public_key)

    def __repr__(self) -> str:
        return f"VerifierKey({self.to_text()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifierKey) and self.to_text() == other.to_text()

    def __hash__(self) -> int:
        return hash(self.to_text())

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` is this key's Ed25519 signature of ``message``."""
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def to_text(self) -> str:
        """The one-line verifier-key text, e.g. ``name+1a2b3c4d+AU...``."""
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        encoded = base64.b64encode(ED25519_TYPE + raw).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def from_text(cls, text: str) -> VerifierKey:
        """Parse verifier-key text written by :meth:`to_text` (or by Go's ``note`` package).

        Raises:
            KeyFileError: the text is malformed, not an Ed25519 key, or its key ID
                does not match its name and key.
        """
        name, _, rest = text.strip().partition("+")
        hex_id, _, encoded = rest.partition("+")
        try:
            material = base64.b64decode(encoded, validate=True)
            wanted_id = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError):
            raise KeyFileError("the verifier key is not name+keyid+base64 text") from None
        if len(material) != 1 + KEY_BYTES or material[:1] != ED25519_TYPE or len(wanted_id) != 4:
            raise KeyFileError("the verifier key is not an Ed25519 key")
        key = cls(name, Ed25519PublicKey.from_public_bytes(material[1:]))
        if key.key_id != wanted_id:
            raise KeyFileError("the verifier key's ID does not match its name and key")
        return key


class SigningKey:
    """A named Ed25519 private key that signs checkpoints. ``repr`` never shows the key."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        """Raises KeyFileError if ``name`` is not a valid key name."""
        self.name: Final = check_key_name(name)
        self.private_key: Final = private_key
        self.verifier: Final = VerifierKey(name, private_key.public_key())

    @classmethod
    def generate(cls, name: str) -> SigningKey:
        """A new random key named ``name``."""
        return cls(name, Ed25519PrivateKey.generate())

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID that prefixes each signature."""
        return self.verifier.key_id

    def __repr__(self) -> str:
        return f"SigningKey(name={self.name!r}, key_id={self.key_id.hex()!r})"

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        return self.private_key.sign(message)


def save_private_key(path: str | os.PathLike[str], key: SigningKey | Ed25519PrivateKey) -> None:
    """Write the raw 32-byte private key to a new owner-only (0o600) file at ``path``.

    Raises:
        KeyFileError: the file already exists, is a symbolic link, or cannot be written.
    """
    private = key.private_key if isinstance(key, SigningKey) else key
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    try:
        write_private_file(Path(path), raw, exclusive=True)
    except KeyStoreError as error:
        raise KeyFileError(str(error)) from None


def load_private_key(path: str | os.PathLike[str], name: str) -> SigningKey:
    """Read the private key at ``path`` and name it ``name``.

    Raises:
        KeyFileError: the file is missing or unreadable, a symbolic link, readable by
            group or others, or does not hold exactly 32 bytes.
    """
    try:
        raw = read_private_file(Path(path))
    except KeyStoreError as error:
        raise KeyFileError(str(error)) from None
    if len(raw) != KEY_BYTES:
        raise KeyFileError(f"{path} does not hold a raw 32-byte Ed25519 private key")
    return SigningKey(name, Ed25519PrivateKey.from_private_bytes(raw))


def save_public_key(path: str | os.PathLike[str], key: VerifierKey) -> None:
    """Write the verifier-key text (one line) to ``path``.

    Raises:
        KeyFileError: the file cannot be written.
    """
    try:
        Path(path).write_text(key.to_text() + "\n", encoding="ascii")
    except OSError as error:
        raise KeyFileError(f"cannot write {path}: {error.strerror}") from None


def load_public_key(path: str | os.PathLike[str]) -> VerifierKey:
    """Read verifier-key text from ``path``.

    Raises:
        KeyFileError: the file cannot be read or does not hold a verifier key.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise KeyFileError(f"cannot read a verifier key from {path}") from None
    return VerifierKey.from_text(text)
