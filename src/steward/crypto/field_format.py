"""The byte format of an encrypted field value, and its associated data.

::

    ciphertext = header || AES-256-GCM(DEK, nonce, plaintext, ad)
    header     = format (1 byte, 0x01) || key id (16 bytes) || nonce (12 bytes)
    ad         = header || "steward-field/1" || len || dataset || len || record || len || field

Lengths are 4-byte big-endian byte counts, so no two (dataset, record, field) triples
give the same associated data. A ciphertext moved to another record or field, or put
under another key id, fails to authenticate.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from steward.crypto.errors import MalformedCiphertextError

FORMAT_VERSION: Final = 0x01
KEY_ID_BYTES: Final = 16
NONCE_BYTES: Final = 12
TAG_BYTES: Final = 16
HEADER_BYTES: Final = 1 + KEY_ID_BYTES + NONCE_BYTES
_DOMAIN: Final = b"steward-field/1"


class Header(NamedTuple):
    """The parsed header of a field ciphertext."""

    key_id: bytes
    nonce: bytes


def build_header(key_id: bytes, nonce: bytes) -> bytes:
    """The header bytes for ``key_id`` and ``nonce``."""
    return bytes((FORMAT_VERSION,)) + key_id + nonce


def parse_header(ciphertext: bytes) -> Header:
    """Split a field ciphertext's header.

    Raises:
        MalformedCiphertextError: too short or of an unknown format version.
    """
    if len(ciphertext) < HEADER_BYTES + TAG_BYTES:
        raise MalformedCiphertextError("the value is too short to be an encrypted field")
    if ciphertext[0] != FORMAT_VERSION:
        raise MalformedCiphertextError(
            f"unknown encrypted-field format {ciphertext[0]}; this Steward reads format "
            f"{FORMAT_VERSION}"
        )
    return Header(ciphertext[1 : 1 + KEY_ID_BYTES], ciphertext[1 + KEY_ID_BYTES : HEADER_BYTES])


def associated_data(header: bytes, dataset: str, record: str, field: str) -> bytes:
    """The associated data binding a ciphertext to its header, dataset, record and field."""
    parts = [header, _DOMAIN]
    for text in (dataset, record, field):
        encoded = text.encode("utf-8")
        parts.append(len(encoded).to_bytes(4, "big"))
        parts.append(encoded)
    return b"".join(parts)
