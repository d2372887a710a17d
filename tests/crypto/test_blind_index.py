"""Blind indexes: normalization, per-field keys, truncation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.crypto import BlindIndexer, Normalization
from steward.crypto.blind_index import normalize_email, normalize_text

ROOT = bytes(range(32))


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        (Normalization.TEXT, "Ana  Lima", " ana lima "),
        (Normalization.TEXT, "\uff21\uff2e\uff21", "ana"),
        (Normalization.TEXT, "STRASSE", "strasse"),
        (Normalization.EMAIL, "Ana.Lima@Example.org ", "ana.lima@example.org"),
        (Normalization.PHONE, "(555) 010-0100", "+1 555 010 0100"),
        (Normalization.PHONE, "555.010.0100", "5550100100"),
    ],
)
def test_equivalent_inputs_share_an_index(kind: Normalization, a: str, b: str) -> None:
    indexer = BlindIndexer(ROOT)
    first = indexer.index(a, dataset="d", field="f", normalization=kind)
    assert first == indexer.index(b, dataset="d", field="f", normalization=kind)


def test_exact_normalization_keeps_case() -> None:
    indexer = BlindIndexer(ROOT)
    exact = Normalization.EXACT
    upper = indexer.index("A", dataset="d", field="f", normalization=exact)
    assert upper != indexer.index("a", dataset="d", field="f", normalization=exact)


def test_each_field_has_its_own_key() -> None:
    indexer = BlindIndexer(ROOT)
    assert indexer.index("x", dataset="d", field="email") != indexer.index(
        "x", dataset="d", field="phone"
    )
    assert indexer.field_key("d", "a") != indexer.field_key("e", "a")


def test_different_root_keys_give_different_indexes() -> None:
    one, two = BlindIndexer(ROOT), BlindIndexer(bytes(32))
    assert one.index("x", dataset="d", field="f") != two.index("x", dataset="d", field="f")


@pytest.mark.parametrize("length", [2, 4, 8, 16, 32])
def test_output_is_truncated_to_the_configured_length(length: int) -> None:
    assert len(BlindIndexer(ROOT, length=length).index("x", dataset="d", field="f")) == length


@pytest.mark.parametrize(("length", "root"), [(1, ROOT), (33, ROOT), (8, b"short")])
def test_bad_settings_are_refused(length: int, root: bytes) -> None:
    with pytest.raises(ValueError):
        BlindIndexer(root, length=length)


@given(st.text(max_size=60))
def test_normalization_is_idempotent(value: str) -> None:
    assert normalize_text(normalize_text(value)) == normalize_text(value)
    assert normalize_email(normalize_email(value)) == normalize_email(value)
