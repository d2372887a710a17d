"""Run Polars on every batch of a Spark DataFrame, on the Spark workers.

Steward's record-by-record transformations (a recipe's operations, an anonymization's
recoding) are Polars expressions. Spark hands each task's rows to Python as Arrow record
batches (``DataFrame.mapInArrow``); each batch becomes a Polars table and goes through
the very same expressions, so the Spark engine writes exactly the rows the Polars engine
writes, without a second implementation in Spark SQL. The workers run Python: Steward
(``steward[spark]``) must be installed where they run, as for any PySpark library; in
local mode they run the driver's own Python
(:func:`~steward.deid.engine_spark.spark_session`).

The callables sent to the workers are plain picklable objects (dataclasses holding what
they need), never closures over the driver's state.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

from steward.deid.engine_spark import require_pyspark
from steward.deid.errors import DeidError

Transform = Callable[[pl.LazyFrame], pl.LazyFrame]


def polars_schema(spark_schema: Any) -> pl.Schema:
    """The Polars schema of the batches Spark hands to Python for ``spark_schema``."""
    from pyspark.sql.pandas.types import to_arrow_schema  # the optional extra

    return pl.from_arrow(to_arrow_schema(spark_schema).empty_table()).schema  # type: ignore[union-attr]


def spark_schema(frame: pl.DataFrame) -> Any:
    """The Spark schema of a Polars table's columns (texts, numbers, dates, times).

    Raises:
        DeidError: a column's type has no Spark equivalent.
    """
    from pyspark.sql.pandas.types import from_arrow_type  # the optional extra

    types = require_pyspark().types
    fields = []
    for field in frame.to_arrow().schema:
        kind = field.type
        if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
            kind = pa.string()
        elif pa.types.is_large_binary(kind) or pa.types.is_binary_view(kind):
            kind = pa.binary()
        try:
            spark_type = from_arrow_type(kind, prefer_timestamp_ntz=True)
        except Exception:  # PySpark raises its own type errors
            raise DeidError(
                f"column {field.name!r}: Spark has no type for {frame.schema[field.name]}"
            ) from None
        fields.append(types.StructField(field.name, spark_type, nullable=True))
    return types.StructType(fields)


def arrow_schema(schema: Any) -> pa.Schema:
    """The Arrow schema Spark expects from Python for the Spark ``schema``."""
    from pyspark.sql.pandas.types import to_arrow_schema  # the optional extra

    return to_arrow_schema(schema)


def text_schema(schema: Any) -> Any:
    """``schema`` with every column text."""
    types = require_pyspark().types
    return types.StructType(
        [types.StructField(field.name, types.StringType(), nullable=True) for field in schema]
    )


@dataclass(frozen=True)
class PolarsBatches:
    """Per Arrow batch: ``transform`` run by Polars, cast to the schema Spark expects.

    Attributes:
        transform: record by record (each output row depends on its input row alone):
            Spark splits the table into batches at will.
        target: the Arrow schema Spark expects back (:func:`arrow_schema`).
    """

    transform: Transform
    target: pa.Schema

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out = self.transform(polars_batch(batch).lazy()).collect()
            yield from out.to_arrow().cast(self.target).to_batches()


def map_polars(frame: Any, transform: Transform) -> Any:
    """``frame`` (a Spark DataFrame) with ``transform`` run on each of its batches, as a
    lazy Spark plan. The output's columns and types are found by running ``transform``
    on an empty table of ``frame``'s schema.

    Raises:
        DeidError: PySpark is not installed, or an output column's type has no Spark
            equivalent.
    """
    empty = pl.DataFrame(schema=polars_schema(frame.schema))
    schema = spark_schema(transform(empty.lazy()).collect())
    return frame.mapInArrow(PolarsBatches(transform, arrow_schema(schema)), schema)


@dataclass(frozen=True)
class CsvText:
    """Per Arrow batch: every column as the text Polars writes in a CSV file (numbers,
    dates and times formatted as the Polars engine's output has them; nulls stay null).

    Attributes:
        target: the Arrow schema Spark expects back: the same names, all text.
    """

    target: pa.Schema

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            frame = polars_batch(batch)
            if frame.height == 0:
                continue
            texts = pl.read_csv(
                io.BytesIO(frame.write_csv(include_header=False).encode("utf-8")),
                has_header=False,
                schema=dict.fromkeys(frame.columns, pl.String()),
            )
            yield from texts.to_arrow().cast(self.target).to_batches()


def as_polars_text(frame: Any) -> Any:
    """``frame`` with every column the text the Polars engine writes in CSV, so a CSV
    written by Spark holds the same text as one written by Polars."""
    schema = text_schema(frame.schema)
    return frame.mapInArrow(CsvText(arrow_schema(schema)), schema)


def polars_batch(batch: pa.RecordBatch) -> pl.DataFrame:
    """One Arrow batch as a Polars table."""
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)  # a record batch is a table, not a column
    return frame
