"""Free text: long, varied strings with spaces, scanned for personal data inside them.

Candidates are extracted with the registry's unanchored patterns, run by Polars over the
whole sample (``str.extract_all``), then validated in Python like whole values are (Luhn for cards,
number plans for phones, mod-97 for IBANs, the SSN rules, Verhoeff for Aadhaar). Names
are a capitalized pair whose first word is a known first name and second a known last
name.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from steward.deid.scan.evidence import Evidence
from steward.deid.scan.registry import detector

MIN_MEDIAN_LENGTH: Final = 30
MIN_MEDIAN_WORDS: Final = 5
MIN_UNIQUENESS: Final = 0.5

EMBEDDED_KINDS: Final = (
    "email", "url", "ip_address", "credit_card", "us_ssn", "iban", "uk_nino", "aadhaar",
    "phone", "person_name",
)  # fmt: skip
"""The kinds looked for inside free text, with their registry patterns and validators."""


def is_free_text(sample: pl.Series) -> bool:
    """True when values are long, made of several words, and mostly distinct."""
    if sample.len() == 0:
        return False
    lengths = sample.str.len_chars()
    words = sample.str.count_matches(r"\S+")
    uniqueness = sample.n_unique() / sample.len()
    return (
        (lengths.quantile(0.5) or 0.0) >= MIN_MEDIAN_LENGTH
        and (words.quantile(0.5) or 0.0) >= MIN_MEDIAN_WORDS
        and uniqueness >= MIN_UNIQUENESS
    )


def embedded_evidence(sample: pl.Series, region: str) -> list[Evidence]:
    """Kinds found inside free-text values; ``matched`` counts values holding at least one
    validated occurrence, so each value counts once per kind."""
    n = sample.len()
    frame = pl.DataFrame({"v": sample}).with_row_index("row")
    found: list[Evidence] = []
    for kind in EMBEDDED_KINDS:
        spec = detector(kind)
        assert spec.inline is not None  # every embedded kind has a text pattern
        hits = (
            frame.select("row", pl.col("v").str.extract_all(spec.inline).alias("hit"))
            .explode("hit")
            .drop_nulls("hit")
        )
        if hits.height == 0:
            continue
        if spec.validator is not None:
            keep = [spec.valid(value, region) for value in hits.get_column("hit").to_list()]
            hits = hits.filter(pl.Series(keep, dtype=pl.Boolean))
        rows = hits.get_column("row").n_unique()
        if rows:
            found.append(Evidence(kind, rows, rows, n, spec.validator is not None, embedded=True))
    return found
