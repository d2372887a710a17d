"""``run_risk`` on the Spark engine (``RiskRequest(engine="spark")``).

Spark reads the source (and the population file), aggregates the classes and, for the
per-record output, counts each record's class and writes the records back out; the
figures are measured on the driver by the same code as on Polars, so the report is the
Polars engine's. As there, quasi-identifiers are compared as text when a population
file is given (a CSV sample matches a typed Parquet population). The per-record output
is a folder of part files (:func:`~steward.deid.io_spark.write_table_spark`).

Importing this module imports PySpark: :func:`~steward.deid.requests.risk.run_risk`
imports it only for a Spark request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from steward.deid.classes import ClassTable
from steward.deid.engine_spark import SparkEngine, _column, require_pyspark, spark_session
from steward.deid.errors import DataFileError, DeidError
from steward.deid.io_spark import (
    check_output_spark,
    read_table_spark,
    spark_problem,
    write_table_spark,
)
from steward.deid.requests.measuring import RiskRequest
from steward.deid.requests.risk import RISK_COLUMN, SIZE_COLUMN, RiskResult, measure_request


def run_risk_spark(request: RiskRequest, step: Callable[[str], None]) -> RiskResult:
    """Carry out a validated Spark ``request``: the report, and the per-record folder if
    asked. ``step`` is told each long step as it starts.

    Raises:
        DeidError: Spark cannot start, too many classes would reach the driver, the
            population is smaller than the sample, or the source already has a
            ``reid_risk`` column.
        DataFileError: a file cannot be read or lacks a column, or the per-record output
            cannot be written.
    """
    file = Path(str(request.source))
    qi = list(request.qi)
    out = request.per_record
    step(f"Starting Spark on {request.master or 'local[*]'}...")
    session = spark_session(request.master)
    frame = _read(file, request, session)
    _require(frame, [*qi, *request.sensitive], file)
    if out is not None:
        if RISK_COLUMN in frame.columns:
            raise DeidError(f"{file}: already has a column named {RISK_COLUMN!r}")
        check_output_spark(out)
    engine = SparkEngine(max_classes=request.max_classes)
    grouped, population = frame, _population(request, engine, session, step)
    if request.population_file is not None:
        grouped = _as_text(frame, qi)
    # Class values are needed only to match a population or to print small cells.
    keep_values = request.show_values or request.population_file is not None
    step(f"Grouping {file.name} by {len(qi)} quasi-identifiers on Spark...")
    classes = _classes(engine, grouped, qi, request.sensitive, file, keep_values)
    report = measure_request(request, classes, population)
    if out is not None:
        step(f"Writing per-record risk to {out.name} on Spark...")
        functions = require_pyspark().functions
        with_risk = (
            engine.with_class_size(frame, qi, SIZE_COLUMN)
            .withColumn(RISK_COLUMN, functions.lit(1.0) / _column(SIZE_COLUMN))
            .drop(SIZE_COLUMN)
        )
        write_table_spark(with_risk, out)
    return RiskResult(report, out)


def _read(file: Path, request: RiskRequest, session: Any) -> Any:
    return read_table_spark(
        file, session=session, delimiter=request.delimiter, encoding=request.encoding
    )


def _require(frame: Any, wanted: Sequence[str], file: Path) -> None:
    """Raise unless ``frame`` has every column in ``wanted``.

    Raises:
        DataFileError: naming the missing columns and listing those there.
    """
    missing = [name for name in wanted if name not in frame.columns]
    if missing:
        raise DataFileError(
            f"{file}: no column {', '.join(repr(m) for m in missing)}; "
            f"the columns are {', '.join(frame.columns)}"
        )


def _as_text(frame: Any, qi: Sequence[str]) -> Any:
    """``frame`` with its quasi-identifiers cast to text."""
    return frame.withColumns({name: _column(name).cast("string") for name in qi})


def _population(
    request: RiskRequest, engine: SparkEngine, session: Any, step: Callable[[str], None]
) -> ClassTable | int | None:
    """The population's classes (from ``population_file``, read by Spark), its size, or
    ``None``."""
    file = request.population_file
    if file is None:
        return request.population
    qi = list(request.qi)
    people = _read(file, request, session)
    _require(people, qi, file)
    step(f"Grouping {file.name} by {len(qi)} quasi-identifiers on Spark...")
    return _classes(engine, _as_text(people, qi), qi, (), file, True)


def _classes(
    engine: SparkEngine,
    frame: Any,
    qi: Sequence[str],
    sensitive: Sequence[str],
    file: Path,
    keep_values: bool,
) -> ClassTable:
    try:
        return engine.classes(frame, qi, sensitive, keep_values=keep_values)
    except (DeidError, DataFileError):
        raise
    except Exception as error:  # the job failed on the data (a remote file in FAILFAST)
        raise DataFileError(f"{file}: cannot be read: {spark_problem(error)}") from None
