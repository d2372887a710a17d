"""``run_anonymize``: carry out an :class:`~steward.deid.requests.transforming.AnonymizeRequest`."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import cast

import polars as pl

from steward.deid.errors import DataFileError
from steward.deid.io import collect, column_names, first_line
from steward.deid.requests.measuring import SPARK
from steward.deid.requests.sources import source_file, source_label, source_name
from steward.deid.requests.tables import open_source, sink_table
from steward.deid.requests.transforming import AnonymizeRequest
from steward.deid.search import (
    Anonymization,
    MetricName,
    Settings,
    UsedHierarchy,
    hierarchies_for,
    write_hierarchies,
)
from steward.deid.search.anonymize import solve
from steward.deid.search.encode import distinct_tuples


def run_anonymize(
    request: AnonymizeRequest,
    *,
    stage: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Anonymization:
    """Find the optimal generalization of the request's source, apply it, and write the
    output and the HTML report where the request says; with an output, every hierarchy
    used is written beside it as an ARX file (``<column>_hierarchy.csv``), to review and
    pass back. The result says where each hierarchy came from and where it was written.

    The source is read as a stream twice: once to aggregate its distinct
    quasi-identifier tuples (all the search needs), once to write the output. With an
    output the result is streamed to it and the returned ``table`` is ``None``; without
    one the table is returned in memory. With ``engine="spark"``, Spark aggregates the
    tuples and writes the output (:mod:`.anonymize_spark`); the search is the same.

    ``stage`` is told, as each long step starts, what it is; ``progress`` is called with
    (nodes examined, nodes in the lattice) during the search (for progress displays).

    Raises:
        DeidError: the request is invalid (:meth:`AnonymizeRequest.validate`) or its
            settings do not fit the table (:meth:`Settings.check
            <steward.deid.search.Settings.check>`); a hierarchy is missing or lacks
            values; no generalization meets the privacy model within the limit.
        DataFileError: the source cannot be read, or the output cannot be written.
    """
    request.validate()
    if request.engine == SPARK:
        from steward.deid.requests.anonymize_spark import run_anonymize_spark

        return run_anonymize_spark(request, stage=stage, progress=progress)
    step = stage or _quiet
    settings = settings_of(request)
    label = source_label(request.source)
    frame = open_source(request.source, delimiter=request.delimiter, encoding=request.encoding)
    columns = tuple(column_names(frame))
    settings.check(columns)
    step(f"reading {source_name(request.source)} and choosing hierarchies")
    start = time.perf_counter()
    tuples = _tuples(frame, settings, label)
    aggregated = time.perf_counter() - start
    used = chosen_hierarchies(request, tuples)
    coded = {column: chosen.hierarchy for column, chosen in used.items()}
    step("searching the generalization lattice (nodes)")
    result = solve(tuples, settings, coded, progress=progress)
    result = replace(result, encode_seconds=result.encode_seconds + aggregated, columns=columns)
    output = result.recoding.apply(frame)
    written: dict[str, Path] = {}
    if request.out is not None:
        step(f"writing {request.out.name}")
        sink_table(output, request.out, label)
        written = write_hierarchies(used, request.out.parent)
    else:
        result = replace(result, table=collect(output, label))
    return finish(request, result, settings, used, written)


def finish(
    request: AnonymizeRequest,
    result: Anonymization,
    settings: Settings,
    used: dict[str, UsedHierarchy],
    written: dict[str, Path],
) -> Anonymization:
    """``result`` with the hierarchies used and written, after writing the request's
    report (if it asks for one: HTML, or PDF when its name ends in ``.pdf``), which
    names the source file and its SHA-256.

    Raises:
        DeidError: the report cannot be written (or laid out as PDF).
    """
    result = replace(result, hierarchies=used, hierarchy_files=written)
    if request.report is not None:
        from steward.deid.report import write  # loads matplotlib: only when asked

        write(
            request.report,
            result,
            settings,
            source_name(request.source),
            input_file=source_file(request.source),
        )
    return result


def _quiet(stage: str) -> None:
    """No progress display."""


def _tuples(frame: pl.LazyFrame, settings: Settings, label: str) -> pl.DataFrame:
    try:
        return distinct_tuples(frame, settings.qi, settings.sensitive)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise DataFileError(f"{label}: cannot be read: {first_line(error)}") from None


def settings_of(request: AnonymizeRequest) -> Settings:
    """The privacy settings the request asks the search to meet (not yet checked)."""
    return Settings(
        qi=request.qi,
        k=request.k,
        max_suppression=request.max_suppression,
        sensitive=request.sensitive,
        l=request.l,
        t=request.t,
        metric=cast(MetricName, request.metric),
        search=request.search,
    )


def chosen_hierarchies(request: AnonymizeRequest, tuples: pl.DataFrame) -> dict[str, UsedHierarchy]:
    """The hierarchies given (as coded hierarchies), or for each quasi-identifier its ARX
    file in the folder given (by default the source's folder), else a built-in chosen
    from its distinct values (the ``tuples``) and the scan's finding
    (:func:`hierarchies_for`).

    Raises:
        DeidError: as :func:`hierarchies_for`.
    """
    given = request.hierarchies
    if isinstance(given, Mapping):
        return {
            column: UsedHierarchy(column, hierarchy, "file", "given")
            for column, hierarchy in given.items()
        }
    file = source_file(request.source)
    folder = given if given is not None else file.parent if file is not None else None
    return hierarchies_for(tuples, request.qi, folder)
