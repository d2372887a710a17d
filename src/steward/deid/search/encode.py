"""Code a table's distinct quasi-identifier tuples as integers, for the search.

A table reaches the search as its distinct tuples of quasi-identifier (and sensitive)
values with how many records hold each (:func:`distinct_tuples` on Polars; the Spark
engine aggregates the same tuples on a cluster). Each quasi-identifier is coded by its
hierarchy's leaves (a value's code is its row in the hierarchy file; a missing value is
the empty leaf, as in ARX's files); a sensitive column is coded by its distinct values.
Everything after coding is NumPy on :class:`~steward.deid.search.groups.Groups`, whatever
engine aggregated the tuples, so the search never holds more than one row per tuple.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from steward.deid.errors import DeidError
from steward.deid.search.groups import (
    BoolArray,
    Groups,
    IntArray,
    Privacy,
    Sensitive,
    failing,
    roll_up,
)
from steward.deid.search.hierarchies import MISSING, CodedHierarchy

COUNT: Final = "__steward_records"
"""The column of :func:`distinct_tuples` holding how many records share each tuple."""


@dataclass(frozen=True)
class Coded:
    """A table coded as integers: one :class:`Groups` entry per distinct tuple (``rows``,
    weighted by its records) and the same tuples merged by leaf codes (``base``)."""

    rows: Groups
    base: Groups
    sensitive_values: int


def distinct_tuples(
    table: pl.LazyFrame, qi: Sequence[str], sensitive: str | None = None
) -> pl.DataFrame:
    """The distinct tuples of ``qi`` (and ``sensitive``) in ``table``, typed as in the
    table, with how many records hold each in :data:`COUNT`; nulls are values. Their
    order is unspecified: nothing computed from them depends on it.

    The table is read once by Polars's streaming engine, so a file larger than memory
    is aggregated in bounded memory; only the tuples are held.
    """
    keys = [*qi, *([sensitive] if sensitive is not None else [])]
    grouped = table.group_by(keys).agg(pl.len().cast(pl.Int64).alias(COUNT))
    return grouped.collect(engine="streaming")


def leaf_codes(values: pl.Series, hierarchy: CodedHierarchy) -> pl.Series:
    """Each value's leaf code in ``hierarchy`` (null where it has no leaf), reading
    values as text and a null as the empty leaf :data:`MISSING`."""
    text = values.cast(pl.String).fill_null(MISSING)
    # An enum of the leaves gives a value's position directly (about twice as fast as a
    # replacement table), and null for a value not listed.
    return text.cast(hierarchy.leaf_enum, strict=False).to_physical()


def encode(
    tuples: pl.DataFrame,
    qi: Sequence[str],
    hierarchies: Sequence[CodedHierarchy],
    sensitive: str | None = None,
    *,
    weights: str | None = None,
) -> Coded:
    """Code ``tuples``'s quasi-identifiers (and sensitive column) and aggregate them.

    Each row of ``tuples`` stands for the number of records in its ``weights`` column
    (:data:`COUNT` from :func:`distinct_tuples`), or for one record without it.

    Raises:
        DeidError: a quasi-identifier holds values (or nulls) its hierarchy does not list;
            the message gives how many records and distinct values, never the values.
    """
    count = tuples.height
    ones = np.ones(count, dtype=np.int64)
    records = ones if weights is None else tuples.get_column(weights).to_numpy().astype(np.int64)
    codes: list[IntArray] = []
    for column, hierarchy in zip(qi, hierarchies, strict=True):
        coded = leaf_codes(tuples.get_column(column), hierarchy)
        unknown = coded.is_null()
        if unknown.any():
            mask = unknown.to_numpy()
            distinct = tuples.get_column(column).filter(unknown).n_unique()
            raise DeidError(
                f"column {column!r}: {int(records[mask].sum())} records ({distinct} distinct "
                "values, missing ones included) are not in its hierarchy; add them to the "
                "hierarchy file (a missing value is an empty first cell)"
            )
        codes.append(coded.cast(pl.Int64).to_numpy().astype(np.int64, copy=False))
    sensitive_part = None
    distinct_values = 0
    if sensitive is not None:
        watched = tuples.get_column(sensitive).cast(pl.String).fill_null("")
        uniques = watched.unique().sort()
        distinct_values = uniques.len()
        value = watched.replace_strict(
            uniques, pl.int_range(distinct_values, eager=True), return_dtype=pl.Int64
        )
        sensitive_part = Sensitive(
            np.arange(count, dtype=np.int64),
            value.to_numpy().astype(np.int64, copy=False),
            records,
            max(distinct_values, 1),
        )
    zero = tuple(0 for _ in qi)
    rows = Groups(zero, tuple(codes), records, sensitive_part)
    base, _ = roll_up(rows, zero, hierarchies)
    return Coded(rows, base, distinct_values)


def suppressed_tuples(
    coded: Coded, node: Sequence[int], hierarchies: Sequence[CodedHierarchy], privacy: Privacy
) -> tuple[BoolArray, Groups, BoolArray]:
    """At ``node``: a mask of the tuples whose class breaks ``privacy``, the classes
    themselves, and a mask of the failing classes."""
    rolled, inverse = roll_up(coded.rows, node, hierarchies)
    fail = failing(rolled, privacy)
    mask: BoolArray = fail[inverse]
    return mask, rolled, fail
