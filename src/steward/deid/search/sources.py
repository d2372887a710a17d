"""Where each quasi-identifier's hierarchy comes from, and the files that record them.

:func:`hierarchies_for` takes a column's ARX file from the hierarchy folder when there is
one, and otherwise builds a built-in (:mod:`.builtin_hierarchies`) from the column's
values and the scan's finding. :func:`write_hierarchies` writes every hierarchy used as
an ARX file, ``<column>_hierarchy.csv``, so that a person can review it and pass the
folder back: the same files give the same hierarchies, hence the same result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import polars as pl

from steward.deid.arx_csv import format_row
from steward.deid.errors import DataFileError, DeidError
from steward.deid.search.builtin_hierarchies import FINDINGS, builtin_hierarchy
from steward.deid.search.hierarchies import (
    WRITTEN_SUFFIX,
    CodedHierarchy,
    hierarchy_file,
    read_hierarchy,
)

Origin = Literal["file", "built-in"]
MAX_NAME_BYTES: Final = 255


@dataclass(frozen=True)
class UsedHierarchy:
    """The hierarchy a quasi-identifier is generalized by, and where it came from.

    Attributes:
        column: the quasi-identifier.
        hierarchy: the coded hierarchy.
        origin: ``file`` (an ARX file) or ``built-in``.
        kind: the built-in's kind (``age bands``...), or ``ARX file``.
        path: the file it was read from (files only).
    """

    column: str
    hierarchy: CodedHierarchy
    origin: Origin
    kind: str
    path: Path | None = None

    def describe(self) -> str:
        """One line for people: ``built-in age bands, 5 levels`` or ``file P, 3 levels``."""
        if self.path is not None:
            source = f"file {self.path}"
        else:
            source = "given" if self.origin == "file" else f"built-in {self.kind}"
        return f"{source}, {self.hierarchy.height} levels"


def hierarchies_for(
    table: pl.DataFrame,
    qi: Sequence[str],
    folder: str | Path | None,
    findings: Mapping[str, str | None] | None = None,
) -> dict[str, UsedHierarchy]:
    """The hierarchy of each quasi-identifier: its file in ``folder`` if any, else a
    built-in chosen from its distinct values (their order and repetition in ``table``
    do not matter) and ``findings`` (the scan's finding per column;
    when not given, the columns needing a built-in are scanned).

    Raises:
        DeidError: ``folder`` does not exist, a file is not a valid hierarchy (naming
            the file and line), or a column's name cannot be a file name.
    """
    for column in qi:
        written_name(column)
    base = Path(folder) if folder is not None else None
    if base is not None and not base.is_dir():
        raise DeidError(f"{base}: no such folder of hierarchies")
    used: dict[str, UsedHierarchy] = {}
    for column in qi:
        path = hierarchy_file(base, column) if base is not None else None
        if path is not None:
            coded = read_hierarchy(path, column)
            used[column] = UsedHierarchy(column, coded, "file", "ARX file", path)
            continue
        # Each distinct value once, in order: the same built-in whatever the row order
        # or the engine that aggregated the table.
        series = table.get_column(column).unique().sort(nulls_last=False)
        finding = findings.get(column) if findings is not None else scan_finding(column, series)
        built = builtin_hierarchy(column, series, finding)
        used[column] = UsedHierarchy(column, built.hierarchy, "built-in", built.kind)
    return used


def scan_finding(column: str, series: pl.Series) -> str | None:
    """The scan's finding for ``column`` that chooses a built-in (an age, a postal
    code), or None."""
    from steward.deid.scan import scan_column

    report = scan_column(column, series)
    return next((f.kind for f in report.kinds if f.kind in FINDINGS), None)


def written_name(column: str) -> str:
    """The file name ``column``'s hierarchy is written as: ``<column>_hierarchy.csv``.

    Raises:
        DeidError: the column's name cannot be part of a file name.
    """
    name = f"{column}{WRITTEN_SUFFIX}"
    if (
        column in ("", ".", "..")
        or any(c in column for c in "/\\\x00")
        or len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES
    ):
        raise DeidError(
            f"column {column!r}: its name cannot be a file name, so its hierarchy cannot "
            "be written; rename the column"
        )
    return name


def write_hierarchies(used: Mapping[str, UsedHierarchy], folder: str | Path) -> dict[str, Path]:
    """Write each hierarchy as an ARX file ``<column>_hierarchy.csv`` in ``folder``
    (``;``-separated, no header, one row per value with its labels level by level).

    A hierarchy read from that very file is left as it is. Returns each column's file.

    Raises:
        DeidError: a column's name cannot be a file name.
        DataFileError: a file cannot be written.
    """
    base = Path(folder)
    written: dict[str, Path] = {}
    for column, chosen in used.items():
        path = base / written_name(column)
        written[column] = path
        if chosen.path is not None and path.exists() and path.samefile(chosen.path):
            continue
        text = "".join(format_row(row) + "\n" for row in chosen.hierarchy.rows())
        try:
            path.write_bytes(text.encode("utf-8"))
        except OSError as error:
            raise DataFileError(f"{path}: cannot be written ({error.strerror})") from None
    return written
