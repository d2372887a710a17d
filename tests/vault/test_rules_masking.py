"""Masking, as a table: what each kind of value shows before anyone reveals it."""

from __future__ import annotations

import pytest

from steward.policy.model import FieldSpec, InputKind, Masking
from steward.vault.rules.masking import HIDDEN, mask, needs_plaintext

D = "\u2022"


def _spec(masking: Masking, kind: InputKind = InputKind.TEXT) -> FieldSpec:
    return FieldSpec(name="f", label="F", category="contact", masking=masking, input=kind)


@pytest.mark.parametrize(
    ("masking", "kind", "value", "shown"),
    [
        (Masking.NONE, InputKind.TEXT, "North", "North"),
        (Masking.FULL, InputKind.TEXT, "Ana Lima", HIDDEN),
        (Masking.FULL, InputKind.TEXT, "A very long value indeed", HIDDEN),
        (Masking.PARTIAL, InputKind.TEXT, "Ana Maria Lima", f"A{D * 3} M{D * 3} L{D * 3}"),
        (Masking.PARTIAL, InputKind.EMAIL, "ana.lima@example.org", f"a{D * 3}@{D * 3}.org"),
        (Masking.PARTIAL, InputKind.EMAIL, "ana@localhost", f"a{D * 3}@{D * 3}"),
        (Masking.PARTIAL, InputKind.PHONE, "+1 (555) 010-0199", f"{D * 6}99"),
        (Masking.PARTIAL, InputKind.PHONE, "123", HIDDEN),
        (Masking.PARTIAL, InputKind.DATE, "1984-07-12", f"1984-{D * 2}-{D * 2}"),
        (Masking.PARTIAL, InputKind.NUMBER, "42", HIDDEN),
        (Masking.PARTIAL, InputKind.CHOICE, "30-44", HIDDEN),
        (Masking.PARTIAL, InputKind.TEXTAREA, "my neighbour's dog", HIDDEN),
        (Masking.PARTIAL, InputKind.TEXT, "", HIDDEN),
    ],
)
def test_mask(masking: Masking, kind: InputKind, value: str, shown: str) -> None:
    assert mask(_spec(masking, kind), value) == shown


@pytest.mark.parametrize(
    ("masking", "kind", "needed"),
    [
        (Masking.NONE, InputKind.TEXT, True),
        (Masking.FULL, InputKind.EMAIL, False),
        (Masking.PARTIAL, InputKind.EMAIL, True),
        (Masking.PARTIAL, InputKind.TEXTAREA, False),
        (Masking.PARTIAL, InputKind.CHOICE, False),
    ],
)
def test_decrypting_only_when_the_mask_needs_it(
    masking: Masking, kind: InputKind, needed: bool
) -> None:
    assert needs_plaintext(_spec(masking, kind)) is needed
