"""The engine seam: what the de-identification core asks of a data engine.

The core never touches records itself. It asks an engine to aggregate records into
equivalence classes (:class:`~steward.deid.classes.ClassTable`) and to attach
per-record figures; :class:`PolarsEngine` does this on one machine, lazily and streaming,
and a Spark engine can do the same on a cluster.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import polars as pl

from steward.deid.classes import ClassTable, SensitiveCounts

CLASS_SIZE = "__class_size"
CLASS_INDEX = "__class"


@runtime_checkable
class Engine(Protocol):
    """Aggregates records into equivalence classes."""

    name: str

    def classes(self, table: Any, qi: Sequence[str], sensitive: Sequence[str] = ()) -> ClassTable:
        """The equivalence classes of ``table`` over ``qi``, with sensitive distributions."""
        ...

    def with_class_size(self, table: Any, qi: Sequence[str], column: str) -> Any:
        """``table`` with a column ``column`` holding each record's class size."""
        ...


class PolarsEngine:
    """The default engine: Polars lazy queries, run with the streaming engine."""

    name = "polars"

    def classes(
        self, table: pl.LazyFrame, qi: Sequence[str], sensitive: Sequence[str] = ()
    ) -> ClassTable:
        """Group ``table`` by ``qi``; nulls form their own values.

        Classes are ordered by their values (nulls first) so results are reproducible.
        """
        keys = list(qi)
        if not keys:
            total = int(table.select(pl.len()).collect(engine="streaming").item())
            return ClassTable((), np.array([total] if total else [], dtype=np.int64))
        grouped = (
            table.group_by(keys)
            .agg(pl.len().alias(CLASS_SIZE))
            .sort(keys, nulls_last=False)
            .with_row_index(CLASS_INDEX)
            .collect(engine="streaming")
        )
        sizes = grouped[CLASS_SIZE].to_numpy().astype(np.int64)
        values = {name: grouped[name].to_numpy(allow_copy=True).astype(object) for name in keys}
        distributions: dict[str, SensitiveCounts] = {}
        index = grouped.select([CLASS_INDEX, *keys]).lazy()
        for column in sensitive:
            long = (
                table.group_by([*keys, column])
                .agg(pl.len().alias(CLASS_SIZE))
                .join(index, on=keys, how="inner", nulls_equal=True)
                .sort([CLASS_INDEX, column], nulls_last=False)
                .collect(engine="streaming")
            )
            distributions[column] = SensitiveCounts(
                long[CLASS_INDEX].to_numpy().astype(np.int64),
                long[column].to_numpy(allow_copy=True).astype(object),
                long[CLASS_SIZE].to_numpy().astype(np.int64),
            )
        return ClassTable(tuple(keys), sizes, values, distributions)

    def with_class_size(self, table: pl.LazyFrame, qi: Sequence[str], column: str) -> pl.LazyFrame:
        """``table`` with each record's class size in ``column``."""
        if not qi:
            return table.with_columns(pl.len().alias(column))
        return table.with_columns(pl.len().over(list(qi)).alias(column))
