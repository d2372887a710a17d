"""The de-identification keys: derived per purpose, never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from steward.crypto import FileKeyProvider, KeyStoreError
from steward.deid.errors import DeidError
from steward.deid.transforms.keys import derive_keys, load_keys, read_key_file

ROOT = bytes(range(32))


def test_pseudonym_key_is_hkdf_with_the_documented_info() -> None:
    expected = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"steward/deid-pseudonyms/1"
    ).derive(ROOT)
    keys = derive_keys(ROOT)
    assert keys.pseudonym == expected
    assert len({keys.pseudonym, keys.date_shift, keys.noise}) == 3


def test_key_names_give_independent_families() -> None:
    assert derive_keys(ROOT, "partner-a").pseudonym != derive_keys(ROOT).pseudonym


def test_repr_shows_no_key_material() -> None:
    keys = derive_keys(ROOT)
    assert repr(keys) == "DeidKeys(name='pseudonyms')"
    assert keys.pseudonym.hex() not in repr(keys)


def test_seeds_are_per_purpose_and_stable() -> None:
    keys = derive_keys(ROOT)
    assert keys.seed("income") == derive_keys(ROOT).seed("income")
    assert keys.seed("income") != keys.seed("rent")


def test_key_file_raw_or_hex(tmp_path: Path) -> None:
    raw, text = tmp_path / "raw.key", tmp_path / "hex.key"
    raw.write_bytes(ROOT)
    text.write_text(ROOT.hex() + "\n")
    assert read_key_file(raw) == read_key_file(text) == ROOT
    short = tmp_path / "short.key"
    short.write_bytes(b"x" * 31)
    with pytest.raises(DeidError, match="at least 32 bytes"):
        read_key_file(short)
    with pytest.raises(DeidError, match="no such key file"):
        read_key_file(tmp_path / "none.key")


def test_keys_from_the_keys_folder(tmp_path: Path) -> None:
    provider = FileKeyProvider.create(tmp_path / "kek.json")
    keys = load_keys(keys_dir=tmp_path)
    assert keys.pseudonym == derive_keys(provider.index_key()).pseudonym
    with pytest.raises(KeyStoreError):
        load_keys(keys_dir=tmp_path / "missing")
    with pytest.raises(DeidError, match="needs a key"):
        load_keys()


def test_bad_names_and_short_roots() -> None:
    with pytest.raises(DeidError, match="key name"):
        derive_keys(ROOT, "Bad Name")
    with pytest.raises(DeidError, match="32 bytes"):
        derive_keys(b"short")
