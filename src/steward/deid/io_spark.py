"""Reading and writing tables through Spark: CSV, Parquet and JSON Lines, typed as
Polars reads them; written as a folder of part files (:func:`write_table_spark`).

:func:`read_table_spark` follows :func:`steward.deid.io.read_table`'s rules where Spark
allows it, so both engines see the same records:

* the format comes from the suffix (``format`` names it for a folder of part files or a
  path without a suffix);
* every CSV column is text; an empty unquoted field is a null and a quoted empty field
  (``""``) an empty text; quotes inside quoted values are doubled;
* for a local CSV file, the delimiter and the encoding are detected from its first
  64 KiB and its header is checked, as ``read_table`` does; on a cluster path
  (``hdfs://``, ``s3a://`` and the like) give ``delimiter`` (default ``,``) and
  ``encoding`` (default UTF-8);
* a record with more or fewer fields than the header, or a JSON line that is not an
  object, fails the Spark job that reads it (Spark's ``FAILFAST`` mode), rather than being
  padded or skipped;
* JSON Lines columns keep the order of the first record's keys (Spark would sort them).

Values spanning lines inside quotes need ``multiline=True``, which Spark cannot split
across tasks; it is off by default so large files are read in parallel.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from steward.deid.engine_spark import _column, spark_session
from steward.deid.errors import DataFileError
from steward.deid.io import (
    CSV_SUFFIXES,
    JSONL_SUFFIXES,
    PARQUET_SUFFIXES,
    _check_names,
    check_csv_structure,
    sniff_csv,
)

NULL_MARK: Final = "\x00"
"""What Spark is told a null looks like: no text field can hold a NUL, so only an empty
unquoted field (which Spark reports as this mark) becomes a null."""

JAVA_ENCODINGS: Final = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "latin-1": "ISO-8859-1",
    "cp1252": "windows-1252",
    "utf-16": "UTF-16",
}
FORMATS: Final = ("csv", "parquet", "jsonl")
OUTPUT_SEPARATORS: Final = {".csv": ",", ".tsv": "\t", ".parquet": None}
"""What :func:`write_table_spark` writes, by the output's suffix (``None``: Parquet)."""
PARQUET_TIMES: Final = "spark.sql.parquet.outputTimestampType"
"""Spark's setting for how Parquet holds times (Polars reads microseconds)."""
DONE_MARK: Final = "_SUCCESS"
"""The file Spark leaves in a folder it has finished writing."""


def read_table_spark(
    path: str | Path,
    *,
    session: Any = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    format: str | None = None,
    multiline: bool = False,
) -> Any:
    """Open ``path`` as a Spark DataFrame (lazily: Spark reads it when a job runs).

    Args:
        path: a local file or folder, or a path Spark reads (``hdfs://…``, ``s3a://…``).
        session: the Spark session; a local one (:func:`spark_session`) when not given.
        delimiter: the CSV delimiter; detected for a local file when not given.
        encoding: the CSV encoding; detected for a local file when not given.
        format: ``csv``, ``parquet`` or ``jsonl``; from the suffix when not given.
        multiline: CSV values may span lines inside quotes.

    Raises:
        DataFileError: the local file is missing, of an unknown format, or its header or
            encoding is wrong; or Spark cannot open the path.
    """
    text = str(path)
    remote = "://" in text and not text.startswith("file://")
    file = Path(text.removeprefix("file://"))
    kind = _format(file, format)
    if not remote and not file.exists():
        raise DataFileError(f"{file}: no such file")
    spark = session if session is not None else spark_session()
    reader = spark.read
    try:
        if kind == "parquet":
            frame = reader.parquet(text)
        elif kind == "jsonl":
            frame = _ordered(reader.options(mode="FAILFAST").json(text), file, remote)
        else:
            if not remote and file.is_file():
                dialect = sniff_csv(file, delimiter=delimiter, encoding=encoding)
                # Spark reads only the columns a job uses, so a ragged row would pass:
                # a local file is checked whole first, as the Polars engine checks it.
                check_csv_structure(file, dialect)
                delimiter, encoding = dialect.delimiter, dialect.encoding
            frame = reader.options(**_csv_options(delimiter, encoding, multiline)).csv(text)
    except DataFileError:
        raise
    except Exception as error:
        raise DataFileError(f"{text}: cannot be read as a table: {spark_problem(error)}") from None
    _check_names(file, list(frame.columns))
    return frame


def spark_problem(error: BaseException, *, doing: str = "reading") -> str:
    """What went wrong reading (or, with ``doing="writing"``, writing) data in Spark,
    without quoting the data: Spark's messages (and the parsers' beneath them) repeat the
    record they failed on, so only the kind of failure is told.

    Never raises.
    """
    text = str(error)
    if "Malformed records are detected" in text or "MALFORMED_RECORD" in text:
        return (
            "a malformed record (a CSV row not matching its header, or a line that is not "
            "one complete JSON object)"
        )
    if "FileNotFoundException" in text or "PATH_NOT_FOUND" in text:
        return "no such file"
    missing = re.search(r"ModuleNotFoundError: No module named '([\w.]+)'", text)
    if missing:
        return (
            f"the Python of the Spark workers lacks the module {missing.group(1)!r}: install "
            "steward[spark] where they run, and point PYSPARK_PYTHON at that Python"
        )
    causes = re.findall(r"Caused by: ([\w.$]+)", text)
    kind = causes[-1].rsplit(".", 1)[-1] if causes else type(error).__name__
    return f"Spark failed {doing} it ({kind})"


def write_table_spark(frame: Any, out: Path) -> None:
    """Write the Spark DataFrame ``frame`` to ``out`` as a folder of part files, whole or
    not at all.

    The suffix of ``out`` gives the format (:func:`write_parts_spark`). The parts keep
    Spark's row order, not the input's. Spark writes the folder under a hidden temporary
    name beside ``out`` (:func:`partial_beside`), which is renamed to ``out`` only once
    every part is written (:func:`put_in_place`), so ``out`` never holds a partial
    table. An existing ``out`` is replaced when it is a file or an earlier Spark output
    folder (one holding ``_SUCCESS``); any other folder is refused. ``out`` is a local
    path, or one that the driver and every Spark worker share.

    Raises:
        DataFileError: the suffix is not .csv, .tsv or .parquet, the folder ``out`` goes
            in does not exist, ``out`` is a folder that is not Spark output, or Spark
            cannot write it (the reason told by kind, never with a data value).
    """
    check_output_spark(out)
    temp = partial_beside(out)
    try:
        write_parts_spark(frame, temp, out)
    except Exception as error:
        problem = spark_problem(error, doing="writing")
        raise DataFileError(f"{out}: cannot be written: {problem}") from None
    put_in_place(temp, out)


def write_parts_spark(frame: Any, folder: Path, out: Path) -> None:
    """Write ``frame`` to the new folder ``folder`` as the part files ``out`` is to hold.

    The suffix of ``out`` (checked by :func:`check_output_spark`) gives the format:
    ``.csv`` (comma-separated) or ``.tsv`` (tab-separated), each part UTF-8 with a header
    line, quotes doubled inside quoted values, a null an empty field and an empty text
    ``""``, every value the text Polars writes for it (so a CSV holds the Polars engine's
    text, and :func:`read_table_spark` reads it back); or ``.parquet``, with times in
    microseconds whatever the session's setting. Spark's checksum files (``.*.crc``) are
    removed.

    Raises:
        Exception: what Spark raises when the job that computes and writes ``frame``
            fails (the caller names it: :func:`spark_problem`); ``folder`` is removed.
    """
    separator = OUTPUT_SEPARATORS[out.suffix.lower()]
    try:
        if separator is None:
            with spark_setting(frame.sparkSession, PARQUET_TIMES, "TIMESTAMP_MICROS"):
                frame.write.mode("errorifexists").parquet(str(folder))
        else:
            from steward.deid.spark_batches import as_polars_text  # PyArrow: only here

            texts = as_polars_text(frame).write.mode("errorifexists")
            texts.options(**csv_write_options(separator)).csv(str(folder))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    for checksum in folder.glob(".*.crc"):
        checksum.unlink(missing_ok=True)


def partial_beside(out: Path) -> Path:
    """A new hidden name beside ``out`` to write its parts under (``.NAME.<random>.partial``)."""
    return out.with_name(f".{out.name}.{secrets.token_hex(6)}.partial")


@contextlib.contextmanager
def spark_setting(session: Any, key: str, value: str) -> Iterator[None]:
    """Spark's setting ``key`` at ``value`` while the block runs; as it was after."""
    before = session.conf.get(key, None)
    session.conf.set(key, value)
    try:
        yield
    finally:
        if before is None:
            session.conf.unset(key)
        else:
            session.conf.set(key, before)


def check_output_spark(out: Path) -> None:
    """Return if :func:`write_table_spark` may write ``out`` (checked before any work).

    Raises:
        DataFileError: the suffix is not .csv, .tsv or .parquet, the folder ``out`` goes
            in does not exist, or ``out`` is a folder that is not Spark output.
    """
    if out.suffix.lower() not in OUTPUT_SEPARATORS:
        raise DataFileError(f"{out}: Spark writes .csv, .tsv or .parquet output folders")
    if not out.parent.is_dir():
        raise DataFileError(f"{out.parent}: no such folder")
    if out.is_dir() and not (out / DONE_MARK).is_file():
        raise DataFileError(
            f"{out}: a folder that is not Spark output is there; remove it or choose another name"
        )


def csv_write_options(separator: str) -> dict[str, str]:
    """Spark's CSV options for writing what ``read_table_spark`` reads back as written:
    a header, quotes doubled inside quoted values, a null an empty field, an empty text
    ``""``, spaces around values kept (Spark's writer would trim them), UTF-8, LF."""
    return {
        "header": "true",
        "sep": separator,
        "quote": '"',
        "escape": '"',
        "nullValue": "",
        "emptyValue": '""',
        "ignoreLeadingWhiteSpace": "false",
        "ignoreTrailingWhiteSpace": "false",
        "encoding": "UTF-8",
        "lineSep": "\n",
    }


def put_in_place(temp: Path, out: Path) -> None:
    """Rename the finished folder ``temp`` to ``out``, replacing what is there (checked
    by :func:`check_output_spark`); what was there is removed once ``out`` is in place.

    Raises:
        DataFileError: a rename fails (``out`` is then as it was, and ``temp`` is removed).
    """
    old = out.with_name(f".{out.name}.{secrets.token_hex(6)}.old")
    replacing = out.exists() or out.is_symlink()
    try:
        if replacing:
            out.rename(old)
        temp.rename(out)
    except OSError as error:
        if replacing and old.exists() and not out.exists():
            old.rename(out)
        shutil.rmtree(temp, ignore_errors=True)
        reason = error.strerror or type(error).__name__
        raise DataFileError(f"{out}: cannot be written: {reason}") from None
    if replacing:
        _remove(old)


def _remove(path: Path) -> None:
    """Delete a file or a folder, ignoring what is already gone."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _format(file: Path, given: str | None) -> str:
    if given is not None:
        if given not in FORMATS:
            raise DataFileError(f"unknown format {given!r}; use one of {', '.join(FORMATS)}")
        return given
    suffix = file.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES or suffix == "":
        return "csv"
    raise DataFileError(
        f"{file}: unknown format '{suffix}'; use CSV (.csv, .tsv), Parquet (.parquet) "
        "or JSON Lines (.jsonl)"
    )


def _csv_options(delimiter: str | None, encoding: str | None, multiline: bool) -> dict[str, str]:
    """Spark's CSV options for ``read_table``'s reading rules."""
    charset = JAVA_ENCODINGS.get((encoding or "utf-8").lower(), encoding or "UTF-8")
    return {
        "header": "true",
        "inferSchema": "false",
        "sep": delimiter or ",",
        "quote": '"',
        "escape": '"',
        "nullValue": NULL_MARK,
        "emptyValue": "",
        "mode": "FAILFAST",
        "encoding": charset,
        "multiLine": "true" if multiline or charset == "UTF-16" else "false",
    }


def _ordered(frame: Any, file: Path, remote: bool) -> Any:
    """A JSON Lines frame with its columns in the first record's order, as Polars has them."""
    if remote or not file.is_file():
        return frame
    with file.open(encoding="utf-8") as handle:
        first = next((line for line in handle if line.strip()), "")
    try:
        keys = list(json.loads(first)) if first else []
    except (json.JSONDecodeError, TypeError):
        return frame
    order = [name for name in keys if name in frame.columns]
    order += [name for name in frame.columns if name not in order]
    return frame.select(*map(_column, order))
