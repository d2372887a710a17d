"""The requests that read a table and report on it: ``RiskRequest`` (``run_risk``) and
``ScanRequest`` (``run_scan``).

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

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from steward.deid.errors import DeidError
from steward.deid.limits import DEFAULT_SAMPLE, check_sample, risk_limit
from steward.deid.requests.sources import same_file

if TYPE_CHECKING:
    from steward.deid.requests.sources import Source

PER_RECORD_SUFFIXES: Final = (".csv", ".parquet")


@dataclass(frozen=True)
class RiskRequest:
    """Measure the re-identification risk of a table (``steward deid risk``).

    Attributes:
        source: the data file, or a table already open (a Polars ``LazyFrame``).
        qi: the quasi-identifiers; ``sensitive``: the sensitive columns.
        k: classes smaller than this are small cells; the default threshold is ``1/k``.
        population: the population's size, to estimate journalist and marketer risk.
        population_file: the population table, with the same quasi-identifiers (exact
            journalist and marketer risk); not with ``population``.
        threshold: a record is at risk above this risk (default ``1/k``).
        numeric / categorical: sensitive columns to treat as ordered numbers / as
            categories for t-closeness (others: numbers when every value is one).
        show_values: put the small cells' values (personal data) in the report.
        per_record: also write the input plus a ``reid_risk`` column here (.csv, .parquet):
            a file on Polars; on Spark a folder of part files of that format, put in
            place when complete.
        delimiter / encoding: of CSV files (detected when ``None``).
        engine: ``polars`` (one machine) or ``spark`` (Spark reads the files, aggregates
            the classes and writes the per-record folder; the ``steward[spark]`` extra);
            ``master``: the Spark master URL (``local[*]`` when not given);
            ``max_classes``: on Spark, the most aggregated rows (classes, or class and
            sensitive value pairs) brought to the driver (5,000,000 when not given).
    """

    source: Source
    qi: tuple[str, ...]
    sensitive: tuple[str, ...] = ()
    k: int = 5
    population: int | None = None
    population_file: Path | None = None
    threshold: float | None = None
    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    show_values: bool = False
    per_record: Path | None = None
    delimiter: str | None = None
    encoding: str | None = None
    engine: str = "polars"
    master: str | None = None
    max_classes: int | None = None

    def validate(self) -> None:
        """Raise unless the options make sense together.

        Raises:
            DeidError: no quasi-identifier; both population options, or a population
                below 1; a column both quasi-identifier and sensitive; a ``numeric`` or
                ``categorical`` column that is not sensitive, or both; a ``per_record``
                file that is not .csv/.parquet, is the input, or has no folder; ``k``
                below 1 or a threshold outside 0..1; an unknown engine, a ``master``
                without the Spark engine, or on Spark a source that is not a file.
        """
        if not self.qi:
            raise DeidError("give at least one quasi-identifier with --qi")
        check_engine(self.engine, self.master, self.source, self.max_classes)
        if self.population is not None and self.population_file is not None:
            raise DeidError("give --population or --population-file, not both")
        if self.population is not None and self.population < 1:
            raise DeidError("--population must be a positive number of people")
        overlap = set(self.qi) & set(self.sensitive)
        if overlap:
            raise DeidError(f"{', '.join(sorted(overlap))}: both a quasi-identifier and sensitive")
        for name in (*self.numeric, *self.categorical):
            if name not in self.sensitive:
                raise DeidError(f"--numeric/--categorical name {name!r}, which is not --sensitive")
        if set(self.numeric) & set(self.categorical):
            raise DeidError("a column cannot be both --numeric and --categorical")
        out = self.per_record
        if out is not None:
            if out.suffix.lower() not in PER_RECORD_SUFFIXES:
                raise DeidError(f"{out}: --per-record writes .csv or .parquet files")
            if same_file(out, self.source):
                raise DeidError(f"{out}: --per-record would overwrite the input file")
            if not out.parent.exists():
                raise DeidError(f"{out.parent}: no such folder")
        risk_limit(self.k, self.threshold)


ENGINES: Final = ("polars", "spark")
SPARK: Final = "spark"


def check_engine(
    engine: str, master: str | None, source: object, max_classes: int | None = None
) -> None:
    """Raise unless ``engine`` is known, ``master`` and ``max_classes`` go with Spark
    only, ``max_classes`` is at least 1, and a Spark source is a file (Spark reads it
    itself).

    Raises:
        DeidError: saying which.
    """
    if engine not in ENGINES:
        raise DeidError(f"unknown --engine {engine!r}; use one of {', '.join(ENGINES)}")
    if master is not None and engine != SPARK:
        raise DeidError("--master goes with --engine spark")
    if max_classes is not None and engine != SPARK:
        raise DeidError("--max-classes goes with --engine spark")
    if max_classes is not None and max_classes < 1:
        raise DeidError(f"--max-classes must be at least 1, not {max_classes}")
    if engine == SPARK and not isinstance(source, Path):
        raise DeidError("the Spark engine reads a file (CSV, Parquet or JSON Lines) itself")


@dataclass(frozen=True)
class ScanRequest:
    """Find the personal data in a file, column by column (``steward deid scan``).

    Attributes:
        source: the data file.
        sample: non-null values sampled per column.
        region: the phone region for numbers without a +code (any case).
        show_examples: also return up to 3 masked values per flagged column.
        delimiter / encoding: of a CSV file (detected when ``None``).
        engine: ``polars`` or ``spark`` (Spark reads the file and brings the first rows
            to the driver); ``master``: the Spark master URL (``local[*]`` by default).
    """

    source: Path
    sample: int = DEFAULT_SAMPLE
    region: str = "US"
    show_examples: bool = False
    delimiter: str | None = None
    encoding: str | None = None
    engine: str = "polars"
    master: str | None = None

    @property
    def region_code(self) -> str:
        """The phone region, upper-cased."""
        return self.region.upper()

    def validate(self) -> None:
        """Raise unless the phone region is known and the sample is positive.

        Raises:
            DeidError: the region is not one ``phonenumbers`` supports, or the sample
                is below 1; an unknown engine, or a master without Spark.
        """
        import phonenumbers

        if self.region_code not in phonenumbers.SUPPORTED_REGIONS:
            raise DeidError(
                f"unknown phone region {self.region_code!r}; use a code such as US, GB, IN"
            )
        check_sample(self.sample)
        check_engine(self.engine, self.master, self.source)
