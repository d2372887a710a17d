"""The byte format of an encrypted field value, and its associated data.

::

    ciphertext = header || AES-256-GCM(DEK, nonce, plaintext, ad)
    header     = format (1 byte, 0x01) || key id (16 bytes) || nonce (12 bytes)
    ad         = "steward-field/1" || key id || len || dataset || len || record || len || field

Lengths are 4-byte big-endian byte counts, so no two (dataset, record, field) triples
give the same associated data. A ciphertext moved to another record or field, or put
under another key id, fails to authenticate. The nonce is authenticated by GCM itself
and the format version by the domain string, so neither needs repeating in ``ad``; the
record part of ``ad`` is computed once per record when a whole record is encrypted.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, NamedTuple

from steward.crypto.errors import MalformedCiphertextError

FORMAT_VERSION: Final = 0x01
KEY_ID_BYTES: Final = 16
NONCE_BYTES: Final = 12
TAG_BYTES: Final = 16
HEADER_KEY_END: Final = 1 + KEY_ID_BYTES
HEADER_BYTES: Final = HEADER_KEY_END + NONCE_BYTES
MIN_CIPHERTEXT_BYTES: Final = HEADER_BYTES + TAG_BYTES
_DOMAIN: Final = b"steward-field/1"


class Header(NamedTuple):
    """The parsed header of a field ciphertext."""

    key_id: bytes
    nonce: bytes


def parse_header(ciphertext: bytes) -> Header:
    """Split a field ciphertext's header.

    Raises:
        MalformedCiphertextError: too short or of an unknown format version.
    """
    if len(ciphertext) < MIN_CIPHERTEXT_BYTES:
        raise MalformedCiphertextError("the value is too short to be an encrypted field")
    if ciphertext[0] != FORMAT_VERSION:
        raise MalformedCiphertextError(
            f"unknown encrypted-field format {ciphertext[0]}; this Steward reads format "
            f"{FORMAT_VERSION}"
        )
    return Header(ciphertext[1:HEADER_KEY_END], ciphertext[HEADER_KEY_END:HEADER_BYTES])


def key_id_of(ciphertext: bytes) -> bytes:
    """The key id in a ciphertext's header, unchecked (empty or short if malformed)."""
    return ciphertext[1:HEADER_KEY_END]


def record_context(key_id: bytes, dataset: str, record: str) -> bytes:
    """The part of the associated data shared by every field of one record."""
    return _DOMAIN + key_id + length_prefixed(dataset) + length_prefixed(record)


@lru_cache(maxsize=4096)
def length_prefixed(text: str) -> bytes:
    """``text`` in UTF-8 after its 4-byte big-endian length (cached: names repeat)."""
    encoded = text.encode("utf-8")
    return len(encoded).to_bytes(4, "big") + encoded
