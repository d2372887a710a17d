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

from steward.deid.classes import ClassTable, ObjectArray, SensitiveCounts

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


def _objects(series: pl.Series) -> ObjectArray:
    """``series`` as a NumPy object array (``None`` for nulls), converting each distinct
    value once rather than each row."""
    if series.dtype == pl.String and series.len() > 1024:
        categories = series.drop_nulls().unique(maintain_order=True)
        codes = series.cast(pl.Enum(categories.to_list())).to_physical()
        table = categories.to_numpy().astype(object)
        result: ObjectArray = (
            table[codes.fill_null(0).to_numpy().astype(np.int64)]
            if table.size
            else np.full(series.len(), None, dtype=object)
        )
        if codes.null_count():
            result[codes.is_null().to_numpy()] = None
        return result
    if series.null_count():
        # to_numpy would make an integer column with a null float, and the null NaN:
        # each value keeps its own type and a null stays None, as ClassTable promises.
        return np.array([*series.to_list(), None], dtype=object)[:-1]
    return series.to_numpy(allow_copy=True).astype(object)


class PolarsEngine:
    """The default engine: Polars lazy queries, run with the streaming engine."""

    name = "polars"

    def classes(
        self,
        table: pl.LazyFrame,
        qi: Sequence[str],
        sensitive: Sequence[str] = (),
        *,
        keep_values: bool = True,
    ) -> ClassTable:
        """Group ``table`` by ``qi``; nulls form their own values.

        With ``keep_values`` the classes are ordered by their values (nulls first) and
        each class's values are returned, so results are reproducible and printable;
        without, the (costly) sort and value conversion are skipped and the class order
        is unspecified, which no metric depends on.
        """
        keys = list(qi)
        if not keys:
            total = int(table.select(pl.len()).collect(engine="streaming").item())
            return ClassTable((), np.array([total] if total else [], dtype=np.int64))
        query = table.group_by(keys).agg(pl.len().alias(CLASS_SIZE))
        if keep_values:
            query = query.sort(keys, nulls_last=False)
        grouped = query.with_row_index(CLASS_INDEX).collect(engine="streaming")
        sizes = grouped[CLASS_SIZE].to_numpy().astype(np.int64)
        values = {name: _objects(grouped[name]) for name in keys} if keep_values else {}
        distributions: dict[str, SensitiveCounts] = {}
        index = grouped.select([CLASS_INDEX, *keys]).lazy()
        for column in sensitive:
            query = (
                table.group_by([*keys, column])
                .agg(pl.len().alias(CLASS_SIZE))
                .join(index, on=keys, how="inner", nulls_equal=True)
                .select([CLASS_INDEX, column, CLASS_SIZE])
            )
            if keep_values:
                query = query.sort([CLASS_INDEX, column], nulls_last=False)
            long = query.collect(engine="streaming")
            distributions[column] = SensitiveCounts(
                long[CLASS_INDEX].to_numpy().astype(np.int64),
                _objects(long[column]),
                long[CLASS_SIZE].to_numpy().astype(np.int64),
            )
        return ClassTable(tuple(keys), sizes, values, distributions)

    def with_class_size(self, table: pl.LazyFrame, qi: Sequence[str], column: str) -> pl.LazyFrame:
        """``table`` with each record's class size in ``column``, in the table's order.

        The sizes are a group-by, run first, joined back to the records (nulls match
        nulls), not a window over the table, which would hold every record (about 2 GB
        for ten million rows). The group-by runs when this is called; the join when the
        result is collected.
        """
        if not qi:
            return table.with_columns(pl.len().alias(column))
        keys = list(qi)
        # The sizes are computed in a pass of their own and joined back from memory (one
        # row per class): joined to the same lazy scan, the streaming engine would hold
        # every record until the scan's group-by ends.
        sizes = table.group_by(keys).agg(pl.len().alias(column)).collect(engine="streaming")
        return table.join(
            sizes.lazy(), on=keys, how="left", nulls_equal=True, maintain_order="left"
        )
