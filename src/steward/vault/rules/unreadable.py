"""Values that cannot be read any more, and how they are shown: a pure table.

A value whose person's key was shredded is *erased*: gone for good, by design. A
value whose key is wrapped under a retired or missing KEK version, or whose bytes do
not authenticate, is *unreadable*, and the reason says what an administrator can do.
Pages, the API and exports show the marker instead of the value and keep everything
else working.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from steward.crypto import (
    CryptoError,
    KeyRetiredError,
    KeyShreddedError,
    KeyStoreError,
    UnknownKeyError,
)


class Unreadable(StrEnum):
    """Why a stored value cannot be shown (the API's ``unreadable`` codes)."""

    ERASED = "erased"
    DELETED = "deleted"
    """Purged on purpose: its retention ended, consent was withdrawn, or on request."""
    KEY_RETIRED = "key_retired"
    KEY_MISSING = "key_missing"
    DAMAGED = "damaged"
    KEYS_UNAVAILABLE = "keys_unavailable"


_SHORT: Final = {
    Unreadable.ERASED: "erased",
    Unreadable.DELETED: "deleted",
    Unreadable.KEY_RETIRED: "key version retired",
    Unreadable.KEY_MISSING: "key missing",
    Unreadable.DAMAGED: "damaged",
    Unreadable.KEYS_UNAVAILABLE: "keys unavailable",
}
_EXPLAINED: Final = {
    Unreadable.ERASED: "this value was erased: the person's key was destroyed, so nobody "
    "can read it any more",
    Unreadable.DELETED: "this value was deleted: its retention ended, the person withdrew "
    "the consent it was kept for, or it was deleted on request",
    Unreadable.KEY_RETIRED: "this value cannot be read: its key is wrapped under a retired "
    "key version; an administrator can restore that version from the key file's backup",
    Unreadable.KEY_MISSING: "this value cannot be read: its key is not in the subject key "
    "store; an administrator can check that the vault uses the right key folder",
    Unreadable.DAMAGED: "this value cannot be read: the stored bytes do not authenticate "
    "(altered, or moved from another record)",
    Unreadable.KEYS_UNAVAILABLE: "this value cannot be read now: the key file or the subject "
    "key store cannot be used; an administrator should run 'steward keys status'",
}


def unreadable_because(error: CryptoError) -> Unreadable:
    """The reason a decryption failed with ``error``."""
    if isinstance(error, KeyShreddedError):
        return Unreadable.ERASED
    if isinstance(error, KeyRetiredError):
        return Unreadable.KEY_RETIRED
    if isinstance(error, UnknownKeyError):
        return Unreadable.KEY_MISSING
    if isinstance(error, KeyStoreError):
        return Unreadable.KEYS_UNAVAILABLE
    return Unreadable.DAMAGED


def shown_as(reason: Unreadable) -> str:
    """The marker shown (and exported) in place of the value: ``[erased]``,
    ``[deleted]`` or ``[unreadable: key version retired]``, ..."""
    short = _SHORT[reason]
    gone = reason in (Unreadable.ERASED, Unreadable.DELETED)
    return f"[{short}]" if gone else f"[unreadable: {short}]"


def short_reason(reason: Unreadable) -> str:
    """The reason in two or three words, for a page: ``erased``, ``key missing``, ..."""
    return _SHORT[reason]


def explained(reason: Unreadable) -> str:
    """A sentence for the person who asked to see the value; holds no personal data."""
    return _EXPLAINED[reason]
