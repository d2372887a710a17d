"""Local suppression: hide the quasi-identifiers of records in classes smaller than k."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from steward.deid.engine import CLASS_SIZE

ROOT = "*"
SMALL = "__steward_small_class"


def suppress(
    frame: pl.LazyFrame,
    qi: Sequence[str],
    k: int,
    *,
    replace_with: str = ROOT,
    remove_records: bool = False,
) -> pl.LazyFrame:
    """``frame`` with the quasi-identifiers of small-class records replaced or removed.

    A record whose combination of ``qi`` values is shared by fewer than ``k`` records
    gets ``replace_with`` in its text quasi-identifiers and null in the others; with
    ``remove_records`` the record is left out instead.

    Raises:
        ValueError: ``k`` is below 2 or ``qi`` is empty.
    """
    if k < 2:
        raise ValueError("k must be at least 2")
    if not qi:
        raise ValueError("local suppression needs quasi-identifiers")
    keys = list(qi)
    # Only the small classes are joined back (few, whatever the table's size), so the
    # plan streams in bounded memory.
    small_classes = (
        frame.group_by(keys)
        .agg(pl.len().alias(CLASS_SIZE))
        .filter(pl.col(CLASS_SIZE) < k)
        .select([*keys, pl.lit(True).alias(SMALL)])
    )
    marked = frame.join(small_classes, on=keys, how="left", nulls_equal=True, maintain_order="left")
    small = pl.col(SMALL).fill_null(False)
    if remove_records:
        return marked.filter(~small).drop(SMALL)
    schema = frame.collect_schema()
    replaced = []
    for column in qi:
        marker = pl.lit(replace_with) if schema[column] == pl.String else pl.lit(None)
        replaced.append(pl.when(small).then(marker).otherwise(pl.col(column)).alias(column))
    return marked.with_columns(replaced).drop(SMALL)


def count_small(frame: pl.LazyFrame, qi: Sequence[str], k: int) -> int:
    """How many records lie in classes smaller than ``k``."""
    sizes = frame.group_by(list(qi)).agg(pl.len().alias(CLASS_SIZE))
    small = sizes.filter(pl.col(CLASS_SIZE) < k).select(pl.col(CLASS_SIZE).sum())
    return int(small.collect(engine="streaming").item() or 0)
