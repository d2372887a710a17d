"""Values that cannot be read, as a table: the reason for each failure, and its marker."""

from __future__ import annotations

import pytest

from steward.crypto import (
    CryptoError,
    DecryptionError,
    KeyRetiredError,
    KeyShreddedError,
    KeyStoreError,
    MalformedCiphertextError,
    StaleKekVersionError,
    UnknownKeyError,
)
from steward.vault.rules.unreadable import (
    Unreadable,
    explained,
    short_reason,
    shown_as,
    unreadable_because,
)


@pytest.mark.parametrize(
    ("error", "reason", "marker"),
    [
        (KeyShreddedError("x"), Unreadable.ERASED, "[erased]"),
        (KeyRetiredError("x"), Unreadable.KEY_RETIRED, "[unreadable: key version retired]"),
        (StaleKekVersionError("x"), Unreadable.KEY_RETIRED, "[unreadable: key version retired]"),
        (UnknownKeyError("x"), Unreadable.KEY_MISSING, "[unreadable: key missing]"),
        (DecryptionError("x"), Unreadable.DAMAGED, "[unreadable: damaged]"),
        (MalformedCiphertextError("x"), Unreadable.DAMAGED, "[unreadable: damaged]"),
        (KeyStoreError("x"), Unreadable.KEYS_UNAVAILABLE, "[unreadable: keys unavailable]"),
        (CryptoError("x"), Unreadable.DAMAGED, "[unreadable: damaged]"),
    ],
)
def test_each_failure_has_a_reason_and_a_marker(
    error: CryptoError, reason: Unreadable, marker: str
) -> None:
    assert unreadable_because(error) is reason
    assert shown_as(reason) == marker
    assert short_reason(reason) in marker


@pytest.mark.parametrize("reason", list(Unreadable))
def test_every_reason_is_explained_in_a_sentence(reason: Unreadable) -> None:
    sentence = explained(reason)
    assert sentence.startswith("this value ")
    assert len(sentence) > 40
