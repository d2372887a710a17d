"""Sealed intake: submissions encrypted to an organization's public key (HPKE, RFC 9180).

The suite is DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM in base mode. The
server that receives a submission holds only the public key and cannot read it. The
private key is kept encrypted under a passphrase with Argon2id (memory-hard).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from steward.crypto.errors import CryptoError, DecryptionError, KeyStoreError
from steward.crypto.private_files import read_private_file, write_private_file

SUITE: Final = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
KEY_FORMAT: Final = "steward-intake-key/1"
MIN_PASSPHRASE: Final = 12


@dataclass(frozen=True)
class Argon2Parameters:
    """Argon2id cost: OWASP's recommended minimum is 19 MiB, 2 passes; we default higher."""

    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4


def seal(plaintext: bytes, public_key: X25519PublicKey, *, context: str) -> bytes:
    """Encrypt ``plaintext`` to ``public_key``; ``context`` (e.g. the dataset id) is bound in.

    Each call uses a fresh ephemeral key, so equal inputs give different outputs.
    """
    return SUITE.encrypt(plaintext, public_key, info=_info(context))


def unseal(sealed: bytes, private_key: X25519PrivateKey, *, context: str) -> bytes:
    """Decrypt a sealed submission.

    Raises:
        DecryptionError: wrong key, wrong context, or altered bytes.
    """
    try:
        return SUITE.decrypt(sealed, private_key, info=_info(context))
    except (InvalidTag, ValueError):
        raise DecryptionError(
            "the sealed submission does not open with this key (wrong key, wrong dataset, "
            "or altered)"
        ) from None


def public_key_to_text(public_key: X25519PublicKey) -> str:
    """The public key as one line of base64 (safe to publish)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def public_key_from_text(text: str) -> X25519PublicKey:
    """Parse :func:`public_key_to_text` output.

    Raises:
        KeyStoreError: the text is not a base64 X25519 public key.
    """
    try:
        return X25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except (ValueError, binascii.Error):
        raise KeyStoreError("not an intake public key (32 bytes of base64 expected)") from None


def save_private_key(
    path: Path,
    private_key: X25519PrivateKey,
    passphrase: str,
    parameters: Argon2Parameters | None = None,
) -> None:
    """Write the private key encrypted under ``passphrase`` to an owner-only file.

    Raises:
        CryptoError: the passphrase is shorter than 12 characters.
        KeyStoreError: the file exists or cannot be written.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        raise CryptoError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    params = parameters or Argon2Parameters()
    salt, nonce = os.urandom(16), os.urandom(12)
    public = public_key_to_text(private_key.public_key())
    raw = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    wrapped = AESGCM(derive_key(passphrase, salt, params)).encrypt(nonce, raw, public.encode())
    document = {
        "format": KEY_FORMAT,
        "public_key": public,
        "kdf": {
            "name": "argon2id",
            "salt": _b64(salt),
            "memory_kib": params.memory_kib,
            "iterations": params.iterations,
            "lanes": params.lanes,
        },
        "nonce": _b64(nonce),
        "ciphertext": _b64(wrapped),
    }
    write_private_file(path, (json.dumps(document, indent=2) + "\n").encode(), exclusive=True)


def load_private_key(path: Path, passphrase: str) -> X25519PrivateKey:
    """Read and decrypt a private key written by :func:`save_private_key`.

    Raises:
        KeyStoreError: the file is missing, malformed or readable by others.
        DecryptionError: the passphrase is wrong (or the file was altered).
    """
    document = _read_document(path)
    try:
        kdf = document["kdf"]
        params = Argon2Parameters(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"]))
        key = derive_key(passphrase, _unb64(kdf["salt"]), params)
        nonce, ciphertext = _unb64(document["nonce"]), _unb64(document["ciphertext"])
        public = str(document["public_key"])
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise KeyStoreError(f"{path}: not a Steward intake key file") from None
    try:
        raw = AESGCM(key).decrypt(nonce, ciphertext, public.encode())
    except InvalidTag:
        raise DecryptionError(f"{path}: wrong passphrase for the intake key") from None
    return X25519PrivateKey.from_private_bytes(raw)


def read_public_key(path: Path) -> X25519PublicKey:
    """The public key recorded in a private key file (no passphrase needed).

    Raises:
        KeyStoreError: the file is missing or malformed.
    """
    document = _read_document(path)
    return public_key_from_text(str(document.get("public_key", "")))


def _read_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(read_private_file(path))
    except (ValueError, UnicodeDecodeError):
        raise KeyStoreError(f"{path}: not a Steward intake key file") from None
    if not isinstance(document, dict) or document.get("format") != KEY_FORMAT:
        raise KeyStoreError(f"{path}: not a Steward intake key file ({KEY_FORMAT})")
    return document


def derive_key(passphrase: str, salt: bytes, params: Argon2Parameters) -> bytes:
    """A 256-bit key from ``passphrase`` and ``salt`` by Argon2id at ``params``' cost."""
    return Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(passphrase.encode("utf-8"))


def _info(context: str) -> bytes:
    return b"steward-sealed-intake/1|" + context.encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
