"""Field encryption under per-subject keys: round trips, binding, rotation, shredding."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.crypto import (
    DecryptionError,
    FileKeyProvider,
    KeyRetiredError,
    KeyRing,
    KeyShreddedError,
    MalformedCiphertextError,
    MemorySubjectKeyStore,
    SqliteSubjectKeyStore,
    UnknownKeyError,
)
from steward.crypto.field_format import HEADER_BYTES, parse_header

PLACE = {"dataset": "service_request", "record": "r-1", "field": "full_name"}
names = st.text(min_size=1, max_size=20)
shared = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)


@shared
@given(plaintext=st.binary(max_size=2048), subject=names, dataset=names, record=names, field=names)
def test_round_trip_returns_the_original(
    keyring: KeyRing, plaintext: bytes, subject: str, dataset: str, record: str, field: str
) -> None:
    place = {"dataset": dataset, "record": record, "field": field}
    assert keyring.decrypt(keyring.encrypt(subject, plaintext, **place), **place) == plaintext


@shared
@given(plaintext=st.binary(min_size=1, max_size=256), data=st.data())
def test_any_flipped_bit_fails(keyring: KeyRing, plaintext: bytes, data: st.DataObject) -> None:
    ciphertext = bytearray(keyring.encrypt("s", plaintext, **PLACE))
    bit = data.draw(st.integers(0, len(ciphertext) * 8 - 1))
    ciphertext[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises((DecryptionError, MalformedCiphertextError, UnknownKeyError)):
        keyring.decrypt(bytes(ciphertext), **PLACE)


@shared
@given(
    which=st.sampled_from(["dataset", "record", "field"]),
    other=names,
)
def test_any_swapped_associated_data_fails(keyring: KeyRing, which: str, other: str) -> None:
    ciphertext = keyring.encrypt("s", b"Ana Lima", **PLACE)
    moved = {**PLACE, which: other}
    if moved == PLACE:
        return
    with pytest.raises(DecryptionError):
        keyring.decrypt(ciphertext, **moved)


def test_length_prefixing_keeps_places_apart(keyring: KeyRing) -> None:
    ciphertext = keyring.encrypt("s", b"x", dataset="ab", record="c", field="f")
    with pytest.raises(DecryptionError):
        keyring.decrypt(ciphertext, dataset="a", record="bc", field="f")


def test_header_carries_format_key_id_and_nonce(keyring: KeyRing) -> None:
    first = keyring.encrypt("s", b"v", **PLACE)
    second = keyring.encrypt("s", b"v", **PLACE)
    assert first[0] == 1
    assert parse_header(first).key_id == parse_header(second).key_id
    assert parse_header(first).nonce != parse_header(second).nonce
    assert first[HEADER_BYTES:] != second[HEADER_BYTES:]


def test_each_subject_has_its_own_key(keyring: KeyRing) -> None:
    a = parse_header(keyring.encrypt("a", b"v", **PLACE)).key_id
    b = parse_header(keyring.encrypt("b", b"v", **PLACE)).key_id
    assert a != b


def test_a_ciphertext_under_another_subjects_key_fails(keyring: KeyRing) -> None:
    a = keyring.encrypt("a", b"value", **PLACE)
    b = keyring.encrypt("b", b"value", **PLACE)
    forged = b[:HEADER_BYTES] + a[HEADER_BYTES:]
    with pytest.raises(DecryptionError):
        keyring.decrypt(forged, **PLACE)


def test_shredding_makes_every_field_of_the_subject_unreadable(keyring: KeyRing) -> None:
    values = [keyring.encrypt("gone", f"v{i}".encode(), **PLACE) for i in range(3)]
    kept = keyring.encrypt("kept", b"still here", **PLACE)
    assert keyring.shred("gone") is True
    for value in values:
        with pytest.raises(KeyShreddedError) as raised:
            keyring.decrypt(value, **PLACE)
        assert "v0" not in str(raised.value)
    assert keyring.decrypt(kept, **PLACE) == b"still here"
    assert keyring.shred("gone") is False
    assert not keyring.has_key("gone")


def test_shredding_reaches_a_fresh_process(provider: FileKeyProvider, tmp_path: Path) -> None:
    path = tmp_path / "keys" / "subject-keys.sqlite3"
    ciphertext = KeyRing(provider, SqliteSubjectKeyStore(path)).encrypt("s", b"v", **PLACE)
    KeyRing(provider, SqliteSubjectKeyStore(path)).shred("s")
    with pytest.raises(KeyShreddedError):
        KeyRing(provider, SqliteSubjectKeyStore(path)).decrypt(ciphertext, **PLACE)


def test_shredded_key_bytes_are_overwritten_in_the_store_file(
    provider: FileKeyProvider, tmp_path: Path
) -> None:
    path = tmp_path / "keys" / "subject-keys.sqlite3"
    store = SqliteSubjectKeyStore(path)
    KeyRing(provider, store).encrypt("s", b"v", **PLACE)
    wrapped = store.by_subject("s")
    assert wrapped is not None
    store.shred("s")
    for file in path.parent.glob(path.name + "*"):
        assert wrapped.wrapped not in file.read_bytes(), file.name
    store.close()
    assert wrapped.wrapped not in path.read_bytes()


def test_unknown_key_id_is_its_own_error(keyring: KeyRing) -> None:
    ciphertext = bytearray(keyring.encrypt("s", b"v", **PLACE))
    ciphertext[1:17] = os.urandom(16)
    with pytest.raises(UnknownKeyError):
        keyring.decrypt(bytes(ciphertext), **PLACE)


@pytest.mark.parametrize("bad", [b"", b"\x01short", b"\x07" + bytes(60)])
def test_malformed_values_are_refused(keyring: KeyRing, bad: bytes) -> None:
    with pytest.raises(MalformedCiphertextError):
        keyring.decrypt(bad, **PLACE)


def test_rotation_rewrap_and_retirement(provider: FileKeyProvider) -> None:
    store = MemorySubjectKeyStore()
    keyring = KeyRing(provider, store)
    old = {s: keyring.encrypt(s, s.encode(), **PLACE) for s in ("a", "b", "c")}
    assert keyring.rotate() == 2
    keyring.encrypt("d", b"d", **PLACE)
    assert store.count_by_kek_version() == {1: 3, 2: 1}
    with pytest.raises(KeyRetiredError):
        keyring.retire_below(2)  # keys still wrapped under 1
    assert keyring.rewrap() == 3
    assert store.count_by_kek_version() == {2: 4}
    keyring.retire_below(2)
    fresh = KeyRing(FileKeyProvider(provider.path), store)
    for subject, ciphertext in old.items():
        assert fresh.decrypt(ciphertext, **PLACE) == subject.encode()
    assert [s.version for s in fresh.status().versions] == [2]


def test_retired_version_refuses_to_unwrap(provider: FileKeyProvider) -> None:
    store = MemorySubjectKeyStore()
    KeyRing(provider, store).encrypt("s", b"v", **PLACE)
    provider.create_version()
    provider.retire_below(2)
    wrapped = store.by_subject("s")
    assert wrapped is not None
    with pytest.raises(KeyRetiredError):
        provider.unwrap(1, wrapped.wrapped, b"")


def test_status_counts_keys_and_never_shows_material(provider: FileKeyProvider) -> None:
    keyring = KeyRing(provider, MemorySubjectKeyStore())
    for subject in ("a", "b"):
        keyring.encrypt(subject, b"v", **PLACE)
    (status,) = keyring.status().versions
    assert (status.version, status.wrapped_keys, status.current, status.retired) == (
        1,
        2,
        True,
        False,
    )
    assert status.state == "current"
    assert "key" not in {f for f in status.__dataclass_fields__ if f != "wrapped_keys"}


@pytest.mark.slow
def test_nonces_never_repeat_over_a_million_encryptions(provider: FileKeyProvider) -> None:
    keyring = KeyRing(provider, MemorySubjectKeyStore())
    nonces = {parse_header(keyring.encrypt("s", b"", **PLACE)).nonce for _ in range(1_000_000)}
    assert len(nonces) == 1_000_000


def test_keys_made_in_one_write_encrypt_as_keys_made_on_first_use(keyring: KeyRing) -> None:
    before = parse_header(keyring.encrypt("old", b"v", **PLACE)).key_id
    assert keyring.create_keys(["new1", "old", "new2", "new1"]) == 2
    assert keyring.create_keys([]) == 0
    assert parse_header(keyring.encrypt("old", b"v", **PLACE)).key_id == before
    sealed = keyring.encrypt("new1", b"value", **PLACE)
    assert keyring.decrypt(sealed, **PLACE) == b"value"
    assert (
        parse_header(sealed).key_id != parse_header(keyring.encrypt("new2", b"v", **PLACE)).key_id
    )
    assert keyring.has_key("new2")


@pytest.mark.parametrize("store", ["sqlite", "memory"])
def test_shredding_many_keys_at_once(provider: FileKeyProvider, tmp_path: Path, store: str) -> None:
    keys = (
        SqliteSubjectKeyStore(tmp_path / "subject-keys.sqlite3")
        if store == "sqlite"
        else MemorySubjectKeyStore()
    )
    ring = KeyRing(provider, keys)
    gone = {name: ring.encrypt(name, b"v", **PLACE) for name in ("a", "b", "c")}
    kept = ring.encrypt("d", b"still here", **PLACE)
    assert sorted(ring.shred_many(["a", "b", "c", "nobody"])) == ["a", "b", "c"]
    for ciphertext in gone.values():
        with pytest.raises(KeyShreddedError):
            ring.decrypt(ciphertext, **PLACE)
    assert ring.decrypt(kept, **PLACE) == b"still here"
    assert ring.shred_many(["a"]) == []
    assert ring.shred_many([]) == []
