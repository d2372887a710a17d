"""How a field value is shown before anyone reveals it. Pure functions of the value."""

from __future__ import annotations

import re
from typing import Final

from steward.policy.model import FieldSpec, InputKind, Masking

HIDDEN: Final = "\u2022" * 6
"""What a fully masked value shows: a fixed length, so not even the length leaks."""
DOT: Final = "\u2022"
_WORD: Final = re.compile(r"\S+")


def mask(spec: FieldSpec, value: str) -> str:
    """``value`` as readers see it by default under the field's masking.

    * ``none``: the value itself;
    * ``full``: six dots, whatever the value;
    * ``partial``: a hint that helps a caseworker recognise the right person without
      disclosing the value: an email's first letter and top-level domain, a phone
      number's last two digits, a date's year, or each word's first letter.
    """
    if spec.masking is Masking.NONE:
        return value
    if spec.masking is Masking.FULL or not value:
        return HIDDEN
    return partial_mask(spec.input, value)


def partial_mask(kind: InputKind, value: str) -> str:
    """The partial mask of ``value`` for an input of ``kind``."""
    text = value.strip()
    if kind is InputKind.EMAIL and "@" in text:
        local, _, domain = text.rpartition("@")
        top = domain.rsplit(".", 1)[-1] if "." in domain else ""
        return f"{local[:1]}{DOT * 3}@{DOT * 3}.{top}" if top else f"{local[:1]}{DOT * 3}@{DOT * 3}"
    if kind is InputKind.PHONE:
        digits = [c for c in text if c.isdigit()]
        return DOT * 6 + "".join(digits[-2:]) if len(digits) > 4 else HIDDEN
    if kind is InputKind.DATE and len(text) >= 4:
        return text[:4] + "-" + DOT * 2 + "-" + DOT * 2
    if kind in (InputKind.NUMBER, InputKind.BOOLEAN, InputKind.CHOICE):
        return HIDDEN
    if kind is InputKind.TEXTAREA:
        return HIDDEN
    words = _WORD.findall(text)[:4]
    return " ".join(word[:1] + DOT * 3 for word in words) if words else HIDDEN


def needs_plaintext(spec: FieldSpec) -> bool:
    """Whether showing the masked form needs the value decrypted at all."""
    if spec.masking is Masking.NONE:
        return True
    if spec.masking is Masking.FULL:
        return False
    return spec.input not in (
        InputKind.NUMBER,
        InputKind.BOOLEAN,
        InputKind.CHOICE,
        InputKind.TEXTAREA,
    )
