"""Checkpoint signing keys: IDs, verifier-key text, and owner-only key files."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from steward.audit.errors import KeyFileError
from steward.audit.keys import (
    SigningKey,
    VerifierKey,
    load_private_key,
    load_public_key,
    save_private_key,
    save_public_key,
)

# The example key of golang.org/x/mod/sumdb/note (note.go and note_test.go): the
# signer text is "PRIVATE+KEY+PeterNeumann+c74f20a3+" + base64(0x01 || seed).
PETER_SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
PETER_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"


def peter() -> SigningKey:
    return SigningKey("PeterNeumann", Ed25519PrivateKey.from_private_bytes(PETER_SEED))


def test_key_id_and_verifier_text_match_the_go_note_package() -> None:
    key = peter()
    assert key.key_id.hex() == "c74f20a3"
    assert key.verifier.to_text() == PETER_VERIFIER
    assert VerifierKey.from_text(PETER_VERIFIER) == key.verifier


@pytest.mark.parametrize(
    "text",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ApGc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+zz+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_verifier_text_is_refused(text: str) -> None:
    with pytest.raises(KeyFileError):
        VerifierKey.from_text(text)


@pytest.mark.parametrize("name", ["", "has space", "a+b", "line\nbreak"])
def test_key_names_follow_the_signed_note_rules(name: str) -> None:
    with pytest.raises(KeyFileError):
        SigningKey.generate(name)


def test_repr_never_shows_private_material() -> None:
    key = peter()
    assert PETER_SEED.hex() not in repr(key)
    assert base64.b64encode(PETER_SEED).decode() not in repr(key)


def test_private_key_file_is_created_owner_only_and_round_trips(tmp_path: Path) -> None:
    key = SigningKey.generate("steward.example/audit")
    path = tmp_path / "audit.key"
    old_umask = os.umask(0)
    try:
        save_private_key(path, key)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_bytes()) == 32
    loaded = load_private_key(path, "steward.example/audit")
    assert loaded.verifier == key.verifier


def test_an_existing_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    path.write_bytes(b"keep me")
    with pytest.raises(KeyFileError, match="already exists"):
        save_private_key(path, SigningKey.generate("n"))
    assert path.read_bytes() == b"keep me"


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    save_private_key(path, SigningKey.generate("n"))
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_private_key(path, "n")


def test_a_key_file_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, b"short")
    os.close(fd)
    with pytest.raises(KeyFileError, match="32-byte"):
        load_private_key(path, "n")


def test_missing_key_files_raise_key_file_errors(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError):
        load_private_key(tmp_path / "absent.key", "n")
    with pytest.raises(KeyFileError):
        load_public_key(tmp_path / "absent.pub")


def test_a_symlinked_key_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "real.key"
    save_private_key(target, SigningKey.generate("n"))
    link = tmp_path / "link.key"
    link.symlink_to(target)
    with pytest.raises(KeyFileError):
        load_private_key(link, "n")
    with pytest.raises(KeyFileError):
        save_private_key(link, SigningKey.generate("n"))


def test_public_key_text_file_round_trips(tmp_path: Path) -> None:
    key = SigningKey.generate("steward.example/audit")
    path = tmp_path / "audit.pub"
    save_public_key(path, key.verifier)
    assert path.read_text().strip() == key.verifier.to_text()
    assert load_public_key(path) == key.verifier
