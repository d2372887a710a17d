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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import pyarrow as pa

from steward.deid.recipe import LoadedRecipe
from steward.deid.spark_batches import polars_batch
from steward.deid.transforms.keys import DeidKeys
from steward.deid.transforms.pipeline import Parsing, check_expressions, transform

_COUNT: Final = "c"
"""Prefix of the count columns Spark sums (check names hold a NUL, kept off Spark)."""


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
            frame = polars_batch(batch)
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
            frame = polars_batch(batch).lazy()
            out = transform(frame, self.loaded, self.keys, self.parsing).frame.collect()
            yield from out.to_arrow().cast(self.target).to_batches()
