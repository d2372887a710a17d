"""The Spark engine: equivalence classes aggregated on a Spark cluster (or local mode).

Only the aggregation runs in Spark: a group-by over the quasi-identifiers (and, for each
sensitive column, over the quasi-identifiers and that column). The aggregated classes
come to the driver, where they are typed, ordered and indexed by the same Polars code
as :class:`~steward.deid.engine.PolarsEngine`'s, so both engines return the same
:class:`~steward.deid.classes.ClassTable` for the same records.

A table is a Spark DataFrame (see :func:`steward.deid.io_spark.read_table_spark`).
PySpark is an optional extra (``steward[spark]``) and needs Java 17; it is imported only
when a Spark engine or session is first used, so importing :mod:`steward.deid` never
imports it. Before collecting, the engine counts what it would bring to the driver and
refuses, with a clear :class:`~steward.deid.errors.DeidError`, anything above its limit.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final

import numpy as np
import polars as pl

from steward.deid.classes import ClassTable, SensitiveCounts
from steward.deid.engine import CLASS_INDEX, CLASS_SIZE, _objects
from steward.deid.errors import DeidError

DEFAULT_MAX_CLASSES: Final = 5_000_000
"""How many aggregated rows (classes, or class and sensitive value pairs) the engine
brings to the driver at most, by default."""

INSTALL_HINT: Final = "install steward[spark] and Java 17"
SESSION_DEFAULTS: Final[Mapping[str, str]] = {
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.caseSensitive": "true",
    # Parquet output keeps times as microseconds (as Polars reads them), not Spark's
    # deprecated INT96.
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}

_POLARS_TYPES: Final[Mapping[str, pl.DataType]] = {
    "long": pl.Int64(),
    "integer": pl.Int32(),
    "short": pl.Int16(),
    "byte": pl.Int8(),
    "double": pl.Float64(),
    "float": pl.Float32(),
    "string": pl.String(),
    "boolean": pl.Boolean(),
    "date": pl.Date(),
    "timestamp": pl.Datetime("us"),
    "timestamp_ntz": pl.Datetime("us"),
    "binary": pl.Binary(),
}


def require_pyspark() -> Any:
    """The ``pyspark.sql`` module.

    Raises:
        DeidError: PySpark is not installed.
    """
    try:
        import pyspark.sql  # the optional extra, imported when first used
    except ImportError:
        raise DeidError(f"the Spark engine needs PySpark: {INSTALL_HINT}") from None
    return pyspark.sql


def spark_session(master: str | None = None, config: Mapping[str, str] | None = None) -> Any:
    """A Spark session on ``master`` (``local[*]`` when not given), created or reused.

    ``config`` adds Spark settings (for example ``spark.sql.shuffle.partitions``); the
    console progress bar is off, times are read in UTC, written to Parquet as
    microseconds, and column names are case-sensitive (as in Polars) unless ``config``
    says otherwise. Spark's log is turned off once the session runs: a failed task's log
    would quote the records it choked on. On a local master, Spark's Python workers run
    this Python (with Steward and Polars) unless ``PYSPARK_PYTHON`` names another.

    Raises:
        DeidError: PySpark is not installed, the master does not answer
            (:func:`check_master`), or Spark cannot start (Java missing or not the right
            version).
    """
    sql = require_pyspark()
    if master is not None:
        check_master(master)
    builder = sql.SparkSession.builder.appName("steward").master(master or "local[*]")
    _use_this_python(master)
    for key, value in {**SESSION_DEFAULTS, **(config or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # PySpark raises several kinds when Java is missing
        if shutil.which("java") is None:
            raise DeidError(f"Spark cannot start: no Java found; {INSTALL_HINT}") from None
        raise DeidError(
            f"Spark cannot start on {master or 'local[*]'}: {_first_line(error)} "
            f"(Spark needs Java 17; {INSTALL_HINT})"
        ) from None
    # Spark's own log prints a failed task's exception, and a parser's exception quotes
    # the record it choked on: personal data on stderr. Steward reports errors itself.
    session.sparkContext.setLogLevel("OFF")
    return session


def _use_this_python(master: str | None) -> None:
    """In local mode, have the Python workers run this very interpreter (the one
    Steward is installed in) unless ``PYSPARK_PYTHON`` says otherwise: PySpark would
    otherwise start whatever ``python3`` is first on the path. On a cluster the workers'
    Python is the cluster's to set (``PYSPARK_PYTHON`` where they run)."""
    if (master or "local").startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


MASTER_TIMEOUT: Final = 5.0
"""Seconds to wait for a standalone master to answer before giving up."""


def check_master(master: str) -> None:
    """Return if a standalone master (``spark://host:port``, or several comma-separated)
    answers on at least one address, or if ``master`` is not a standalone URL (``local``,
    ``yarn``...: Spark checks those itself). Without this, Spark retries for about a
    minute before it reports an unreachable master.

    Raises:
        DeidError: the URL is malformed, or no address answers within
            :data:`MASTER_TIMEOUT` seconds.
    """
    if not master.startswith("spark://"):
        return
    addresses = [part.strip() for part in master.removeprefix("spark://").split(",")]
    reasons = []
    for address in addresses:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise DeidError(f"--master {master!r}: give spark://host:port")
        try:
            with socket.create_connection((host, int(port)), timeout=MASTER_TIMEOUT):
                return
        except OSError as error:
            reasons.append(f"{address}: {error.strerror or type(error).__name__}")
    raise DeidError(f"cannot reach the Spark master ({'; '.join(reasons)})")


class SparkEngine:
    """Aggregates a Spark DataFrame into equivalence classes.

    Args:
        max_classes: the most aggregated rows brought to the driver in one step
            (:data:`DEFAULT_MAX_CLASSES` when ``None``); more is a :class:`DeidError`
            naming the count, not an out-of-memory crash.
    """

    name = "spark"

    def __init__(self, *, max_classes: int | None = None) -> None:
        """Raises: DeidError: ``max_classes`` is below 1."""
        if max_classes is None:
            max_classes = DEFAULT_MAX_CLASSES
        if max_classes < 1:
            raise DeidError(f"max_classes must be at least 1, not {max_classes}")
        self.max_classes = max_classes

    def classes(
        self,
        table: Any,
        qi: Sequence[str],
        sensitive: Sequence[str] = (),
        *,
        keep_values: bool = True,
    ) -> ClassTable:
        """Group ``table`` by ``qi`` in Spark; nulls form their own values.

        The result equals :meth:`PolarsEngine.classes` on the same records: with
        ``keep_values`` the classes are ordered by their values (nulls first) and carry
        them; without, their order is unspecified.

        Raises:
            DeidError: more aggregated rows than ``max_classes`` would reach the driver.
        """
        functions = require_pyspark().functions
        keys = list(qi)
        if not keys:
            total = int(table.count())
            return ClassTable((), np.array([total] if total else [], dtype=np.int64))
        size = functions.count(functions.lit(1)).alias(CLASS_SIZE)
        grouped = self._collect(table.groupBy(*map(_column, keys)).agg(size), "classes")
        if keep_values:
            grouped = grouped.sort(keys, nulls_last=False)
        grouped = grouped.with_row_index(CLASS_INDEX)
        sizes = grouped[CLASS_SIZE].to_numpy().astype(np.int64)
        values = {name: _objects(grouped[name]) for name in keys} if keep_values else {}
        index = grouped.select([CLASS_INDEX, *keys])
        distributions: dict[str, SensitiveCounts] = {}
        for column in sensitive:
            pairs = table.groupBy(*map(_column, [*keys, column])).agg(size)
            long = (
                self._collect(pairs, f"class and '{column}' value pairs")
                .join(index, on=keys, how="inner", nulls_equal=True)
                .select([CLASS_INDEX, column, CLASS_SIZE])
            )
            if keep_values:
                long = long.sort([CLASS_INDEX, column], nulls_last=False)
            distributions[column] = SensitiveCounts(
                long[CLASS_INDEX].to_numpy().astype(np.int64),
                _objects(long[column]),
                long[CLASS_SIZE].to_numpy().astype(np.int64),
            )
        return ClassTable(tuple(keys), sizes, values, distributions)

    def with_class_size(self, table: Any, qi: Sequence[str], column: str) -> Any:
        """``table`` with each record's class size in ``column`` (a lazy Spark plan)."""
        functions = require_pyspark().functions
        size = functions.count(functions.lit(1))
        if not qi:
            return table.crossJoin(table.agg(size.alias(column)))
        window = require_pyspark().Window.partitionBy(*map(_column, qi))
        return table.withColumn(column, size.over(window))

    def tuples(self, table: Any, columns: Sequence[str], count: str) -> pl.DataFrame:
        """The distinct tuples of ``columns`` in ``table`` (nulls are values), each with
        how many records hold it in ``count``, on the driver as a Polars table typed as
        Polars reads the same file, in no particular order.

        Raises:
            DeidError: more tuples than ``max_classes`` would reach the driver.
        """
        functions = require_pyspark().functions
        size = functions.count(functions.lit(1)).alias(count)
        grouped = table.groupBy(*map(_column, columns)).agg(size)
        return self._collect(grouped, "distinct quasi-identifier tuples")

    def _collect(self, frame: Any, what: str) -> pl.DataFrame:
        """``frame`` (aggregated) on the driver as a Polars table, after checking its size.

        Raises:
            DeidError: it has more rows than ``max_classes``, or Spark's own limit on
                what the driver receives is reached.
        """
        with persisted(frame) as cached:
            count = int(cached.count())
            if count > self.max_classes:
                raise DeidError(
                    f"{count:,} {what} would be brought to the Spark driver, more than "
                    f"the limit of {self.max_classes:,}; use fewer or coarser "
                    "quasi-identifiers, or raise the limit (--max-classes, or max_classes "
                    "in a request) on a driver with the memory for it"
                )
            try:
                return to_polars(cached)
            except Exception as error:
                if "maxResultSize" in str(error):
                    raise DeidError(
                        f"the {count:,} {what} are larger than the Spark driver may receive "
                        "(spark.driver.maxResultSize); raise it, or use fewer or coarser "
                        "quasi-identifiers"
                    ) from None
                raise


def spark_head(frame: Any, rows: int) -> pl.DataFrame:
    """The first ``rows`` rows of a Spark DataFrame, on the driver as a Polars table with
    the matching types (what a scan of a sample reads).

    Raises:
        DeidError: ``rows`` is below 1.
    """
    if rows < 1:
        raise DeidError(f"rows must be at least 1, not {rows}")
    return to_polars(frame.limit(rows))


@contextmanager
def persisted(frame: Any) -> Iterator[Any]:
    """``frame`` cached while the block runs (in memory, spilling to the workers' local
    disk), so that two actions on it compute it once; released when the block ends."""
    cached = frame.persist()
    try:
        yield cached
    finally:
        cached.unpersist()


def to_polars(frame: Any) -> pl.DataFrame:
    """A small Spark DataFrame collected as a Polars table with the matching types.

    The rows travel as Arrow batches (about nine times as fast as Spark's row objects,
    and without a Python object per value); a column type Spark cannot send as Arrow
    falls back to rows. Timestamps (instants) travel as microseconds since the epoch,
    so their values do not depend on the driver's time zone; they arrive as Polars
    datetimes in UTC.
    """
    functions = require_pyspark().functions
    fields = list(frame.schema.fields)
    exprs = [
        functions.unix_micros(_column(field.name)).alias(field.name)
        if field.dataType.typeName() == "timestamp"
        else _column(field.name)
        for field in fields
    ]
    selected = frame.select(*exprs)
    try:
        collected = _arrow_collect(selected)
    except TypeError:  # a type without an Arrow form (Spark says which)
        collected = _rows_collect(selected, fields)
    return collected.with_columns(
        [
            pl.col(field.name).cast(dtype)
            for field in fields
            if (dtype := _polars_type(field)) is not None
        ]
    )


def _polars_type(field: Any) -> pl.DataType | None:
    """The Polars type a Spark column arrives as (``None``: as Polars reads it)."""
    kind = field.dataType.typeName()
    if kind == "timestamp":
        return pl.Datetime("us")
    if kind == "decimal":
        return pl.Decimal(field.dataType.precision, field.dataType.scale)
    return _POLARS_TYPES.get(kind)


def _arrow_collect(frame: Any) -> pl.DataFrame:
    """``frame``'s rows on the driver through Arrow batches.

    Raises:
        TypeError: a column's type has no Arrow form.
    """
    import pyarrow as pa  # the steward[spark] extra
    from pyspark.sql.pandas.types import to_arrow_schema

    schema = to_arrow_schema(frame.schema)
    batches = frame._collect_as_arrow()  # PySpark 3.5's (toArrow from 4.0)
    table = pa.Table.from_batches(batches) if batches else schema.empty_table()
    collected = pl.from_arrow(table)
    assert isinstance(collected, pl.DataFrame)
    return collected


def _rows_collect(frame: Any, fields: list[Any]) -> pl.DataFrame:
    """``frame``'s rows on the driver as Spark's row objects (slower; any type)."""
    rows = frame.collect()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in fields]
    series = []
    for field, values in zip(fields, columns, strict=True):
        kind = field.dataType.typeName()
        dtype = pl.Int64() if kind == "timestamp" else _polars_type(field)
        series.append(pl.Series(field.name, list(values), dtype=dtype, strict=False))
    return pl.DataFrame(series)


def _column(name: str) -> Any:
    """The column ``name`` as Spark reads it literally (dots and backticks included)."""
    functions = require_pyspark().functions
    return functions.col("`" + name.replace("`", "``") + "`")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
