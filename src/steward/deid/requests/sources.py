"""The source of a request: a data file, or a table already open; and how messages
name it. Plain Python (Polars is named for type checkers only)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import polars as pl

    Source: TypeAlias = Path | pl.LazyFrame
    """A data file (CSV, Parquet or JSON Lines), or a table already open."""


def source_file(source: Source | str) -> Path | None:
    """The file ``source`` names, or ``None`` when it is a table already open."""
    return Path(source) if isinstance(source, str | Path) else None


def source_label(source: Source | str) -> str:
    """How messages name ``source``: its path, or "the table"."""
    file = source_file(source)
    return "the table" if file is None else str(file)


def source_name(source: Source | str) -> str:
    """How progress displays name ``source``: its file name, or "the table"."""
    file = source_file(source)
    return "the table" if file is None else file.name


def same_file(out: Path, source: Source | str) -> bool:
    """Whether ``out`` is the file ``source`` names (never for an open table)."""
    file = source_file(source)
    return file is not None and out.resolve() == file.resolve()
