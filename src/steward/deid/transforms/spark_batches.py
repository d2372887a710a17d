"""The row-wise part of a recipe on Spark: the Polars code, run on each Arrow batch.

Spark hands each task's rows to Python as Arrow record batches
(``DataFrame.mapInArrow``); each batch becomes a Polars table and goes through the same
functions as on the Polars engine (:func:`~steward.deid.transforms.pipeline.check_expressions`
and :func:`~steward.deid.transforms.pipeline.transform`), so a row comes out of Spark
exactly as it comes out of Polars. What needs the whole table (whether a column holds
fractions, how many values are bad, class sizes) is decided by Spark over all batches,
never by one batch.

The callables here are sent to Spark's Python workers: they hold the recipe, the keys
(on a cluster, turn on Spark's RPC encryption) and the parsing decisions, and import
Steward there (a cluster's workers need it installed).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import polars as pl
import pyarrow as pa

from steward.deid.engine_spark import require_pyspark
from steward.deid.errors import DeidError
from steward.deid.recipe import LoadedRecipe
from steward.deid.transforms.keys import DeidKeys
from steward.deid.transforms.pipeline import Parsing, check_expressions, transform

_COUNT: Final = "c"
"""Prefix of the count columns Spark sums (check names hold a NUL, kept off Spark)."""


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


@dataclass(frozen=True)
class CountChecks:
    """Per Spark task: the check counts of its rows, as one row of ``c0, c1...`` sums.

    Attributes:
        loaded / parsing: the recipe and the columns it parses (as on the driver).
    """

    loaded: LoadedRecipe
    parsing: Parsing

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        totals: list[int] | None = None
        for batch in batches:
            frame = _polars(batch)
            checks = check_expressions(frame.schema, self.loaded, self.parsing)
            row = frame.select(checks).row(0)
            counts = [int(value or 0) for value in row]
            totals = (
                counts if totals is None else [a + b for a, b in zip(totals, counts, strict=True)]
            )
        if totals is not None:
            yield pa.record_batch(
                [pa.array([value], pa.int64()) for value in totals],
                names=count_names(len(totals)),
            )


def count_names(size: int) -> list[str]:
    """The names of the ``size`` count columns :class:`CountChecks` yields."""
    return [f"{_COUNT}{index}" for index in range(size)]


def named_counts(names: list[str], values: Mapping[str, Any] | None) -> dict[str, int]:
    """The summed counts by check name (``values``: the summed row, or ``None`` for an
    empty table)."""
    if values is None:
        return dict.fromkeys(names, 0)
    return {
        name: int(values.get(column) or 0)
        for name, column in zip(names, count_names(len(names)), strict=True)
    }


@dataclass(frozen=True)
class TransformBatches:
    """Per Arrow batch: the recipe's row-wise steps, as the Polars engine does them.

    Attributes:
        loaded / keys / parsing: the recipe, its keys and the parsing decided over the
            whole table.
        target: the Arrow schema Spark expects back (see :func:`arrow_schema`).
    """

    loaded: LoadedRecipe
    keys: DeidKeys | None
    parsing: Parsing
    target: pa.Schema

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            frame = _polars(batch).lazy()
            out = transform(frame, self.loaded, self.keys, self.parsing).frame.collect()
            yield from out.to_arrow().cast(self.target).to_batches()


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
            frame = _polars(batch)
            if frame.height == 0:
                continue
            texts = pl.read_csv(
                io.BytesIO(frame.write_csv(include_header=False).encode("utf-8")),
                has_header=False,
                schema=dict.fromkeys(frame.columns, pl.String()),
            )
            yield from texts.to_arrow().cast(self.target).to_batches()


def text_schema(schema: Any) -> Any:
    """``schema`` with every column text."""
    types = require_pyspark().types
    return types.StructType(
        [types.StructField(field.name, types.StringType(), nullable=True) for field in schema]
    )


def _polars(batch: pa.RecordBatch) -> pl.DataFrame:
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)  # a record batch is a table, not a column
    return frame
