"""The Polars side of the search: code a table's values as integers, and write the
generalized table back.

Each quasi-identifier is coded by its hierarchy's leaves (a value's code is its row in
the hierarchy file; a missing value is the empty leaf, as in ARX's files); a sensitive
column is coded by its distinct values. Everything after coding is NumPy on
:class:`~steward.deid.search.groups.Groups`, whatever engine coded it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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

SUPPRESSED = "*"


@dataclass(frozen=True)
class Coded:
    """A table coded as integers: one :class:`Groups` per record (``rows``) and the same
    table aggregated into its distinct quasi-identifier tuples (``base``)."""

    rows: Groups
    base: Groups
    sensitive_values: int


def encode(
    table: pl.DataFrame,
    qi: Sequence[str],
    hierarchies: Sequence[CodedHierarchy],
    sensitive: str | None = None,
) -> Coded:
    """Code ``table``'s quasi-identifiers (and sensitive column) and aggregate them.

    Raises:
        DeidError: a quasi-identifier holds values (or nulls) its hierarchy does not list;
            the message gives how many records and distinct values, never the values.
    """
    codes: list[IntArray] = []
    for column, hierarchy in zip(qi, hierarchies, strict=True):
        values = table.get_column(column).cast(pl.String).fill_null(MISSING)
        # A value's code is its leaf's position: an enum of the leaves gives it directly
        # (about twice as fast as a replacement table), and null for a value not listed.
        leaves = pl.Enum(list(hierarchy.leaves))
        coded = values.cast(leaves, strict=False).to_physical().cast(pl.Int64)
        unknown = coded.is_null()
        if unknown.any():
            records = int(unknown.sum())
            distinct = values.filter(unknown).n_unique()
            raise DeidError(
                f"column {column!r}: {records} records ({distinct} distinct values, missing "
                "ones included) are not in its hierarchy; add them to the hierarchy file "
                "(a missing value is an empty first cell)"
            )
        codes.append(coded.to_numpy().astype(np.int64, copy=False))
    count = table.height
    ones = np.ones(count, dtype=np.int64)
    sensitive_part = None
    distinct_values = 0
    if sensitive is not None:
        watched = table.get_column(sensitive).cast(pl.String).fill_null("")
        uniques = watched.unique(maintain_order=True)
        distinct_values = uniques.len()
        value = watched.replace_strict(
            uniques, pl.int_range(distinct_values, eager=True), return_dtype=pl.Int64
        )
        sensitive_part = Sensitive(
            np.arange(count, dtype=np.int64),
            value.to_numpy().astype(np.int64, copy=False),
            ones,
            max(distinct_values, 1),
        )
    zero = tuple(0 for _ in qi)
    rows = Groups(zero, tuple(codes), ones, sensitive_part)
    base, _ = roll_up(rows, zero, hierarchies)
    return Coded(rows, base, distinct_values)


def suppressed_rows(
    coded: Coded, node: Sequence[int], hierarchies: Sequence[CodedHierarchy], privacy: Privacy
) -> BoolArray:
    """A mask of the records whose class at ``node`` breaks ``privacy``."""
    rolled, inverse = roll_up(coded.rows, node, hierarchies)
    mask: BoolArray = failing(rolled, privacy)[inverse]
    return mask


def generalize(
    table: pl.DataFrame,
    qi: Sequence[str],
    hierarchies: Sequence[CodedHierarchy],
    coded: Coded,
    node: Sequence[int],
    suppressed: BoolArray,
) -> pl.DataFrame:
    """``table`` with each quasi-identifier replaced by its label at ``node`` and the
    quasi-identifiers of ``suppressed`` records replaced by ``*``; the empty label
    (:data:`~steward.deid.search.hierarchies.MISSING`) is written as a missing value."""
    mask = pl.Series("__suppressed", suppressed)
    columns = []
    for column, hierarchy, codes, level in zip(
        qi, hierarchies, coded.rows.codes, node, strict=True
    ):
        named = [None if label == MISSING else label for label in hierarchy.labels[level]]
        labels = pl.Series(column, named, dtype=pl.String)
        generalized = labels.gather(pl.Series(hierarchy.maps[level][codes]))
        columns.append(
            pl.select(
                pl.when(mask).then(pl.lit(SUPPRESSED)).otherwise(generalized).alias(column)
            ).to_series()
        )
    return table.with_columns(columns)
