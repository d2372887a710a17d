"""Person names: capitalized tokens found in a first/last-name vocabulary (from Faker)."""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from steward.deid.scan.evidence import Evidence
from steward.deid.scan.vocab import NAME_TITLES, person_names

_SHAPE = r"^[A-Z][a-z]+(?:['\-][A-Z]?[a-z]+)*$|^[A-Z][a-z]?[A-Z][a-z]+$"
_INITIAL = r"^[A-Z]\.?$"


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
    multi = passed_frame.filter(pl.col("words") >= 2).height
    single_word = passed and multi / passed < 0.5
    factor = 0.75 if single_word and "person_name" not in hints else 1.0
    return Evidence("person_name", names.height, passed, n, True, factor=factor)


def full_names(sample: pl.Series) -> bool:
    """True when most values have two or more words (full names, not first names only)."""
    words = sample.str.count_matches(r"\S+")
    return words.len() > 0 and int((words >= 2).sum()) * 2 >= words.len()
