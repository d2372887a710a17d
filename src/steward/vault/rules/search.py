"""How a searchable field's values are normalized before blind indexing."""

from __future__ import annotations

from steward.crypto import Normalization
from steward.policy.model import FieldSpec, InputKind


def spec_normalization(spec: FieldSpec) -> Normalization:
    """Emails lose all white space and case, phone numbers become E.164, other text is
    case-folded with white space collapsed."""
    if spec.input is InputKind.EMAIL:
        return Normalization.EMAIL
    if spec.input is InputKind.PHONE:
        return Normalization.PHONE
    return Normalization.TEXT
