"""Delivery packages: encrypted to a key or a passphrase, self-describing, tamper-evident."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from steward.crypto import CryptoError, DecryptionError, MalformedCiphertextError
from steward.crypto.delivery_package import (
    MAGIC,
    MAX_CONTEXT,
    Method,
    new_passphrase,
    open_package,
    pack_for_key,
    pack_with_passphrase,
    read_package_header,
)
from steward.crypto.sealed import Argon2Parameters

FAST = Argon2Parameters(memory_kib=64, iterations=1, lanes=1)
PASSPHRASE = "k7qf-2mxa-9dpt-wq3e-hh5n-zr8c-b1vy"
KEY = X25519PrivateKey.generate()
OTHER_KEY = X25519PrivateKey.generate()
PAYLOAD = b'{"records": [{"name": "Ana Lima"}]}'
CONTEXT = "disclosure/5c1f"


def _key_package(payload: bytes = PAYLOAD, context: str = CONTEXT) -> bytes:
    return pack_for_key(payload, KEY.public_key(), context=context, filename="records.json")


def _passphrase_package(payload: bytes = PAYLOAD, context: str = CONTEXT) -> bytes:
    return pack_with_passphrase(
        payload, PASSPHRASE, context=context, filename="records.json", parameters=FAST
    )


def _flip(data: bytes, index: int, bit: int = 0) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 1 << bit
    return bytes(changed)


def test_a_key_package_opens_with_the_key_and_says_what_it_is() -> None:
    package = _key_package()
    assert package.startswith(MAGIC)
    assert b"Ana" not in package
    opened = open_package(package, private_key=KEY)
    assert (opened.payload, opened.context, opened.method) == (PAYLOAD, CONTEXT, Method.PUBLIC_KEY)
    header = read_package_header(package)
    assert (header.format, header.method.label, header.kdf) == (1, "public_key", None)
    assert header.filename == opened.filename == "records.json"


def test_a_passphrase_package_opens_with_the_passphrase_and_records_its_cost() -> None:
    package = _passphrase_package()
    assert b"Ana" not in package
    opened = open_package(package, passphrase=PASSPHRASE)
    assert (opened.payload, opened.context, opened.method) == (PAYLOAD, CONTEXT, Method.PASSPHRASE)
    header = read_package_header(package)
    assert (header.method.label, header.kdf) == ("passphrase", FAST)
    assert header.filename == opened.filename == "records.json"


def test_packing_twice_differs() -> None:
    assert _key_package() != _key_package()
    assert _passphrase_package() != _passphrase_package()


def test_default_argon2_cost_is_recorded_and_the_name_may_be_empty() -> None:
    package = pack_with_passphrase(b"x", PASSPHRASE, context="c")
    assert read_package_header(package).kdf == Argon2Parameters()
    assert read_package_header(package).filename == ""
    assert open_package(package, passphrase=PASSPHRASE).payload == b"x"


@pytest.mark.parametrize(
    ("make", "secret", "message"),
    [
        (_key_package, {"private_key": OTHER_KEY}, "does not open with this key"),
        (_key_package, {"passphrase": PASSPHRASE}, "open it with the matching private key"),
        (_key_package, {}, "open it with the matching private key"),
        (_passphrase_package, {"passphrase": PASSPHRASE + "x"}, "wrong passphrase"),
        (_passphrase_package, {"passphrase": ""}, "wrong passphrase"),
        (_passphrase_package, {"private_key": KEY}, "opened with a passphrase"),
        (_passphrase_package, {}, "opened with a passphrase"),
        (_key_package, {"private_key": KEY, "context": "extract/1"}, "made for 'disclosure/5c1f'"),
        (
            _passphrase_package,
            {"passphrase": PASSPHRASE, "context": "x"},
            "not for 'x'",
        ),
    ],
)
def test_wrong_secret_kind_or_context_is_refused_in_plain_words(
    make: object, secret: dict[str, object], message: str
) -> None:
    assert callable(make)
    with pytest.raises(DecryptionError, match=re.escape(message)):
        open_package(make(), **secret)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("package", "message"),
    [
        (b"", "not a Steward delivery package"),
        (b"PK\x03\x04 a zip file", "not a Steward delivery package"),
        (MAGIC, "not a Steward delivery package"),
        (MAGIC + b"\x02\x01\x00\x01c", "format 2"),
        (MAGIC + b"\x01\x07\x00\x01c", "unknown package method 7"),
        (MAGIC + b"\x01\x01\x00\x00", "damaged"),
        (MAGIC + b"\x01\x01\x00\x01c", "cut short or damaged"),
        (MAGIC + b"\x01\x01\x00\x01c\x05ab", "cut short or damaged"),
        (MAGIC + b"\x01\x01\x00\x01c\x02..", "damaged"),
        (MAGIC + b"\x01\x01\x00\x01c\x03a/b", "damaged"),
        (MAGIC + b"\x01\x01\x00\x09short", "cut short or damaged"),
        (MAGIC + b"\x01\x01\x00\x02\xff\xfe", "damaged"),
        (MAGIC + b"\x01\x02\x00\x01c\x00", "cut short or damaged"),
    ],
)
def test_malformed_bytes_are_refused_in_plain_words(package: bytes, message: str) -> None:
    with pytest.raises(MalformedCiphertextError, match=re.escape(message)):
        read_package_header(package)
    with pytest.raises(DecryptionError, match=re.escape(message)):
        open_package(package, private_key=KEY, passphrase=PASSPHRASE)


def test_an_out_of_bounds_argon2_cost_is_refused_before_any_work() -> None:
    package = bytearray(_passphrase_package())
    memory_at = read_package_header(bytes(package)).size - 34
    package[memory_at : memory_at + 4] = (4 * 1024 * 1024).to_bytes(4, "big")
    with pytest.raises(DecryptionError, match="Argon2id memory"):
        open_package(bytes(package), passphrase=PASSPHRASE)


@pytest.mark.parametrize("make", [_key_package, _passphrase_package])
def test_changing_any_byte_of_header_or_body_is_detected(make: object) -> None:
    """Every region: magic, format, method, context length, context, KDF cost, salt,
    nonce, HPKE encapsulated key, ciphertext and tag."""
    assert callable(make)
    package = make()
    for index in range(len(package)):
        with pytest.raises(DecryptionError):
            open_package(_flip(package, index), private_key=KEY, passphrase=PASSPHRASE)


@pytest.mark.parametrize("make", [_key_package, _passphrase_package])
def test_cutting_a_package_short_or_extending_it_is_detected(make: object) -> None:
    assert callable(make)
    package = make()
    for end in range(len(package)):
        with pytest.raises(DecryptionError):
            open_package(package[:end], private_key=KEY, passphrase=PASSPHRASE)
    with pytest.raises(DecryptionError):
        open_package(package + b"\x00", private_key=KEY, passphrase=PASSPHRASE)


@hsettings(max_examples=60)
@given(payload=st.binary(max_size=2048), context=st.text(min_size=1, max_size=60))
def test_any_payload_and_context_round_trip_with_a_key(payload: bytes, context: str) -> None:
    opened = open_package(pack_for_key(payload, KEY.public_key(), context=context), private_key=KEY)
    assert (opened.payload, opened.context) == (payload, context)


@hsettings(max_examples=30)
@given(payload=st.binary(max_size=512), context=st.text(min_size=1, max_size=30))
def test_any_payload_and_context_round_trip_with_a_passphrase(payload: bytes, context: str) -> None:
    opened = open_package(_passphrase_package(payload, context), passphrase=PASSPHRASE)
    assert (opened.payload, opened.context) == (payload, context)


@hsettings(max_examples=80)
@given(data=st.data())
def test_any_bit_flipped_in_a_key_package_is_detected(data: st.DataObject) -> None:
    package = _key_package(data.draw(st.binary(max_size=64)))
    index = data.draw(st.integers(0, len(package) - 1))
    bit = data.draw(st.integers(0, 7))
    with pytest.raises(DecryptionError):
        open_package(_flip(package, index, bit), private_key=KEY)


@hsettings(max_examples=50)
@given(junk=st.binary(max_size=200))
def test_arbitrary_bytes_never_open_and_never_crash(junk: bytes) -> None:
    with pytest.raises(DecryptionError):
        open_package(junk, private_key=KEY, passphrase=PASSPHRASE)
    with pytest.raises(DecryptionError):
        open_package(MAGIC + junk, private_key=KEY, passphrase=PASSPHRASE)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pack_for_key(b"x", KEY.public_key(), context=""), "context is 1 to"),
        (
            lambda: pack_for_key(b"x", KEY.public_key(), context="c" * (MAX_CONTEXT + 1)),
            "context is 1 to",
        ),
        (lambda: pack_with_passphrase(b"x", "short", context="c"), "at least 12"),
        (lambda: pack_for_key(b"x", KEY.public_key(), context="c", filename="a/b"), "plain name"),
        (lambda: pack_for_key(b"x", KEY.public_key(), context="c", filename=".."), "plain name"),
        (
            lambda: pack_for_key(b"x", KEY.public_key(), context="c", filename="a\nb"),
            "plain name",
        ),
        (
            lambda: pack_with_passphrase(b"x", PASSPHRASE, context="c", filename="n" * 256),
            "plain name",
        ),
        (
            lambda: pack_with_passphrase(
                b"x", PASSPHRASE, context="c", parameters=Argon2Parameters(64, 0, 1)
            ),
            "passes",
        ),
        (
            lambda: pack_with_passphrase(
                b"x", PASSPHRASE, context="c", parameters=Argon2Parameters(64, 1, 99)
            ),
            "lanes",
        ),
        (
            lambda: pack_with_passphrase(
                b"x", PASSPHRASE, context="c", parameters=Argon2Parameters(4, 1, 1)
            ),
            "memory",
        ),
    ],
)
def test_bad_packing_arguments_are_refused(call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(CryptoError, match=message):
        call()


def test_new_passphrases_are_random_typeable_and_long_enough() -> None:
    seen = {new_passphrase() for _ in range(200)}
    assert len(seen) == 200
    for phrase in seen:
        assert re.fullmatch(r"[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){6}", phrase)
    # 28 characters of a 32-symbol alphabet: 140 bits.
    assert 28 * 5 >= 128
