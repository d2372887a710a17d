"""Categorical quasi-identifiers and sensitive attributes, recognized by vocabulary.

Gender, marital status, occupation, health conditions, religion and ethnicity are found
when most sampled values are words of the kind's vocabulary. Ages and cities have no
telling content (an age is any small integer, a city any word): they need a header hint.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from steward.deid.scan.evidence import Evidence
from steward.deid.scan.vocab import ETHNICITY, GENDER, HEALTH, MARITAL, RELIGION, occupations

GENERIC: Final = frozenset({"none", "other", "unknown", "x"})


def categorical_evidence(sample: pl.Series, hints: frozenset[str], distinct: int) -> list[Evidence]:
    """Evidence for vocabulary kinds, age and city in a sample of ``distinct`` values."""
    n = sample.len()
    if n == 0:
        return []
    lowered = sample.str.to_lowercase().str.strip_chars()
    found: list[Evidence] = []
    vocabularies = {
        "gender": (GENDER, 8),
        "marital_status": (MARITAL, 15),
        "religion": (RELIGION, 30),
        "ethnicity": (ETHNICITY, 30),
        "health": (HEALTH, 200),
        "occupation": (occupations(), 2000),
    }
    for kind, (words, max_distinct) in vocabularies.items():
        if distinct > max_distinct:
            continue
        hits = lowered.filter(lowered.is_in(list(words)))
        specific = hits.filter(~hits.is_in(list(GENERIC))).n_unique()
        if hits.len() and specific >= 2:
            passed = hits.len()
            found.append(Evidence(kind, passed, passed, n, True))
    if "age" in hints:
        ages = lowered.str.to_integer(strict=False)
        passed = int(((ages >= 0) & (ages <= 120)).sum())
        found.append(Evidence("age", passed, passed, n, True, needs_hint=True))
    if "city" in hints and distinct > 1:
        place_like = lowered.str.contains(r"^[a-z][a-z .'\-]{1,40}$")
        passed = int(place_like.sum())
        found.append(Evidence("city", passed, passed, n, True, needs_hint=True))
    return found
