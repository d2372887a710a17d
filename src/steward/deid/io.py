"""Reading tables: CSV (any delimiter), Parquet and JSON Lines, lazily, with clear errors.

Every problem a user can cause (a missing file, an unknown format, an encoding that is
not the one declared, a header with empty or repeated names, ragged rows) raises
:class:`~steward.deid.errors.DataFileError` naming the file and, where it helps, the line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from steward.deid.errors import DataFileError

SNIFF_BYTES: Final = 64 * 1024
CSV_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt", ".psv"})
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".pq"})
JSONL_SUFFIXES: Final = frozenset({".jsonl", ".ndjson"})
ENCODINGS: Final = ("utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16")


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: its delimiter, quote character and encoding."""

    delimiter: str
    quote: str
    encoding: str
    has_header: bool = True


def read_table(
    path: str | Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    infer_types: bool = False,
) -> pl.LazyFrame:
    """Open ``path`` lazily as a table of columns.

    The format comes from the suffix (.csv/.tsv/.txt/.psv, .parquet/.pq, .jsonl/.ndjson).
    For CSV the delimiter and the encoding are detected unless given. By default every
    CSV column is read as text (``infer_types=False``), so that codes such as postal
    codes or identifiers keep their leading zeros; Parquet and JSON keep their types.

    Raises:
        DataFileError: the file is missing, of an unknown format, or cannot be parsed.
    """
    file = Path(path)
    if not file.exists():
        raise DataFileError(f"{file}: no such file")
    if file.is_dir():
        raise DataFileError(f"{file}: is a folder, not a data file")
    suffix = file.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return _checked(file, _scan_parquet(file))
    if suffix in JSONL_SUFFIXES:
        return _checked(file, _scan_jsonl(file))
    if suffix in CSV_SUFFIXES or suffix == "":
        dialect = sniff_csv(file, delimiter=delimiter, encoding=encoding)
        return _checked(file, _scan_csv(file, dialect, infer_types))
    raise DataFileError(
        f"{file}: unknown format '{suffix}'; use CSV (.csv, .tsv), Parquet (.parquet) "
        "or JSON Lines (.jsonl)"
    )


def sniff_csv(
    path: Path, *, delimiter: str | None = None, encoding: str | None = None
) -> CsvDialect:
    """Detect the encoding and delimiter of a CSV file from its first 64 KiB.

    Raises:
        DataFileError: the file is empty, not text in the given encoding, or has no
            consistent delimiter.
    """
    try:
        head = path.open("rb").read(SNIFF_BYTES)
    except OSError as error:
        raise DataFileError(f"{path}: cannot be read ({error.strerror})") from None
    if not head.strip():
        raise DataFileError(f"{path}: the file is empty")
    text, used = _decode(path, head, encoding)
    if "\x00" in text:
        raise DataFileError(f"{path}: holds NUL bytes; it is not a text table")
    sample = text[: text.rfind("\n")] if "\n" in text[:-1] else text
    if delimiter is None:
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
            delimiter = dialect.delimiter
        except csv.Error:
            first = sample.splitlines()[0] if sample.splitlines() else ""
            counts = {d: first.count(d) for d in ",;\t|"}
            delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    if len(delimiter) != 1:
        raise DataFileError(f"{path}: the delimiter must be one character, not {delimiter!r}")
    header = next(csv.reader(sample.splitlines()[:1], delimiter=delimiter), [])
    _check_names(path, [name.lstrip("\ufeff") for name in header])
    return CsvDialect(delimiter=delimiter, quote='"', encoding=used)


def collect(frame: pl.LazyFrame, source: str | Path) -> pl.DataFrame:
    """Run a lazy query, turning a parsing failure into a clear message.

    Raises:
        DataFileError: a row cannot be parsed (ragged rows, bad quoting, bad values).
    """
    try:
        return frame.collect()
    except (pl.exceptions.PolarsError, OSError) as error:
        message = _first_line(error)
        if "more fields than defined" in message:
            message = "a row has more fields than the header"
        raise DataFileError(f"{source}: cannot be read: {message}") from None


def column_names(frame: pl.LazyFrame) -> list[str]:
    """The column names of a lazy table (reads only its schema)."""
    return list(frame.collect_schema().names())


def require_columns(frame: pl.LazyFrame, wanted: list[str], file: str | Path) -> None:
    """Raise unless every column in ``wanted`` exists, naming the missing ones.

    Raises:
        DataFileError: a column is missing; the message lists the columns that exist.
    """
    names = column_names(frame)
    missing = [c for c in wanted if c not in names]
    if missing:
        raise DataFileError(
            f"{file}: no column {', '.join(repr(m) for m in missing)}; "
            f"the columns are {', '.join(names)}"
        )


def _decode(path: Path, head: bytes, encoding: str | None) -> tuple[str, str]:
    candidates = (encoding,) if encoding else ENCODINGS
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) and not encoding:
        candidates = ("utf-16",)
    elif head.startswith(b"\xef\xbb\xbf") and not encoding:
        candidates = ("utf-8-sig",)
    for name in candidates:
        try:
            # The 64 KiB cut may split a multi-byte character at the very end.
            return head.decode(name) if name != "utf-8" else _utf8_prefix(head), name
        except (UnicodeDecodeError, LookupError):
            continue
    if encoding:
        raise DataFileError(f"{path}: not {encoding} text; give the right --encoding")
    raise DataFileError(f"{path}: not text in any common encoding; give --encoding")


def _utf8_prefix(head: bytes) -> str:
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:
            return head[: error.start].decode("utf-8")
        raise


def _scan_csv(path: Path, dialect: CsvDialect, infer_types: bool) -> pl.LazyFrame:
    encoding = "utf8" if dialect.encoding in ("utf-8", "utf-8-sig") else "utf8-lossy"
    if encoding == "utf8-lossy":
        # Polars reads UTF-8 only: re-encode other encodings once, next to nothing else.
        return _reencoded(path, dialect, infer_types)
    return pl.scan_csv(
        path,
        separator=dialect.delimiter,
        quote_char=dialect.quote,
        has_header=dialect.has_header,
        infer_schema=infer_types,
        encoding="utf8",
        truncate_ragged_lines=False,
    )


def _reencoded(path: Path, dialect: CsvDialect, infer_types: bool) -> pl.LazyFrame:
    try:
        text = path.read_text(encoding=dialect.encoding)
    except UnicodeDecodeError as error:
        raise DataFileError(
            f"{path}: not {dialect.encoding} text at byte {error.start}; give --encoding"
        ) from None
    return pl.read_csv(
        text.encode("utf-8"),
        separator=dialect.delimiter,
        quote_char=dialect.quote,
        has_header=dialect.has_header,
        infer_schema=infer_types,
    ).lazy()


def _scan_parquet(path: Path) -> pl.LazyFrame:
    return pl.scan_parquet(path)


def _scan_jsonl(path: Path) -> pl.LazyFrame:
    return pl.scan_ndjson(path)


def _checked(path: Path, frame: pl.LazyFrame) -> pl.LazyFrame:
    """Read the schema now, so header problems surface here with a clear message."""
    try:
        names = column_names(frame)
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise DataFileError(f"{path}: cannot be read as a table: {_first_line(error)}") from None
    _check_names(path, names)
    return frame


def _check_names(path: Path, names: list[str]) -> None:
    if not names:
        raise DataFileError(f"{path}: has no columns")
    blank = [i + 1 for i, name in enumerate(names) if not str(name).strip()]
    if blank:
        raise DataFileError(f"{path}: column {blank[0]} has no name in the header")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataFileError(f"{path}: the column name {name!r} appears twice in the header")
        seen.add(name)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
