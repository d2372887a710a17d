"""Blind indexes: look up encrypted values by equality without decrypting them.

``index = truncate(HMAC-SHA-256(field_key, normalize(value)), length)`` where each
field has its own key, derived with HKDF-SHA-256 from the index root key (which is
separate from every KEK) and the dataset and field names.

Truncation trades collisions against leakage. An index reveals which records share a
value; a shorter index makes different values collide, so an observer learns less and a
look-up returns a few extra candidates, which the vault filters after decrypting.
The default, 8 bytes (64 bits), keeps collisions negligible below billions of values;
4 bytes suits small, guessable domains (such as a district or a birth year) where
deliberate collisions blunt frequency analysis.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from hashlib import sha256
from typing import Final

import phonenumbers
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DEFAULT_LENGTH: Final = 8
MIN_LENGTH: Final = 2
_INFO: Final = b"steward-blind-index/1"
_SPACES: Final = re.compile(r"\s+")


class Normalization(StrEnum):
    """How a value is normalized before it is indexed."""

    TEXT = "text"
    EMAIL = "email"
    PHONE = "phone"
    EXACT = "exact"


def normalize_text(value: str) -> str:
    """Case-folded Unicode NFKC with runs of white space collapsed and ends trimmed.

    Folding and compatibility decomposition can each expose white space or new
    compositions, so the steps repeat until the text stops changing: the result is
    a fixed point, and normalizing twice gives the same index.
    """
    return _fixed_point(value, lambda text: _SPACES.sub(" ", _fold(text)).strip())


def normalize_email(value: str) -> str:
    """Text normalization with all white space removed."""
    return _fixed_point(value, lambda text: _SPACES.sub("", _fold(text)))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _fixed_point(value: str, step: Callable[[str], str]) -> str:
    current = step(value)
    for _ in range(8):
        following = step(current)
        if following == current:
            break
        current = following
    return current


def make_phone_normalizer(default_region: str = "US") -> Callable[[str], str]:
    """A normalizer that writes phone numbers in E.164 (``+15550100``).

    Numbers without a country code are read in ``default_region``; text that is not a
    phone number falls back to its digits, so look-ups still match the same input.
    """

    def normalize(value: str) -> str:
        try:
            number = phonenumbers.parse(value, default_region)
        except phonenumbers.NumberParseException:
            return re.sub(r"\D", "", value)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    return normalize


class BlindIndexer:
    """Computes blind indexes for one deployment's index root key."""

    def __init__(
        self, root_key: bytes, *, length: int = DEFAULT_LENGTH, default_region: str = "US"
    ) -> None:
        """Raises:
        ValueError: ``length`` is outside 2..32 bytes or the root key is shorter than 32.
        """
        if not MIN_LENGTH <= length <= 32:
            raise ValueError(f"blind index length must be {MIN_LENGTH} to 32 bytes")
        if len(root_key) < 32:
            raise ValueError("the index root key must be at least 32 bytes")
        self._root = root_key
        self.length = length
        self._normalizers: dict[Normalization, Callable[[str], str]] = {
            Normalization.TEXT: normalize_text,
            Normalization.EMAIL: normalize_email,
            Normalization.PHONE: make_phone_normalizer(default_region),
            Normalization.EXACT: lambda value: value,
        }
        self._field_keys: dict[tuple[str, str], bytes] = {}

    def field_key(self, dataset: str, field: str) -> bytes:
        """The HMAC key of one field, derived from the root key and the field's name."""
        cached = self._field_keys.get((dataset, field))
        if cached is None:
            info = b"|".join((_INFO, dataset.encode(), field.encode()))
            cached = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
                self._root
            )
            self._field_keys[(dataset, field)] = cached
        return cached

    def normalized(self, value: str, normalization: Normalization = Normalization.TEXT) -> str:
        """``value`` as it is indexed: the form two equal values share."""
        return self._normalizers[normalization](value)

    def index(
        self,
        value: str,
        *,
        dataset: str,
        field: str,
        normalization: Normalization = Normalization.TEXT,
    ) -> bytes:
        """The blind index of ``value`` in ``dataset.field`` (``length`` bytes)."""
        normalized = self.normalized(value, normalization).encode("utf-8")
        digest = hmac.new(self.field_key(dataset, field), normalized, sha256).digest()
        return digest[: self.length]
