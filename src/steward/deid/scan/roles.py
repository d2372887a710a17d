"""From evidence to confidence, and from kinds to a suggested role.

Confidence of a kind in a column:

1. ``share`` = values that matched the pattern and passed validation / values sampled;
2. for kinds with a check digit, the share random look-alikes would pass by luck is
   discounted: ``(share - chance) / (1 - chance)``;
3. content that is suggestive but not conclusive is scaled down (``Evidence.factor``);
4. a header hint for the kind adds 0.15 (capped at 1); a header naming something
   non-personal (SKU, order, invoice...) takes 0.2 off; evidence that needs a hint
   (ages, cities, single decimal coordinates) is 0 without one.

A kind is reported when its confidence is at least :data:`REPORT_THRESHOLD`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from steward.deid.scan.evidence import Evidence


class Role(StrEnum):
    """The part a column plays in re-identification."""

    DIRECT = "direct identifier"
    QUASI = "quasi-identifier"
    SENSITIVE = "sensitive attribute"
    NONE = "none"


REPORT_THRESHOLD: Final = 0.5
HINT_BONUS: Final = 0.15
NEGATIVE_PENALTY: Final = 0.2

KIND_ROLES: Final[dict[str, Role]] = {
    "email": Role.DIRECT, "phone": Role.DIRECT, "us_ssn": Role.DIRECT,
    "uk_nino": Role.DIRECT, "aadhaar": Role.DIRECT, "india_pan": Role.DIRECT,
    "credit_card": Role.DIRECT, "iban": Role.DIRECT, "street_address": Role.DIRECT,
    "ip_address": Role.DIRECT, "person_name": Role.DIRECT,
    "date_of_birth": Role.QUASI, "postal_code": Role.QUASI, "age": Role.QUASI,
    "gender": Role.QUASI, "coordinates": Role.QUASI, "city": Role.QUASI,
    "occupation": Role.QUASI, "marital_status": Role.QUASI, "url": Role.QUASI,
    "health": Role.SENSITIVE, "religion": Role.SENSITIVE, "ethnicity": Role.SENSITIVE,
    "free_text": Role.SENSITIVE,
    "record_id": Role.NONE,
}  # fmt: skip

# Ties in confidence go to the more specific kind (a check digit beats a shape).
PRIORITY: Final[dict[str, int]] = {
    "credit_card": 9, "iban": 9, "aadhaar": 9, "us_ssn": 8, "uk_nino": 8, "india_pan": 8,
    "email": 8, "ip_address": 7, "url": 7, "record_id": 7, "phone": 6,
    "date_of_birth": 5, "street_address": 5, "coordinates": 5, "postal_code": 4,
    "gender": 4, "marital_status": 4, "health": 4, "religion": 4, "ethnicity": 4,
    "person_name": 3, "occupation": 3, "age": 2, "city": 1, "free_text": 0,
}  # fmt: skip


def confidence(evidence: Evidence, hints: frozenset[str], negative_header: bool) -> float:
    """The confidence (0..1, three decimals) that a column holds ``evidence.kind``."""
    if evidence.needs_hint and evidence.kind not in hints:
        return 0.0
    share = evidence.share
    if evidence.chance:
        share = max(0.0, (share - evidence.chance) / (1.0 - evidence.chance))
    value = share * evidence.factor
    if value > 0 and evidence.kind in hints:
        value = min(1.0, value + HINT_BONUS)
    if negative_header:
        value = max(0.0, value - NEGATIVE_PENALTY)
    return round(value, 3)


def embedded_confidence(rows_with_kind: int, sampled: int) -> float:
    """Confidence for personal data inside free text: 0.5 at three values holding it,
    rising to 1 when a fifth of the values do."""
    if rows_with_kind < 3 or sampled == 0:
        return 0.0
    return round(min(1.0, 0.5 + 2.5 * rows_with_kind / sampled), 3)


def role_of(kind: str, *, single_word_names: bool = False) -> Role:
    """The suggested role of a column whose main kind is ``kind``.

    A column of single-word names (first names only) is a quasi-identifier, not a
    direct one.
    """
    if kind == "person_name" and single_word_names:
        return Role.QUASI
    return KIND_ROLES.get(kind, Role.NONE)
