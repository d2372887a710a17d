"""Canonical JSON: one value, one byte string (RFC 8785 subset), checked with Hypothesis."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from steward.audit.canonical import (
    MAX_SAFE_INTEGER,
    canonical_json,
    canonical_json_validated,
    parse_canonical,
)
from steward.audit.errors import CanonicalEncodingError

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
scalars = st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | texts
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


def _shuffled(value: Any, rng: random.Random) -> Any:
    """The same value with every object's keys inserted in a random order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_shuffled(item, rng) for item in value]
    return value


@given(values, st.randoms())
def test_key_order_does_not_change_the_bytes(value: Any, rng: random.Random) -> None:
    assert canonical_json(_shuffled(value, rng)) == canonical_json(value)


@given(values)
def test_encoding_is_deterministic_and_round_trips(value: Any) -> None:
    encoded = canonical_json(value)
    assert canonical_json(value) == encoded
    assert parse_canonical(encoded) == value
    assert json.loads(encoded) == value


def _has_astral_key(value: Any) -> bool:
    if isinstance(value, dict):
        return any(
            max(map(ord, k), default=0) > 0xFFFF or _has_astral_key(v) for k, v in value.items()
        )
    return isinstance(value, list) and any(_has_astral_key(item) for item in value)


@given(values)
def test_output_matches_compact_sorted_json(value: Any) -> None:
    # Outside astral-plane keys, a code-point sort equals RFC 8785's UTF-16 sort.
    assume(not _has_astral_key(value))
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert canonical_json(value) == expected.encode("utf-8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1, "a": [True, False, None]}, b'{"a":[true,false,null],"b":1}'),
        ('line\nbreak\t"quoted" \\', b'"line\\nbreak\\t\\"quoted\\" \\\\"'),
        ("\x00\x1f\x7f", b'"\\u0000\\u001f\x7f"'),
        ("caf\u00e9 \u20ac", '"caf\u00e9 \u20ac"'.encode()),
        (-0, b"0"),
        ([], b"[]"),
        ({}, b"{}"),
    ],
)
def test_known_encodings(value: Any, expected: bytes) -> None:
    assert canonical_json(value) == expected


def test_keys_sort_by_utf16_code_units_as_rfc8785_requires() -> None:
    # U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FB01 (a code-point sort would not).
    value = {"\ufb01": 1, "\U0001f600": 2}
    assert canonical_json(value) == '{"\U0001f600":2,"\ufb01":1}'.encode()


@pytest.mark.parametrize(
    "value",
    [1.5, {"x": 0.0}, {1: "a"}, 2**53, -(2**53), "\ud800", {"k": object()}, {b"x": 1}],
)
def test_unencodable_values_are_refused(value: Any) -> None:
    with pytest.raises(CanonicalEncodingError):
        canonical_json(value)


@pytest.mark.parametrize(
    "data",
    [
        b'{"b":1,"a":2}',
        b'{"a": 1}',
        b'{"a":1,"a":1}',
        b"1.0",
        b"NaN",
        b"\xff",
        b'"\\u0041"',
        b"[1,]",
    ],
)
def test_non_canonical_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(CanonicalEncodingError):
        parse_canonical(data)


def test_error_messages_do_not_echo_the_value() -> None:
    with pytest.raises(CanonicalEncodingError) as caught:
        canonical_json({"secret-name": 3.25})  # type: ignore[dict-item]
    assert "secret-name" not in str(caught.value)
    assert "3.25" not in str(caught.value)


@given(values)
def test_the_fast_path_matches_the_strict_encoder_where_it_applies(value: Any) -> None:
    assume(not _has_astral_key(value))
    assert canonical_json_validated(value) == canonical_json(value)


def test_the_fast_path_refuses_lone_surrogates() -> None:
    with pytest.raises(CanonicalEncodingError):
        canonical_json_validated({"purpose": "\ud800"})
