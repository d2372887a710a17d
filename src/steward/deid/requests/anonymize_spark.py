"""``run_anonymize`` on the Spark engine: Spark reads the source, aggregates its
distinct quasi-identifier tuples and writes the output; the search runs on the driver
over the tuples, as on Polars, so both engines choose the same generalization and write
the same rows.

The output is a folder of part files (:func:`~steward.deid.io_spark.write_table_spark`);
the hierarchies used are written beside it, as on Polars.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from steward.deid.engine_spark import SparkEngine, spark_session, to_polars
from steward.deid.errors import DataFileError, DeidError
from steward.deid.io_spark import (
    check_output_spark,
    read_table_spark,
    spark_problem,
    write_table_spark,
)
from steward.deid.requests.anonymize import chosen_hierarchies, finish, settings_of
from steward.deid.requests.transforming import AnonymizeRequest
from steward.deid.search import Anonymization, write_hierarchies
from steward.deid.search.anonymize import solve
from steward.deid.search.encode import COUNT
from steward.deid.spark_batches import map_polars


def run_anonymize_spark(
    request: AnonymizeRequest,
    *,
    stage: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Anonymization:
    """:func:`~steward.deid.run_anonymize` with Spark reading, aggregating and writing
    (on ``request.master``, or in local mode). With an output the returned ``table`` is
    ``None``; without one the generalized table is brought to the driver.

    Raises:
        DeidError: as ``run_anonymize``; Spark cannot start or reach its master; more
            distinct tuples than the driver may take (:class:`SparkEngine`'s limit).
        DataFileError: the source cannot be read, or the output cannot be written.
    """
    step = stage or _quiet
    settings = settings_of(request)
    file = Path(str(request.source))
    if request.out is not None:
        try:  # as on Polars, a missing folder for the output is made
            request.out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DataFileError(f"{request.out}: cannot be written ({error.strerror})") from None
        check_output_spark(request.out)
    step(f"starting Spark on {request.master or 'local[*]'}")
    session = spark_session(request.master)
    frame = read_table_spark(
        file, session=session, delimiter=request.delimiter, encoding=request.encoding
    )
    columns = tuple(frame.columns)
    settings.check(columns)
    step(f"reading {file.name} on Spark and choosing hierarchies")
    keys = [*settings.qi, *([settings.sensitive] if settings.sensitive else [])]
    start = time.perf_counter()
    try:
        tuples = SparkEngine(max_classes=request.max_classes).tuples(frame, keys, COUNT)
    except DeidError:
        raise
    except Exception as error:  # the job failed on the data (a malformed record)
        raise DataFileError(f"{file}: cannot be read: {spark_problem(error)}") from None
    aggregated = time.perf_counter() - start
    used = chosen_hierarchies(request, tuples)
    coded = {column: chosen.hierarchy for column, chosen in used.items()}
    step("searching the generalization lattice (nodes)")
    result = solve(tuples, settings, coded, progress=progress)
    result = replace(result, encode_seconds=result.encode_seconds + aggregated, columns=columns)
    output = map_polars(frame, result.recoding.apply)
    written: dict[str, Path] = {}
    if request.out is not None:
        step(f"writing {request.out.name} on Spark")
        write_table_spark(output, request.out)
        written = write_hierarchies(used, request.out.parent)
    else:
        try:
            result = replace(result, table=to_polars(output))
        except Exception as error:
            raise DataFileError(f"{file}: cannot be read: {spark_problem(error)}") from None
    return finish(request, result, settings, used, written)


def _quiet(stage: str) -> None:
    """No progress display."""
