"""The requests that write a de-identified table: ``AnonymizeRequest``
(``run_anonymize``), ``ApplyRequest`` (``run_apply``) and ``RedactRequest``
(``run_redact``).

Each request is a frozen dataclass whose ``validate()`` checks the options alone and
their combinations, before any data is read, and raises
:class:`~steward.deid.errors.DeidError` with a message that names the option. The
function that carries a request out calls ``validate()`` first; a caller may call it
earlier, to refuse a request before queuing it. Problems that only the data shows (a
missing column, a class too small) are found by those functions.

Importing this module is cheap (no Polars, NumPy or detectors), so a command line can
build a request before the engine loads; the checks that need an engine's vocabulary
import it when they run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from steward.deid.errors import DeidError
from steward.deid.requests.sources import same_file, source_file

if TYPE_CHECKING:
    from steward.deid.requests.sources import Source
    from steward.deid.search import CodedHierarchy

ANONYMIZED_SUFFIXES: Final = (".csv", ".tsv", ".parquet", ".pq")
REPORT_SUFFIXES: Final = (".html", ".htm", ".pdf")
"""The anonymization report's formats, chosen by the file's suffix."""


@dataclass(frozen=True)
class AnonymizeRequest:
    """Find and apply the optimal full-domain generalization (``steward deid anonymize``).

    Attributes:
        source: the data file, or a table already open (a Polars ``LazyFrame``).
        qi: the quasi-identifiers, each with a hierarchy.
        out: where to write the result (.csv, .tsv, .parquet), or ``None`` to only
            return it.
        k: the least class size (at least 2).
        l / t: distinct l-diversity and t-closeness of ``sensitive``, if wanted.
        sensitive: the sensitive column for ``l`` and ``t``.
        hierarchies: a folder of ARX hierarchy files (``C.csv`` or ``*_hierarchy_C.csv``),
            or the hierarchies themselves; ``None``: the source file's folder.
        max_suppression: the largest share of records that may be suppressed (0 to 1).
        metric: the information loss to minimize: loss, entropy or discernibility.
        search: ``auto`` (optimal up to a lattice of 2,000,000 nodes, greedy beyond),
            ``optimal`` or ``greedy`` (:mod:`steward.deid.search.greedy`).
        report: also write a self-contained report here: HTML, or PDF when the name
            ends in ``.pdf``.
        delimiter / encoding: of a CSV file (detected when ``None``).
        engine: ``polars`` (one machine, streaming) or ``spark`` (Spark aggregates the
            tuples and writes the output as a folder of part files; the
            ``steward[spark]`` extra); ``master``: the Spark master URL (``local[*]``
            when not given); ``max_classes``: on Spark, the most distinct tuples brought
            to the driver (5,000,000 when not given).
    """

    source: Source
    qi: tuple[str, ...]
    out: Path | None = None
    k: int = 5
    l: int | None = None  # noqa: E741
    sensitive: str | None = None
    t: float | None = None
    hierarchies: Path | Mapping[str, CodedHierarchy] | None = None
    max_suppression: float = 0.0
    metric: str = "loss"
    search: str = "auto"
    report: Path | None = None
    delimiter: str | None = None
    encoding: str | None = None
    engine: str = "polars"
    master: str | None = None
    max_classes: int | None = None

    def validate(self) -> None:
        """Raise unless the metric is known and the output can be written.

        The privacy settings (k, l, t, suppression, the columns) are checked against
        the table's columns once it is open (:meth:`Settings.check
        <steward.deid.search.Settings.check>`).

        Raises:
            DeidError: an unknown metric; a report that is not .html or .pdf; an
                output that is not .csv/.tsv/.parquet or is the input file; hierarchies
                that are neither given nor beside a file; an unknown engine, a
                ``master`` without Spark, or Spark on a table that is not a file.
        """
        from steward.deid.requests.measuring import check_engine
        from steward.deid.search import METRICS
        from steward.deid.search.anonymize import SEARCHES

        check_engine(self.engine, self.master, self.source, self.max_classes)
        if self.metric not in METRICS:
            raise DeidError(f"unknown --metric {self.metric!r}; use one of {', '.join(METRICS)}")
        if self.search not in SEARCHES:
            raise DeidError(f"unknown --search {self.search!r}; use one of {', '.join(SEARCHES)}")
        out = self.out
        if out is not None:
            if out.suffix.lower() not in ANONYMIZED_SUFFIXES:
                raise DeidError(f"{out}: write the result as .csv, .tsv or .parquet")
            file = source_file(self.source)
            if out.exists() and file is not None and file.exists() and same_file(out, file):
                raise DeidError(f"{out}: will not overwrite the input file")
        if self.report is not None and self.report.suffix.lower() not in REPORT_SUFFIXES:
            raise DeidError(f"{self.report}: write the report as .html or .pdf")
        if self.hierarchies is None and source_file(self.source) is None:
            raise DeidError("give the hierarchies of a table that is not read from a file")


@dataclass(frozen=True)
class ApplyRequest:
    """Apply a recipe file to file, with a manifest (``steward deid apply``).

    Attributes:
        source: the data file; ``recipe``: the recipe (YAML).
        out: the output (.csv, .tsv or .parquet); the manifest goes beside it.
        keys_dir / key_file: where the recipe's keys come from (a key file wins).
        delimiter / encoding: of a CSV input (detected when ``None``).
        engine: ``polars`` (one machine; ``out`` is one file) or ``spark`` (Spark reads,
            transforms and writes; ``out`` is a folder of part files, the ``steward[spark]``
            extra); ``master``: the Spark master URL (``local[*]`` when not given);
            ``max_classes``: on Spark, the most classes (or class and sensitive value
            pairs) the manifest's risk brings to the driver (5,000,000 when not given).
    """

    source: Path
    recipe: Path
    out: Path
    keys_dir: Path | None = None
    key_file: Path | None = None
    delimiter: str | None = None
    encoding: str | None = None
    engine: str = "polars"
    master: str | None = None
    max_classes: int | None = None

    def validate(self) -> None:
        """Raise unless the engine is known and the output can be written.

        Raises:
            DeidError: an unknown engine or a master without Spark; the output's format
                is not CSV or Parquet, its folder does not exist, or it is the input
                file (on Spark: or holds the input, since the folder is replaced).
        """
        from steward.deid.io import CSV_SUFFIXES, PARQUET_SUFFIXES
        from steward.deid.requests.measuring import SPARK, check_engine

        check_engine(self.engine, self.master, self.source, self.max_classes)
        out = self.out
        inside = out.exists() and self.source.resolve().is_relative_to(out.resolve())
        if self.engine == SPARK and inside:
            raise DeidError(f"{out}: the output would replace the folder holding the input")
        suffix = out.suffix.lower()
        if suffix not in CSV_SUFFIXES | PARQUET_SUFFIXES:
            raise DeidError(f"{out}: write CSV (.csv, .tsv) or Parquet (.parquet); not '{suffix}'")
        if not out.parent.is_dir():
            raise DeidError(f"{out.parent}: no such folder for the output")
        if out.exists() and self.source.exists() and same_file(out, self.source):
            raise DeidError(f"{out}: the output would overwrite the input")


@dataclass(frozen=True)
class RedactRequest:
    """Redact personal data inside text columns, file to file (``steward deid redact``).

    Attributes:
        source: the data file; ``out``: the output (.csv, .tsv, .parquet or .jsonl).
        columns: the text columns to redact (blank names are ignored).
        kinds: only these kinds (names or placeholders, any case); ``None``: all.
        region: the phone region for numbers without a +code.
        delimiter / encoding: of a CSV input (detected when ``None``).
    """

    source: Path
    out: Path
    columns: tuple[str, ...]
    kinds: tuple[str, ...] | None = None
    region: str = "US"
    delimiter: str | None = None
    encoding: str | None = None

    @property
    def column_names(self) -> list[str]:
        """The columns to redact, stripped, without blanks."""
        return [c.strip() for c in self.columns if c.strip()]

    def validate(self) -> None:
        """Raise unless the columns, kinds, region and output make sense.

        Raises:
            DeidError: no column; an unknown kind or region; an output format that is
                not CSV, Parquet or JSON Lines, a missing output folder, or an output
                that is the input.
        """
        from steward.deid.io import CSV_SUFFIXES, JSONL_SUFFIXES, PARQUET_SUFFIXES
        from steward.deid.redact import check_region, resolve_kinds

        if not self.column_names:
            raise DeidError("name the text columns to redact with --columns")
        resolve_kinds(self.kinds)
        check_region(self.region)
        out = self.out
        suffix = out.suffix.lower()
        if suffix not in CSV_SUFFIXES | PARQUET_SUFFIXES | JSONL_SUFFIXES:
            raise DeidError(
                f"{out}: write CSV (.csv, .tsv), Parquet (.parquet) or JSON Lines (.jsonl); "
                f"not '{suffix}'"
            )
        if not out.parent.is_dir():
            raise DeidError(f"{out.parent}: no such folder for the output")
        if out.exists() and self.source.exists() and same_file(out, self.source):
            raise DeidError(f"{out}: the output would overwrite the input")
