"""Sealed intake: HPKE to the organization's key; the private key under a passphrase."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from steward.crypto import CryptoError, DecryptionError, KeyStoreError
from steward.crypto.sealed import (
    Argon2Parameters,
    load_private_key,
    public_key_from_text,
    public_key_to_text,
    read_public_key,
    save_private_key,
    seal,
    unseal,
)

FAST = Argon2Parameters(memory_kib=8 * 1024, iterations=1, lanes=1)
PASSPHRASE = "correct horse battery staple"


def test_seal_and_unseal() -> None:
    key = X25519PrivateKey.generate()
    sealed = seal(b'{"name": "Ana"}', key.public_key(), context="intake")
    assert b"Ana" not in sealed
    assert unseal(sealed, key, context="intake") == b'{"name": "Ana"}'


def test_sealing_twice_differs() -> None:
    key = X25519PrivateKey.generate()
    assert seal(b"x", key.public_key(), context="c") != seal(b"x", key.public_key(), context="c")


def test_wrong_key_context_or_tampering_fails() -> None:
    key, other = X25519PrivateKey.generate(), X25519PrivateKey.generate()
    sealed = seal(b"secret", key.public_key(), context="intake")
    with pytest.raises(DecryptionError):
        unseal(sealed, other, context="intake")
    with pytest.raises(DecryptionError):
        unseal(sealed, key, context="other-dataset")
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    with pytest.raises(DecryptionError):
        unseal(bytes(flipped), key, context="intake")
    with pytest.raises(DecryptionError):
        unseal(b"short", key, context="intake")


def test_private_key_file_round_trip_and_permissions(tmp_path: Path) -> None:
    key = X25519PrivateKey.generate()
    path = tmp_path / "intake.key.json"
    save_private_key(path, key, PASSPHRASE, FAST)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_private_key(path, PASSPHRASE)
    sealed = seal(b"v", key.public_key(), context="c")
    assert unseal(sealed, loaded, context="c") == b"v"
    assert public_key_to_text(read_public_key(path)) == public_key_to_text(key.public_key())


def test_wrong_passphrase_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "intake.key.json"
    save_private_key(path, X25519PrivateKey.generate(), PASSPHRASE, FAST)
    with pytest.raises(DecryptionError, match="wrong passphrase"):
        load_private_key(path, "not the passphrase")


def test_short_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CryptoError, match="at least 12"):
        save_private_key(tmp_path / "k", X25519PrivateKey.generate(), "short", FAST)


def test_private_key_file_holds_no_raw_key(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    key = X25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    path = tmp_path / "k.json"
    save_private_key(path, key, PASSPHRASE, FAST)
    import base64

    assert base64.b64encode(raw) not in path.read_bytes()
    assert raw not in path.read_bytes()


@pytest.mark.parametrize("text", ["", "not base64!", "YWJj"])
def test_bad_public_key_text(text: str) -> None:
    with pytest.raises(KeyStoreError):
        public_key_from_text(text)
