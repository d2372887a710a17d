"""``run_risk``: carry out a :class:`~steward.deid.requests.measuring.RiskRequest`.

The source is opened once; its lazy scan is grouped into classes and, for the
per-record output, scanned again by the same query plan (never re-opened or re-checked).
The Spark engine's path is :mod:`steward.deid.requests.risk_spark`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from steward.deid.classes import ClassTable
from steward.deid.engine import PolarsEngine
from steward.deid.errors import DataFileError, DeidError
from steward.deid.io import column_names, first_line, read_table, require_columns
from steward.deid.requests.measuring import SPARK, RiskRequest
from steward.deid.requests.sources import source_label, source_name
from steward.deid.requests.tables import open_source
from steward.deid.risk import RiskReport, measure_risk

RISK_COLUMN: Final = "reid_risk"
"""The column ``per_record`` adds: each record's prosecutor risk, ``1 / class size``."""
SIZE_COLUMN: Final = "__steward_class_size"
"""The class size column, added while ``reid_risk`` is computed and then dropped."""


@dataclass(frozen=True)
class RiskResult:
    """What a risk request produced: the report, and where the per-record risks went."""

    report: RiskReport
    per_record: Path | None = None


def run_risk(request: RiskRequest, *, stage: Callable[[str], None] | None = None) -> RiskResult:
    """Measure k-anonymity, l-diversity, t-closeness, uniqueness and re-identification
    risk of the request's source, and write the per-record risks if asked.

    ``stage`` is told, as each long step starts, what it is (for a progress display).

    Raises:
        DeidError: the request is invalid (:meth:`RiskRequest.validate`), the population
            is smaller than the sample, a sensitive column forced to be ordered holds
            non-numbers, or the source already has a ``reid_risk`` column.
        DataFileError: a file cannot be read, lacks a column, or the per-record output
            cannot be written (a file on Polars; on Spark a folder of part files).
    """
    request.validate()
    step = stage or _quiet
    if request.engine == SPARK:
        from steward.deid.requests.risk_spark import run_risk_spark  # imports PySpark

        return run_risk_spark(request, step)
    qi, label = list(request.qi), source_label(request.source)
    table = open_source(request.source, delimiter=request.delimiter, encoding=request.encoding)
    require_columns(table, [*qi, *request.sensitive], label)
    if request.per_record is not None and RISK_COLUMN in column_names(table):
        raise DeidError(f"{label}: already has a column named {RISK_COLUMN!r}")
    engine = PolarsEngine()
    grouped, population = table, _population(request, engine, step)
    if request.population_file is not None:
        # Compare values as text, so a CSV sample matches a typed Parquet population.
        grouped = table.with_columns(pl.col(qi).cast(pl.String))
    # Class values are needed only to match a population or to print small cells.
    keep_values = request.show_values or request.population_file is not None
    step(f"Grouping {source_name(request.source)} by {len(qi)} quasi-identifiers...")
    classes = _classes(engine, grouped, qi, request.sensitive, label, keep_values)
    report = measure_request(request, classes, population)
    if request.per_record is not None:
        step(f"Writing per-record risk to {request.per_record.name}...")
        _write_per_record(engine, table, qi, request.per_record)
    return RiskResult(report, request.per_record)


def measure_request(
    request: RiskRequest, classes: ClassTable, population: ClassTable | int | None
) -> RiskReport:
    """The figures of ``classes`` under the request's k, threshold and orderings."""
    ordered = dict.fromkeys(request.numeric, True) | dict.fromkeys(request.categorical, False)
    return measure_risk(
        classes,
        k=request.k,
        population=population,
        threshold=request.threshold,
        ordered=ordered,
        show_values=request.show_values,
    )


def _quiet(stage: str) -> None:
    """No progress display."""


def _population(
    request: RiskRequest, engine: PolarsEngine, step: Callable[[str], None]
) -> ClassTable | int | None:
    """The population's classes (from ``population_file``), its size, or ``None``."""
    file = request.population_file
    if file is None:
        return request.population
    qi = list(request.qi)
    people = read_table(file, delimiter=request.delimiter, encoding=request.encoding)
    require_columns(people, qi, file)
    step(f"Grouping {file.name} by {len(qi)} quasi-identifiers...")
    as_text = people.with_columns(pl.col(qi).cast(pl.String))
    return _classes(engine, as_text, qi, (), str(file), True)


def _classes(
    engine: PolarsEngine,
    table: pl.LazyFrame,
    qi: list[str],
    sensitive: Sequence[str],
    label: str,
    keep_values: bool,
) -> ClassTable:
    try:
        return engine.classes(table, qi, sensitive, keep_values=keep_values)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise DataFileError(f"{label}: cannot be read: {first_line(error)}") from None


def _write_per_record(engine: PolarsEngine, table: pl.LazyFrame, qi: list[str], out: Path) -> None:
    try:
        with_risk = (
            engine.with_class_size(table, qi, SIZE_COLUMN)  # reads the table once here
            .with_columns((1.0 / pl.col(SIZE_COLUMN)).alias(RISK_COLUMN))
            .drop(SIZE_COLUMN)
        )
        if out.suffix.lower() == ".parquet":
            with_risk.sink_parquet(out)
        else:
            with_risk.sink_csv(out)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise DataFileError(f"{out}: cannot be written: {first_line(error)}") from None
