"""Person names: capitalized tokens found in a first/last-name vocabulary (from Faker)."""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from steward.deid.scan.evidence import Evidence
from steward.deid.scan.vocab import (
    NAME_TITLES,
    STREET_ABBREVIATIONS,
    person_names,
    street_types,
)

_SHAPE = r"^\p{Lu}\p{Ll}+(?:['\-]\p{Lu}?\p{Ll}+)*$|^\p{Lu}\p{Ll}?\p{Lu}\p{Ll}+$"
_INITIAL = r"^\p{Lu}\.?$"
_NOT_A_PERSON = frozenset(
    {
        "inc", "llc", "ltd", "plc", "corp", "co", "company", "group", "and", "&", "gmbh",
        "sa", "ag", "bv", "sons", "partners", "associates", "street", "avenue", "road",
        "city", "county", "park", "lake", "north", "south", "east", "west", "new",
    }
)  # fmt: skip
PARTICLES = frozenset(
    {"van", "der", "den", "de", "von", "zu", "da", "di", "du", "la", "le", "del", "dos",
     "das", "ter", "ten", "bin", "ibn", "al", "el", "y"}
)  # fmt: skip
"""Lower-case name particles ("van der", "de la") skipped like titles."""
SHAPE_ONLY_FACTOR = 0.6
"""Confidence scale for names recognized by their shape alone (no vocabulary match)."""


@lru_cache(maxsize=1)
def _vocabulary() -> pl.DataFrame:
    names = pl.Series("t", sorted(person_names()), dtype=pl.String)
    return pl.DataFrame({"t": names, "known": pl.Series([1] * names.len(), dtype=pl.UInt32)})


def name_evidence(sample: pl.Series, hints: frozenset[str]) -> Evidence | None:
    """Evidence that ``sample`` holds person names, or None when no value looks like one.

    A value counts as a name when it has one to four words, every word is capitalized
    like a name (initials and titles such as "Dr." are skipped), and at least two thirds
    of the words are in the name vocabulary. Single-word columns (first names only) count
    for less unless the header says "name".
    """
    n = sample.len()
    if n == 0:
        return None
    tokens = (
        pl.DataFrame({"v": sample})
        .with_row_index("row")
        .select("row", pl.col("v").str.split(" ").alias("t"))
        .explode("t")
        .with_columns(pl.col("t").str.strip_chars(",;"))
        .filter(pl.col("t") != "")
        .filter(~pl.col("t").str.to_lowercase().str.strip_chars(".").is_in(list(NAME_TITLES)))
        .filter(~pl.col("t").is_in(list(PARTICLES)))
        .filter(~pl.col("t").str.contains(_INITIAL))
    )
    tokens = tokens.join(_vocabulary(), on="t", how="left").with_columns(
        pl.col("known").fill_null(0)
    )
    per_value = tokens.group_by("row").agg(
        words=pl.len(),
        shaped=pl.col("t").str.contains(_SHAPE).sum(),
        known=pl.col("known").sum(),
    )
    names = per_value.filter((pl.col("words") <= 4) & (pl.col("shaped") == pl.col("words")))
    if names.height == 0:
        return None
    passed_frame = names.filter(pl.col("known") * 3 >= pl.col("words") * 2)
    passed = passed_frame.height
    if passed * 2 < n:
        shaped = _shape_only(sample, names)
        if shaped is not None:
            return shaped
    multi = passed_frame.filter(pl.col("words") >= 2).height
    single_word = passed and multi / passed < 0.5
    factor = 0.75 if single_word and "person_name" not in hints else 1.0
    return Evidence("person_name", names.height, passed, n, True, factor=factor)


def _shape_only(sample: pl.Series, names: pl.DataFrame) -> Evidence | None:
    """Names from outside the vocabulary (other languages), recognized by their shape.

    Nearly every value must be two or three capitalized words with no digits and none of
    the words that mark companies, places or streets, and at least half the values must
    differ, as people's names do. Shape is suggestive, not conclusive, so the confidence
    is scaled down.
    """
    n = sample.len()
    two_or_three = names.filter(pl.col("words").is_between(2, 3))
    if two_or_three.height * 10 < n * 9:
        return None
    lowered = sample.str.to_lowercase().str.split(" ")
    not_people = sorted(_NOT_A_PERSON | {w.lower() for w in street_types()} | STREET_ABBREVIATIONS)
    marked = lowered.list.eval(pl.element().str.strip_chars(",.").is_in(not_people))
    if int(marked.list.any().sum()) * 20 > n:
        return None
    if sample.n_unique() * 2 < n:
        return None
    return Evidence(
        "person_name", names.height, two_or_three.height, n, True, factor=SHAPE_ONLY_FACTOR
    )


def full_names(sample: pl.Series) -> bool:
    """True when most values have two or more words (full names, not first names only)."""
    words = sample.str.count_matches(r"\S+")
    return words.len() > 0 and int((words >= 2).sum()) * 2 >= words.len()
