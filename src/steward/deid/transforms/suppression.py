"""Local suppression: hide the quasi-identifiers of records in classes smaller than k."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from steward.deid.engine import CLASS_SIZE

ROOT = "*"
SMALL = "__steward_small_class"


def small_classes(frame: pl.LazyFrame, qi: Sequence[str], k: int) -> pl.DataFrame:
    """The classes of ``frame`` over ``qi`` smaller than ``k``, with their sizes in
    ``__class_size``: one streaming pass over the records; only these few are held.

    Raises:
        ValueError: ``qi`` is empty.
    """
    if not qi:
        raise ValueError("local suppression needs quasi-identifiers")
    keys = list(qi)
    sizes = frame.group_by(keys).agg(pl.len().alias(CLASS_SIZE))
    return sizes.filter(pl.col(CLASS_SIZE) < k).collect(engine="streaming")


def suppress(
    frame: pl.LazyFrame,
    qi: Sequence[str],
    k: int,
    *,
    replace_with: str = ROOT,
    remove_records: bool = False,
    small: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """``frame`` with the quasi-identifiers of small-class records replaced or removed.

    A record whose combination of ``qi`` values is shared by fewer than ``k`` records
    gets ``replace_with`` in its text quasi-identifiers and null in the others; with
    ``remove_records`` the record is left out instead. ``small`` is
    :func:`small_classes` of ``frame`` when the caller has it (computed otherwise).

    The small classes are found first, in a pass of their own, and joined back as a
    table in memory: a join whose other side were the same lazy scan would make the
    streaming engine hold every record until the scan's group-by ends.

    Raises:
        ValueError: ``k`` is below 2 or ``qi`` is empty.
    """
    if k < 2:
        raise ValueError("k must be at least 2")
    if not qi:
        raise ValueError("local suppression needs quasi-identifiers")
    keys = list(qi)
    found = small if small is not None else small_classes(frame, keys, k)
    marks = found.lazy().select([*keys, pl.lit(True).alias(SMALL)])
    marked = frame.join(marks, on=keys, how="left", nulls_equal=True, maintain_order="left")
    flagged = pl.col(SMALL).fill_null(False)
    if remove_records:
        return marked.filter(~flagged).drop(SMALL)
    schema = frame.collect_schema()
    replaced = []
    for column in qi:
        marker = pl.lit(replace_with) if schema[column] == pl.String else pl.lit(None)
        replaced.append(pl.when(flagged).then(marker).otherwise(pl.col(column)).alias(column))
    return marked.with_columns(replaced).drop(SMALL)


def count_small(frame: pl.LazyFrame, qi: Sequence[str], k: int) -> int:
    """How many records lie in classes smaller than ``k``."""
    return int(small_classes(frame, qi, k)[CLASS_SIZE].sum())
