"""Reading tables: CSV (any delimiter), Parquet and JSON Lines, lazily, with clear errors.

Every problem a user can cause (a missing file, an unknown format, an encoding that is
not the one declared, a header with empty or repeated names, ragged rows, bad quoting)
raises :class:`~steward.deid.errors.DataFileError` naming the file and, where it helps,
the line.

Every command reads its input through :func:`read_table`, and a CSV file is judged
whole before anything reads it: every record must have as many fields as the header
and every quote must be well placed. So a command that reads only the first rows
(``deid scan``) and one that reads every row but only some columns (``deid risk``)
accept and refuse exactly the same files.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NoReturn

import polars as pl

from steward.deid.errors import DataFileError

SNIFF_BYTES: Final = 64 * 1024
CSV_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt", ".psv"})
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".pq"})
JSONL_SUFFIXES: Final = frozenset({".jsonl", ".ndjson"})
ENCODINGS: Final = ("utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16")
UNCLOSED: Final = "a quoted value opened here is never closed"


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
        check_csv_structure(file, dialect)
        return _checked(file, _polars_csv(file, dialect, infer_types=infer_types))
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


def check_csv_structure(path: Path, dialect: CsvDialect) -> None:
    """Read the whole CSV file once and refuse it unless every record is well formed.

    Well formed: as many fields as the header (no blank line, unless the table has one
    column, where it is an empty value), every quoted value closed, nothing but a
    delimiter or the end of the line after a closing quote, and no quote inside an
    unquoted value. The file is also parsed whole by Polars, the engine every command
    then reads it with, so that no command can meet a row another would have refused.

    Raises:
        DataFileError: the first malformed record, by line, or the file as a whole.
    """
    _check_records(path, dialect)
    frame = _polars_csv(path, dialect, infer_types=False)
    try:  # every column of every row is parsed; only one row of counts is kept
        frame.select(pl.all().null_count()).collect(engine="streaming")
    except (pl.exceptions.PolarsError, OSError) as error:
        raise DataFileError(f"{path}: cannot be read: {_polars_problem(error)}") from None


def _check_records(path: Path, dialect: CsvDialect) -> None:
    """Every record against the header, with Python's strict CSV reader, by line.

    A first pass only counts fields (fast, in C); the file is read again, record by
    record, only to say where a problem is.
    """
    try:
        with _records(path, dialect) as reader:
            widths = set(map(len, reader))
    except csv.Error:
        _locate_problem(path, dialect)
    except UnicodeDecodeError as error:
        raise DataFileError(
            f"{path}: not {dialect.encoding} text at byte {error.start}; give --encoding"
        ) from None
    except OSError as error:
        raise DataFileError(f"{path}: cannot be read ({error.strerror})") from None
    if len(widths - {0}) <= 1 and (0 not in widths or widths <= {0, 1}):
        return
    _locate_problem(path, dialect)


@contextmanager
def _records(path: Path, dialect: CsvDialect) -> Iterator[Any]:
    with path.open(encoding=dialect.encoding, newline="") as handle:
        yield csv.reader(
            handle,
            delimiter=dialect.delimiter,
            quotechar=dialect.quote,
            doublequote=True,
            strict=True,
        )


def _locate_problem(path: Path, dialect: CsvDialect) -> NoReturn:
    """Raise for the first malformed record of a file the first pass found wanting."""
    last = 0
    with _records(path, dialect) as reader:
        try:
            width = -1
            for record in reader:
                fields, last = len(record), reader.line_num
                if width < 0:
                    width = fields
                elif fields == 0 and width > 1:
                    raise DataFileError(
                        f"{path}: line {reader.line_num} is blank; remove it (it would be "
                        "read as a record of empty values)"
                    )
                elif max(fields, 1) != width:
                    raise DataFileError(
                        f"{path}: line {reader.line_num}: {fields} "
                        f"field{'s' if fields != 1 else ''} where the header has {width}"
                    )
        except csv.Error as error:
            problem = _csv_problem(str(error))
            line = last + 1 if problem == UNCLOSED else reader.line_num
            raise DataFileError(f"{path}: line {line}: {problem}") from None
    raise DataFileError(f"{path}: cannot be read as a table")  # pragma: no cover


def _csv_problem(message: str) -> str:
    if "unexpected end of data" in message or "EOF" in message:
        return UNCLOSED
    if "expected after" in message:
        return "text follows a closing quote; quote the whole value and double inner quotes"
    if "NUL" in message or "null" in message:
        return "holds NUL bytes; it is not a text table"
    return message


def _polars_problem(error: BaseException) -> str:
    message = first_line(error)
    if "more fields than defined" in message:
        return "a row has more fields than the header"
    if "malformed" in message.lower() or "could not parse" in message:
        return (
            "bad quoting: a quote inside an unquoted value, or a quoted value not closed; "
            "quote the whole value and double inner quotes"
        )
    return message


def collect(frame: pl.LazyFrame, source: str | Path) -> pl.DataFrame:
    """Run a lazy query, turning a parsing failure into a clear message.

    Raises:
        DataFileError: a row cannot be parsed (ragged rows, bad quoting, bad values).
    """
    try:
        return frame.collect()
    except (pl.exceptions.PolarsError, OSError) as error:
        message = first_line(error)
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


def _polars_csv(path: Path, dialect: CsvDialect, *, infer_types: bool) -> pl.LazyFrame:
    """The file as Polars reads it; other encodings than UTF-8 are re-encoded first."""
    source: Path | bytes = path
    if dialect.encoding not in ("utf-8", "utf-8-sig"):
        source = _utf8_bytes(path, dialect)  # Polars reads UTF-8 only
    return pl.scan_csv(
        source,
        separator=dialect.delimiter,
        quote_char=dialect.quote,
        has_header=dialect.has_header,
        infer_schema=infer_types,
        encoding="utf8",
        truncate_ragged_lines=False,
        glob=False,  # a name is a name: "x[1].csv" is that file, not a pattern
    )


def _utf8_bytes(path: Path, dialect: CsvDialect) -> bytes:
    """The file re-encoded as UTF-8."""
    try:
        return path.read_text(encoding=dialect.encoding).encode("utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(
            f"{path}: not {dialect.encoding} text at byte {error.start}; give --encoding"
        ) from None


def _scan_parquet(path: Path) -> pl.LazyFrame:
    return pl.scan_parquet(path, glob=False)


def _scan_jsonl(path: Path) -> pl.LazyFrame:
    return pl.scan_ndjson(path)


def _checked(path: Path, frame: pl.LazyFrame) -> pl.LazyFrame:
    """Read the schema now, so header problems surface here with a clear message."""
    try:
        names = column_names(frame)
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise DataFileError(f"{path}: cannot be read as a table: {first_line(error)}") from None
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


def first_line(error: BaseException) -> str:
    """The first line of ``error``'s message, at most 200 characters (engines' messages
    run long), or the error's type when it has none."""
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
