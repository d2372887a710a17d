"""Free text: long, varied strings with spaces, scanned for personal data inside them.

Candidates are extracted with unanchored Polars regexes over the whole sample
(``str.extract_all``), then validated in Python like whole values are (Luhn for cards,
number plans for phones, mod-97 for IBANs, the SSN rules, Verhoeff for Aadhaar). Names
are a capitalized pair whose first word is a known first name and second a known last
name.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Final

import polars as pl

from steward.deid.scan import patterns as p
from steward.deid.scan.evidence import Evidence
from steward.deid.scan.vocab import first_names, last_names

MIN_MEDIAN_LENGTH: Final = 30
MIN_MEDIAN_WORDS: Final = 5
MIN_UNIQUENESS: Final = 0.5

_EMBEDDED: Final[dict[str, str]] = {
    "email": r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
    "url": r"(?i)(?:https?://|www\.)[^\s<>\"']+",
    "ip_address": r"\b\d{1,3}(?:\.\d{1,3}){3}\b",
    "credit_card": r"\b\d(?:[ \-]?\d){12,18}\b",
    "us_ssn": r"\b\d{3}-\d{2}-\d{4}\b",
    "iban": r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b",
    "uk_nino": r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
    "aadhaar": r"\b[2-9]\d{3} \d{4} \d{4}\b",
    "phone": r"(?:\+\d{1,3}[\s.\-]?)?\(?\d{2,4}\)?[\s.\-]?\d{3,4}[\s.\-]?\d{3,4}\b",
    "person_name": r"\b[A-Z][a-z]+(?: [A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,3}\b",
}


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


def _name_pair(value: str) -> bool:
    """True when two adjacent capitalized words are a known first name then last name."""
    words = value.split(" ")
    firsts, lasts = first_names(), last_names()
    return any(
        first in firsts and last.split("-")[0] in lasts for first, last in itertools.pairwise(words)
    )


def _validators(region: str) -> dict[str, Callable[[str], bool]]:
    return {
        "ip_address": p.ip_valid,
        "credit_card": lambda v: p.card_valid(v.replace(" ", "").replace("-", "")),
        "us_ssn": p.ssn_valid,
        "iban": p.iban_value_valid,
        "uk_nino": p.nino_valid,
        "aadhaar": p.aadhaar_valid,
        "phone": lambda v: p.phone_valid(v, region),
        "person_name": _name_pair,
    }


def embedded_evidence(sample: pl.Series, region: str) -> list[Evidence]:
    """Kinds found inside free-text values; ``matched`` counts values holding at least one
    validated occurrence, so each value counts once per kind."""
    n = sample.len()
    frame = pl.DataFrame({"v": sample}).with_row_index("row")
    validators = _validators(region)
    found: list[Evidence] = []
    for kind, pattern in _EMBEDDED.items():
        hits = (
            frame.select("row", pl.col("v").str.extract_all(pattern).alias("hit"))
            .explode("hit")
            .drop_nulls("hit")
        )
        if hits.height == 0:
            continue
        check = validators.get(kind)
        if check is not None:
            keep = [check(value) for value in hits.get_column("hit").to_list()]
            hits = hits.filter(pl.Series(keep, dtype=pl.Boolean))
        rows = hits.get_column("row").n_unique()
        if rows:
            found.append(Evidence(kind, rows, rows, n, check is not None, embedded=True))
    return found
