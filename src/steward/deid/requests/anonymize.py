"""``run_anonymize``: carry out an :class:`~steward.deid.requests.transforming.AnonymizeRequest`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import cast

import polars as pl

from steward.deid.io import collect, column_names
from steward.deid.requests.sources import source_file, source_label, source_name
from steward.deid.requests.tables import open_source, write_table
from steward.deid.requests.transforming import AnonymizeRequest
from steward.deid.search import (
    Anonymization,
    MetricName,
    Settings,
    UsedHierarchy,
    anonymize,
    hierarchies_for,
    write_hierarchies,
)


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
    settings = settings_of(request)
    label = source_label(request.source)
    frame = open_source(request.source, delimiter=request.delimiter, encoding=request.encoding)
    settings.check(column_names(frame))
    if stage is not None:
        stage(f"reading {source_name(request.source)} and choosing hierarchies")
    table = collect(frame, label)
    used = _hierarchies(request, table)
    coded = {column: chosen.hierarchy for column, chosen in used.items()}
    if stage is not None:
        stage("searching the generalization lattice (nodes)")
    result = anonymize(table, settings, coded, progress=progress)
    written: dict[str, Path] = {}
    if request.out is not None:
        write_table(result.table, request.out)
        written = write_hierarchies(used, request.out.parent)
    result = replace(result, hierarchies=used, hierarchy_files=written)
    if request.report is not None:
        from steward.deid.report import write  # loads matplotlib: only when asked

        write(request.report, result, settings, source_name(request.source))
    return result


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


def _hierarchies(request: AnonymizeRequest, table: pl.DataFrame) -> dict[str, UsedHierarchy]:
    """The hierarchies given (as coded hierarchies), or for each quasi-identifier its ARX
    file in the folder given (by default the source's folder), else a built-in chosen
    from its values and the scan's finding (:func:`hierarchies_for`)."""
    given = request.hierarchies
    if isinstance(given, Mapping):
        return {
            column: UsedHierarchy(column, hierarchy, "file", "given")
            for column, hierarchy in given.items()
        }
    file = source_file(request.source)
    folder = given if given is not None else file.parent if file is not None else None
    return hierarchies_for(table, request.qi, folder)
