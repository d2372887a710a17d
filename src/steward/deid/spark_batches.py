"""Run a Polars query on every batch of a Spark DataFrame, on the Spark workers.

Steward's record-by-record transformations (a recoding of quasi-identifiers, a recipe's
operations) are Polars expressions. :func:`map_polars` runs the very same expressions
on each Arrow batch Spark hands a worker, so the Spark engine writes exactly the rows
the Polars engine writes, without a second implementation in Spark SQL. The workers run
Python: Steward (``steward[spark]``) must be installed where they run, as for any PySpark
library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import polars as pl

from steward.deid.engine_spark import require_pyspark

Transform = Callable[[pl.LazyFrame], pl.LazyFrame]


def map_polars(frame: Any, transform: Transform) -> Any:
    """``frame`` (a Spark DataFrame) with ``transform`` applied to each of its batches,
    as a lazy Spark plan.

    ``transform`` must work record by record (each output row depends on its input row
    alone) and must not change the row count's meaning: Spark splits the table into
    batches at will. Its output columns and types are found by running it on an empty
    table with ``frame``'s schema.

    Raises:
        DeidError: PySpark is not installed.
    """
    require_pyspark()
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    empty = pl.from_arrow(to_arrow_schema(frame.schema).empty_table())
    assert isinstance(empty, pl.DataFrame)  # an Arrow table converts to a DataFrame
    produced = transform(empty.lazy()).collect().to_arrow()
    target = produced.schema
    spark_schema = from_arrow_schema(_portable(target))
    arrow_target = to_arrow_schema(spark_schema)

    def batches(parts: Iterator[Any]) -> Iterator[Any]:
        for batch in parts:
            table = pl.from_arrow(batch)
            assert isinstance(table, pl.DataFrame)
            out = transform(table.lazy()).collect().to_arrow()
            yield from out.cast(arrow_target).to_batches()

    return frame.mapInArrow(batches, spark_schema)


def _portable(schema: Any) -> Any:
    """``schema`` with Polars's large and view types as Spark's plain ones."""
    import pyarrow as pa

    fields = []
    for field in schema:
        kind = field.type
        if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
            kind = pa.string()
        elif pa.types.is_large_binary(kind) or pa.types.is_binary_view(kind):
            kind = pa.binary()
        fields.append(pa.field(field.name, kind, nullable=True))
    return pa.schema(fields)
