"""KEK providers: the key file (permissions, format, rotation) and the environment."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from steward.crypto import (
    DecryptionError,
    EnvKeyProvider,
    FileKeyProvider,
    KeyRetiredError,
    KeyRing,
    KeyStoreError,
    MemorySubjectKeyStore,
    ReadOnlyKeyProviderError,
    UnknownKeyError,
)
from steward.crypto.providers import KeyProvider, RotatableKeyProvider


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_file_is_created_owner_only(tmp_path: Path) -> None:
    provider = FileKeyProvider.create(tmp_path / "keys" / "kek.json")
    assert _mode(provider.path) == 0o600
    provider.create_version()
    assert _mode(provider.path) == 0o600


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kek.json"
    FileKeyProvider.create(path)
    path.chmod(0o644)
    with pytest.raises(KeyStoreError, match="chmod 600"):
        FileKeyProvider(path)


def test_existing_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "kek.json"
    FileKeyProvider.create(path)
    before = path.read_bytes()
    with pytest.raises(KeyStoreError, match="already exists"):
        FileKeyProvider.create(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content", [b"", b"not json", b'{"format": "other"}', b'{"format": "steward-keys/1"}']
)
def test_malformed_key_file_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kek.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, content)
    os.close(fd)
    with pytest.raises(KeyStoreError, match="not a Steward key file"):
        FileKeyProvider(path)


def test_missing_key_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError, match="steward keys init"):
        FileKeyProvider(tmp_path / "absent.json")


def test_retiring_erases_old_key_material(tmp_path: Path) -> None:
    provider = FileKeyProvider.create(tmp_path / "kek.json")
    first_key = json.loads(provider.path.read_text())["versions"]["1"]["key"]
    provider.create_version()
    provider.retire_below(2)
    text = provider.path.read_text()
    assert first_key not in text
    assert json.loads(text)["min_decrypt"] == 2
    with pytest.raises(KeyRetiredError):
        provider.wrap(1, b"k" * 32, b"")


def test_cannot_retire_above_current(tmp_path: Path) -> None:
    provider = FileKeyProvider.create(tmp_path / "kek.json")
    with pytest.raises(KeyStoreError):
        provider.retire_below(5)


def test_wrong_kek_fails_to_unwrap(tmp_path: Path) -> None:
    one = FileKeyProvider.create(tmp_path / "one.json")
    two = FileKeyProvider.create(tmp_path / "two.json")
    wrapped = one.wrap(1, b"k" * 32, b"ctx")
    with pytest.raises(DecryptionError):
        two.unwrap(1, wrapped, b"ctx")
    with pytest.raises(DecryptionError):
        one.unwrap(1, wrapped, b"other ctx")
    with pytest.raises(UnknownKeyError):
        one.unwrap(9, wrapped, b"ctx")


def _env(*versions: int, minimum: int | None = None) -> dict[str, str]:
    keys = ",".join(f"{v}:{base64.b64encode(bytes([v]) * 32).decode()}" for v in versions)
    environ = {
        "STEWARD_KEKS": keys,
        "STEWARD_INDEX_KEY": base64.b64encode(b"i" * 32).decode(),
    }
    if minimum is not None:
        environ["STEWARD_KEK_MIN_VERSION"] = str(minimum)
    return environ


def test_environment_provider_encrypts_and_is_read_only() -> None:
    provider = EnvKeyProvider(_env(1, 2))
    assert provider.current_version() == 2
    keyring = KeyRing(provider, MemorySubjectKeyStore())
    ciphertext = keyring.encrypt("s", b"v", dataset="d", record="r", field="f")
    assert keyring.decrypt(ciphertext, dataset="d", record="r", field="f") == b"v"
    with pytest.raises(ReadOnlyKeyProviderError):
        keyring.rotate()
    assert isinstance(provider, KeyProvider)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "STEWARD_KEKS is not set"),
        ({"STEWARD_KEKS": "one:abc"}, "VERSION:BASE64"),
        ({"STEWARD_KEKS": "1:%%%"}, "not base64"),
        ({"STEWARD_KEKS": "1:" + base64.b64encode(b"short").decode()}, "32-byte"),
    ],
)
def test_environment_errors_name_the_variable_not_the_value(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(KeyStoreError, match=message) as raised:
        EnvKeyProvider(environ)
    assert "%%%" not in str(raised.value)


def test_environment_minimum_version_retires() -> None:
    provider = EnvKeyProvider(_env(1, 2, minimum=2))
    with pytest.raises(KeyRetiredError):
        provider.unwrap(1, b"x" * 40, b"")


def test_file_provider_satisfies_the_rotatable_protocol(tmp_path: Path) -> None:
    provider: RotatableKeyProvider = FileKeyProvider.create(tmp_path / "kek.json")
    assert isinstance(provider, KeyProvider)


def test_key_files_are_never_read_or_written_through_a_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "kek.json"
    FileKeyProvider.create(real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(KeyStoreError, match="symbolic link"):
        FileKeyProvider(link)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(KeyStoreError, match="symbolic link"):
        FileKeyProvider.create(dangling)
    assert not (tmp_path / "elsewhere.json").exists()
