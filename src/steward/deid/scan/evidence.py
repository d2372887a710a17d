"""The evidence a detector returns for one kind in one column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """What the sample showed for one kind of personal data.

    ``matched`` values matched the kind's pattern; ``passed`` of them also passed its
    validation (check digit, number plan, date range, vocabulary...); ``sampled`` is the
    number of non-null values looked at. ``chance`` is the share of random look-alike
    values expected to pass by luck (0.1 for a Luhn or Verhoeff digit), which the
    confidence discounts. ``needs_hint`` marks evidence that only counts with a header
    hint (a weak kind whose content alone is ambiguous). ``factor`` scales the confidence
    for content that is suggestive but not conclusive.
    """

    kind: str
    matched: int
    passed: int
    sampled: int
    validated: bool = False
    chance: float = 0.0
    needs_hint: bool = False
    factor: float = 1.0
    embedded: bool = False

    @property
    def share(self) -> float:
        """The share of sampled values that matched and passed (0 when nothing was sampled)."""
        return self.passed / self.sampled if self.sampled else 0.0
