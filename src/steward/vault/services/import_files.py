"""Reading a CSV or Parquet file of table rows, as text, with its SHA-256.

Every value is read as text (what a form would send): numbers as written, Parquet
booleans as ``yes``/``no``, dates as ``YYYY-MM-DD``, empty cells as missing. What the
values mean is decided later by the plan's rules, never here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from steward.errors import StewardError

FORMATS: Final = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_CHUNK: Final = 1 << 20


class ImportFileError(StewardError):
    """The file cannot be read as rows (missing, empty, not CSV or Parquet); says why."""


@dataclass(frozen=True)
class ImportFile:
    """A file's rows as text (``None`` for an empty cell), in file order, and its digest."""

    name: str
    file_format: str
    sha256: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, str | None], ...]


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes, in hex, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_import_file(path: Path) -> ImportFile:
    """Read ``path`` (``.csv`` with a header line, or ``.parquet``) as rows of text.

    Raises:
        ImportFileError: the file is missing, empty, of another kind, or cannot be
            read as that kind (the message names the file, never a value).
    """
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ImportFileError(
            f"{path.name}: give a .csv file (with a header line) or a .parquet file"
        )
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise ImportFileError(f"{path.name}: the file is empty")
    try:
        frame = _read_csv(path) if kind == "csv" else _read_parquet(path)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError, ValueError) as error:
        what = "a CSV file (UTF-8, comma-separated, with a header line)"
        if kind == "parquet":
            what = "a Parquet file"
        raise ImportFileError(
            f"{path.name} cannot be read as {what}: {type(error).__name__}"
        ) from None
    columns = tuple(frame.columns)
    rows = tuple(frame.iter_rows(named=True))
    return ImportFile(path.name, kind, file_sha256(path), columns, rows)


def _read_csv(path: Path) -> pl.DataFrame:
    if b"\x00" in path.read_bytes()[:_CHUNK]:
        raise ValueError("binary content")
    return pl.read_csv(path, infer_schema=False, encoding="utf8", raise_if_empty=True)


def _read_parquet(path: Path) -> pl.DataFrame:
    frame = pl.read_parquet(path)
    return frame.with_columns(
        pl.when(pl.col(name).is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col(name))
        .then(pl.lit("yes"))
        .otherwise(pl.lit("no"))
        .alias(name)
        if dtype == pl.Boolean
        else pl.col(name).cast(pl.String)
        for name, dtype in frame.schema.items()
    )
