"""The tables of a request: opening its source and writing its output, with Polars."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from steward.deid.errors import DataFileError
from steward.deid.io import PARQUET_SUFFIXES, first_line, read_table

if TYPE_CHECKING:
    from steward.deid.requests.sources import Source


def open_source(
    source: Source | str, *, delimiter: str | None = None, encoding: str | None = None
) -> pl.LazyFrame:
    """``source`` as a lazy table: a file opened by :func:`~steward.deid.io.read_table`
    (a CSV file is checked whole, nothing else is read yet), or the table as it is.

    The table is meant to be opened once per request and its scan reused by every pass.

    Raises:
        DataFileError: the file is missing, of an unknown format, or malformed.
    """
    if isinstance(source, pl.LazyFrame):
        return source
    return read_table(source, delimiter=delimiter, encoding=encoding)


def write_table(table: pl.DataFrame, out: Path) -> None:
    """Write ``table`` to ``out``: Parquet for .parquet/.pq, tab-separated for .tsv,
    else comma-separated. A missing folder of ``out`` is made first.

    Raises:
        DataFileError: the file cannot be written (no permission, no room, a file where
            a folder should be).
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        suffix = out.suffix.lower()
        if suffix in PARQUET_SUFFIXES:
            table.write_parquet(out)
        else:
            table.write_csv(out, separator="\t" if suffix == ".tsv" else ",")
    except OSError as error:
        raise DataFileError(f"{out}: cannot be written ({error.strerror})") from None


def sink_table(table: pl.LazyFrame, out: Path, source: str) -> None:
    """Stream ``table`` to ``out`` (formats as :func:`write_table`) with Polars's
    streaming engine, so a table larger than memory is written in bounded memory.

    The file is written under a temporary name in its folder (made if missing) and
    renamed into place when complete: a failed run leaves no half-written output, and
    an earlier output stays as it was.

    Raises:
        DataFileError: ``source`` cannot be read (naming it), or ``out`` cannot be
            written.
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataFileError(f"{out}: cannot be written ({error.strerror})") from None
    temp = out.with_name(f".{out.stem}.{secrets.token_hex(4)}.tmp{out.suffix}")
    suffix = out.suffix.lower()
    try:
        if suffix in PARQUET_SUFFIXES:
            table.sink_parquet(temp)
        else:
            table.sink_csv(temp, separator="\t" if suffix == ".tsv" else ",")
        os.replace(temp, out)
    except OSError as error:
        raise DataFileError(f"{out}: cannot be written ({error.strerror})") from None
    except pl.exceptions.PolarsError as error:
        raise DataFileError(f"{source}: cannot be read: {first_line(error)}") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
