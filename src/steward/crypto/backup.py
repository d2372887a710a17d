"""Encrypted backups that stream in bounded memory.

A backup is encrypted in chunks with AES-256-GCM (the STREAM construction of Hoang,
Reyhanitabar, Rogaway and Vizár): each chunk's nonce is a random per-file prefix, the
chunk's counter and a flag marking the last chunk, and every chunk authenticates the
file header. Changing, reordering, dropping or appending a chunk, or cutting the file
short, makes decryption fail. Each backup has its own random key, wrapped by the
current KEK and stored in the header, so a backup is readable only with the key file.

Layout::

    "STWDBK01" || header length (4 bytes) || header (JSON) || chunk || chunk || ...
"""

from __future__ import annotations

import json
import os
from base64 import b64decode, b64encode
from pathlib import Path
from typing import Any, BinaryIO, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from steward.crypto.errors import (
    CryptoError,
    DecryptionError,
    KeyStoreError,
    MalformedCiphertextError,
)
from steward.crypto.providers import KeyProvider

MAGIC: Final = b"STWDBK01"
DEFAULT_CHUNK: Final = 1024 * 1024
TAG: Final = 16
_PREFIX_BYTES: Final = 7
_MAX_HEADER: Final = 64 * 1024


class TruncatedBackupError(DecryptionError):
    """The backup ends before its last chunk: it was cut short."""


def encrypt_stream(
    source: BinaryIO, target: BinaryIO, provider: KeyProvider, *, chunk_size: int = DEFAULT_CHUNK
) -> int:
    """Encrypt everything read from ``source`` into ``target``; returns plaintext bytes.

    Memory use is about two chunks whatever the input size.
    """
    if not 1024 <= chunk_size <= 64 * 1024 * 1024:
        raise CryptoError("chunk size must be between 1 KiB and 64 MiB")
    file_id, prefix = os.urandom(16), os.urandom(_PREFIX_BYTES)
    data_key = AESGCM.generate_key(bit_length=256)
    version = provider.current_version()
    header = json.dumps(
        {
            "format": 1,
            "file_id": b64encode(file_id).decode(),
            "kek_version": version,
            "wrapped_key": b64encode(
                provider.wrap(version, data_key, _key_context(file_id))
            ).decode(),
            "chunk_size": chunk_size,
            "nonce_prefix": b64encode(prefix).decode(),
        },
        sort_keys=True,
    ).encode()
    target.write(MAGIC + len(header).to_bytes(4, "big") + header)
    aead, total, counter = AESGCM(data_key), 0, 0
    chunk = source.read(chunk_size)
    while True:
        following = source.read(chunk_size)
        last = not following
        target.write(aead.encrypt(_nonce(prefix, counter, last), chunk, header))
        total += len(chunk)
        if last:
            return total
        chunk, counter = following, counter + 1


def decrypt_stream(source: BinaryIO, target: BinaryIO, provider: KeyProvider) -> int:
    """Decrypt a backup from ``source`` into ``target``; returns plaintext bytes.

    Plaintext is written chunk by chunk as each authenticates; use
    :func:`decrypt_file` to get all-or-nothing output.

    Raises:
        MalformedCiphertextError: not a Steward backup.
        TruncatedBackupError: the backup was cut short.
        DecryptionError: a chunk or the header was changed, reordered or appended to.
        KeyRetiredError, UnknownKeyError: the KEK version is not usable.
    """
    header, fields = _read_header(source)
    file_id = b64decode(fields["file_id"])
    data_key = provider.unwrap(
        int(fields["kek_version"]), b64decode(fields["wrapped_key"]), _key_context(file_id)
    )
    aead, prefix = AESGCM(data_key), b64decode(fields["nonce_prefix"])
    size = int(fields["chunk_size"]) + TAG
    total, counter = 0, 0
    sealed = source.read(size)
    while True:
        following = source.read(size)
        last = not following
        try:
            plain = aead.decrypt(_nonce(prefix, counter, last), sealed, header)
        except InvalidTag:
            raise _diagnose(aead, prefix, counter, sealed, header, last) from None
        target.write(plain)
        total += len(plain)
        if last:
            return total
        sealed, counter = following, counter + 1


def encrypt_file(source: Path, target: Path, provider: KeyProvider) -> int:
    """Encrypt file ``source`` to ``target`` (written owner-only, replaced atomically)."""
    return _transform(source, target, lambda s, t: encrypt_stream(s, t, provider))


def decrypt_file(source: Path, target: Path, provider: KeyProvider) -> int:
    """Decrypt backup ``source`` to ``target``; nothing is left at ``target`` on failure."""
    return _transform(source, target, lambda s, t: decrypt_stream(s, t, provider))


def backup_kek_version(path: Path) -> int:
    """The KEK version a backup file is encrypted under, read from its clear header.

    Reads only the header: no key is needed and nothing is decrypted.

    Raises:
        MalformedCiphertextError: the file is not a Steward encrypted backup.
        KeyStoreError: the file cannot be read.
    """
    try:
        with path.open("rb") as source:
            _, fields = _read_header(source)
    except OSError as error:
        raise KeyStoreError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        return int(fields["kek_version"])
    except (TypeError, ValueError):
        raise MalformedCiphertextError("the backup header is damaged") from None


def _transform(source: Path, target: Path, work: Any) -> int:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with source.open("rb") as reader:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as writer:
                count: int = work(reader, writer)
        os.replace(temporary, target)
        return count
    except OSError as error:
        raise CryptoError(f"{error.filename or source}: {error.strerror}") from None
    finally:
        temporary.unlink(missing_ok=True)


def _read_header(source: BinaryIO) -> tuple[bytes, dict[str, Any]]:
    start = source.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or start[: len(MAGIC)] != MAGIC:
        raise MalformedCiphertextError("not a Steward encrypted backup")
    length = int.from_bytes(start[len(MAGIC) :], "big")
    if length > _MAX_HEADER:
        raise MalformedCiphertextError("the backup header is implausibly large")
    header = source.read(length)
    try:
        fields = json.loads(header)
    except ValueError:
        fields = None
    required = ("file_id", "kek_version", "wrapped_key", "chunk_size", "nonce_prefix")
    if not isinstance(fields, dict) or any(name not in fields for name in required):
        raise MalformedCiphertextError("the backup header is damaged")
    return header, fields


def _diagnose(
    aead: AESGCM, prefix: bytes, counter: int, sealed: bytes, header: bytes, last: bool
) -> DecryptionError:
    if last:
        try:
            aead.decrypt(_nonce(prefix, counter, False), sealed, header)
        except InvalidTag:
            pass
        else:
            return TruncatedBackupError("the backup was cut short: its last chunk is missing")
    return DecryptionError(
        f"chunk {counter} of the backup does not authenticate: the file was changed, "
        "reordered or appended to, or the header was altered"
    )


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _key_context(file_id: bytes) -> bytes:
    return b"steward-backup-key/1" + file_id
