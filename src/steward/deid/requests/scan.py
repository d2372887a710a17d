"""``run_scan``: carry out a :class:`~steward.deid.requests.measuring.ScanRequest`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from steward.deid.errors import DataFileError, DeidError
from steward.deid.io import read_table
from steward.deid.requests.measuring import SPARK, ScanRequest
from steward.deid.scan import ScanReport, masked_examples, scan_frame
from steward.deid.scan.scan import head_rows, read_head

EXAMPLE_ROWS: Final = 50
"""Masked examples are taken from the file's first rows only."""


@dataclass(frozen=True)
class ScanResult:
    """What a scan request produced: the report, and masked examples if asked."""

    report: ScanReport
    examples: dict[str, list[str]] | None = None


def run_scan(request: ScanRequest) -> ScanResult:
    """Scan the request's file: the kinds of personal data in each column, with evidence
    and a suggested role; with ``show_examples``, up to 3 masked values per flagged
    column. The file's first rows are read once, for both (by Spark with
    ``engine="spark"``: the same rows, so the same report).

    Raises:
        DeidError: the request is invalid (:meth:`ScanRequest.validate`).
        DataFileError: the file cannot be read as a table.
    """
    request.validate()
    if request.engine == SPARK:
        head = _spark_head(request)
    else:
        frame = read_table(request.source, delimiter=request.delimiter, encoding=request.encoding)
        head = read_head(frame, request.source, request.sample)
    report = scan_frame(
        head, source=str(request.source), sample=request.sample, region=request.region_code
    )
    if not request.show_examples:
        return ScanResult(report)
    return ScanResult(report, masked_examples(head.head(EXAMPLE_ROWS), report))


def _spark_head(request: ScanRequest) -> pl.DataFrame:
    """The rows a scan reads, read by Spark (on ``request.master``) and brought to the
    driver; the scan itself then runs on them as on Polars."""
    from steward.deid.engine_spark import spark_head, spark_session  # the optional extra
    from steward.deid.io_spark import read_table_spark, spark_problem

    session = spark_session(request.master)
    frame = read_table_spark(
        request.source, session=session, delimiter=request.delimiter, encoding=request.encoding
    )
    try:
        return spark_head(frame, head_rows(request.sample))
    except DeidError:
        raise
    except Exception as error:  # the job failed on the data (a remote file in FAILFAST)
        raise DataFileError(f"{request.source}: cannot be read: {spark_problem(error)}") from None
