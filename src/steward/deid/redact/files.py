"""Redact text columns of a data file, file to file.

Every other column passes through unchanged and the row order is kept. The output is
written under a temporary name in its folder and renamed into place only when
complete, so a failed run never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from steward.deid.errors import DataFileError
from steward.deid.io import JSONL_SUFFIXES, PARQUET_SUFFIXES, collect, read_table, require_columns
from steward.deid.redact.text import check_region, redact_series, resolve_kinds
from steward.deid.requests.transforming import RedactRequest


@dataclass(frozen=True)
class FileRedaction:
    """What a file redaction did: rows written, and spans redacted per column and kind."""

    out: Path
    rows: int
    kinds: tuple[str, ...]
    spans: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Spans redacted in all columns."""
        return sum(sum(per_kind.values()) for per_kind in self.spans.values())


def redact_file(
    source: Path,
    out: Path,
    columns: Sequence[str],
    *,
    kinds: Sequence[str] | None = None,
    region: str = "US",
    delimiter: str | None = None,
    encoding: str | None = None,
) -> FileRedaction:
    """:func:`run_redact` of the :class:`~steward.deid.requests.transforming.RedactRequest`
    these arguments make.

    Raises:
        The errors of :func:`run_redact`.
    """
    request = RedactRequest(
        Path(source),
        Path(out),
        tuple(columns),
        kinds=None if kinds is None else tuple(kinds),
        region=region,
        delimiter=delimiter,
        encoding=encoding,
    )
    return run_redact(request)


def run_redact(request: RedactRequest) -> FileRedaction:
    """Redact the request's columns of its source (CSV, Parquet or JSON Lines) and write
    its output, whose suffix chooses the format (.csv/.tsv, .parquet, .jsonl).

    Raises:
        DataFileError: the input cannot be read, a column does not exist, or the output
            cannot be written.
        DeidError: the request is invalid (:meth:`RedactRequest.validate`: no column, an
            unknown kind or region, an unknown output format, a missing output folder,
            or the output would overwrite the input), or a column is not text.
    """
    request.validate()
    names = request.column_names
    wanted = resolve_kinds(request.kinds)
    region = check_region(request.region)
    source, out = request.source, request.out
    frame = read_table(source, delimiter=request.delimiter, encoding=request.encoding)
    require_columns(frame, names, source)
    table = collect(frame, source)
    spans: dict[str, dict[str, int]] = {}
    redacted = []
    for name in dict.fromkeys(names):
        tally: dict[str, int] = {}
        redacted.append(redact_series(table.get_column(name), wanted, region, tally=tally))
        spans[name] = tally
    result = table.with_columns(redacted)
    _write_atomically(result, out)
    return FileRedaction(out, result.height, wanted, spans)


def _write_atomically(table: pl.DataFrame, out: Path) -> None:
    suffix = out.suffix.lower()
    temp = out.with_name(f".{out.stem}.{secrets.token_hex(4)}.tmp{out.suffix}")
    try:
        if suffix in PARQUET_SUFFIXES:
            table.write_parquet(temp)
        elif suffix in JSONL_SUFFIXES:
            table.write_ndjson(temp)
        else:
            table.write_csv(temp, separator="\t" if suffix == ".tsv" else ",")
        os.replace(temp, out)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise DataFileError(f"{out}: cannot be written ({error.strerror})") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
