"""``steward deid risk``: measure the re-identification risk of a data file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from steward.cli.deid_options import Delimiter, Encoding
from steward.cli.errors import stderr, user_errors
from steward.deid import (
    ClassTable,
    DataFileError,
    DeidError,
    PolarsEngine,
    column_names,
    read_table,
    require_columns,
)
from steward.deid.risk import RiskReport, measure_risk

RISK_COLUMN = "reid_risk"
_SIZE_COLUMN = "__steward_class_size"

stdout = Console(highlight=False, soft_wrap=True)


class RiskFormat(StrEnum):
    """How the risk report is printed."""

    TABLE = "table"
    JSON = "json"


def risk(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or JSON Lines.", show_default=False)],
    qi: Annotated[str, typer.Option("--qi", help="Quasi-identifier columns, comma-separated.")],
    sensitive: Annotated[
        str, typer.Option("--sensitive", help="Sensitive columns, comma-separated.")
    ] = "",
    k: Annotated[int, typer.Option("--k", help="Classes smaller than this are small cells.")] = 5,
    population: Annotated[
        int | None,
        typer.Option("--population", help="Population size, to estimate journalist risk."),
    ] = None,
    population_file: Annotated[
        Path | None,
        typer.Option("--population-file", help="The population table, with the same QIs."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="A record is at risk above this risk [default: 1/k]."),
    ] = None,
    numeric: Annotated[
        str, typer.Option("--numeric", help="Sensitive columns to treat as ordered numbers.")
    ] = "",
    categorical: Annotated[
        str, typer.Option("--categorical", help="Sensitive columns to treat as categories.")
    ] = "",
    show_values: Annotated[
        bool, typer.Option("--show-values", help="Print the small cells' values (personal data).")
    ] = False,
    per_record: Annotated[
        Path | None,
        typer.Option("--per-record", help="Write the input plus a reid_risk column (CSV/Parquet)."),
    ] = None,
    delimiter: Delimiter = None,
    encoding: Encoding = None,
    output_format: Annotated[
        RiskFormat, typer.Option("--format", help="table for people, json for tools.")
    ] = RiskFormat.TABLE,
) -> None:
    """Measure k-anonymity, l-diversity, t-closeness, uniqueness and re-identification risk."""
    with user_errors():
        report = _measure(
            file,
            qi=_columns(qi),
            sensitive=_columns(sensitive),
            k=k,
            population=population,
            population_file=population_file,
            threshold=threshold,
            numeric=_columns(numeric),
            categorical=_columns(categorical),
            show_values=show_values,
            per_record=per_record,
            delimiter=delimiter,
            encoding=encoding,
        )
    if output_format is RiskFormat.JSON:
        typer.echo(report.to_json())
    else:
        print_report(report, stdout)


def _columns(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _measure(
    file: Path,
    *,
    qi: list[str],
    sensitive: list[str],
    k: int,
    population: int | None,
    population_file: Path | None,
    threshold: float | None,
    numeric: list[str],
    categorical: list[str],
    show_values: bool,
    per_record: Path | None,
    delimiter: str | None,
    encoding: str | None,
) -> RiskReport:
    if not qi:
        raise DeidError("give at least one quasi-identifier with --qi")
    if population is not None and population_file is not None:
        raise DeidError("give --population or --population-file, not both")
    if population is not None and population < 1:
        raise DeidError("--population must be a positive number of people")
    overlap = set(qi) & set(sensitive)
    if overlap:
        raise DeidError(f"{', '.join(sorted(overlap))}: both a quasi-identifier and sensitive")
    for name in (*numeric, *categorical):
        if name not in sensitive:
            raise DeidError(f"--numeric/--categorical name {name!r}, which is not --sensitive")
    if set(numeric) & set(categorical):
        raise DeidError("a column cannot be both --numeric and --categorical")
    if per_record is not None:
        _check_output(file, per_record)
    table = read_table(file, delimiter=delimiter, encoding=encoding)
    require_columns(table, [*qi, *sensitive], file)
    engine = PolarsEngine()
    population_classes = None
    if population_file is not None:
        people = read_table(population_file, delimiter=delimiter, encoding=encoding)
        require_columns(people, qi, population_file)
        # Compare values as text, so a CSV sample matches a typed Parquet population.
        table = table.with_columns(pl.col(qi).cast(pl.String))
        population_classes = _classes(
            engine, people.with_columns(pl.col(qi).cast(pl.String)), qi, [], population_file, True
        )
    # Class values are needed only to match a population or to print small cells.
    keep_values = show_values or population_file is not None
    classes = _classes(engine, table, qi, sensitive, file, keep_values)
    ordered = dict.fromkeys(numeric, True) | dict.fromkeys(categorical, False)
    report = measure_risk(
        classes,
        k=k,
        population=population_classes if population_classes is not None else population,
        threshold=threshold,
        ordered=ordered,
        show_values=show_values,
    )
    if per_record is not None:
        _write_per_record(
            engine, read_table(file, delimiter=delimiter, encoding=encoding), qi, file, per_record
        )
    return report


def _classes(
    engine: PolarsEngine,
    table: pl.LazyFrame,
    qi: list[str],
    sensitive: list[str],
    file: Path,
    keep_values: bool,
) -> ClassTable:
    with stderr.status(f"Grouping {file.name} by {len(qi)} quasi-identifiers..."):
        try:
            return engine.classes(table, qi, sensitive, keep_values=keep_values)
        except (pl.exceptions.PolarsError, OSError) as error:
            raise DataFileError(f"{file}: cannot be read: {_first_line(error)}") from None


def _check_output(source: Path, out: Path) -> None:
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise DeidError(f"{out}: --per-record writes .csv or .parquet files")
    if out.resolve() == source.resolve():
        raise DeidError(f"{out}: --per-record would overwrite the input file")
    if not out.parent.exists():
        raise DeidError(f"{out.parent}: no such folder")


def _write_per_record(
    engine: PolarsEngine, table: pl.LazyFrame, qi: list[str], source: Path, out: Path
) -> None:
    if RISK_COLUMN in column_names(table):
        raise DeidError(f"{source}: already has a column named {RISK_COLUMN!r}")
    with_risk = (
        engine.with_class_size(table, qi, _SIZE_COLUMN)
        .with_columns((1.0 / pl.col(_SIZE_COLUMN)).alias(RISK_COLUMN))
        .drop(_SIZE_COLUMN)
    )
    with stderr.status(f"Writing per-record risk to {out.name}..."):
        try:
            if out.suffix.lower() == ".parquet":
                with_risk.sink_parquet(out)
            else:
                with_risk.sink_csv(out)
        except (pl.exceptions.PolarsError, OSError) as error:
            raise DataFileError(f"{out}: cannot be written: {_first_line(error)}") from None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


def _share(value: float | None) -> str:
    return (
        "-"
        if value is None
        else f"{value:.2%}"
        if value >= 0.0001 or value == 0
        else f"{value:.2e}"
    )


def print_report(report: RiskReport, console: Console) -> None:
    """Print ``report`` for people: k, class sizes, risks, l and t, small cells."""
    console.print(
        Text.assemble(
            (f"{report.records:,} records", "bold"),
            f", {report.classes:,} classes over {', '.join(report.qi)}",
        )
    )
    verdict = ("met", "green") if report.k_anonymous else ("not met", "red")
    console.print(
        Text.assemble(
            "k-anonymity: k = ",
            (str(report.k), "bold"),
            f" (target {report.k_target}: ",
            verdict,
            f"); {report.records_below_k:,} records in {report.classes_below_k:,} classes "
            f"smaller than {report.k_target}",
        )
    )
    console.print(
        f"sample uniqueness: {_share(report.sample_uniqueness)} "
        f"({report.unique_records:,} records unique on the quasi-identifiers)"
    )
    sizes = Table(title="Class sizes", title_justify="left")
    for name in ("size", "classes", "records"):
        sizes.add_column(name, justify="right")
    for bucket in report.histogram:
        if bucket.classes:
            sizes.add_row(bucket.label, f"{bucket.classes:,}", f"{bucket.records:,}")
    console.print(sizes)
    risks = Table(title="Re-identification risk", title_justify="left")
    risks.add_column("attacker")
    for name in ("highest", "average", "records at risk"):
        risks.add_column(name, justify="right")
    for model in (report.prosecutor, report.journalist, report.marketer):
        risks.add_row(
            model.model,
            _share(model.highest),
            _share(model.average),
            _share(model.records_at_risk),
        )
    console.print(risks)
    if report.prosecutor.threshold is not None:
        console.print(f"records at risk: risk above {report.prosecutor.threshold:.4g}")
    if report.sensitive:
        diversity = Table(title="l-diversity and t-closeness", title_justify="left")
        diversity.add_column("sensitive")
        diversity.add_column("distance")
        for name in ("distinct l", "entropy l", "recursive (c,l)", "t"):
            diversity.add_column(name, justify="right")
        for item in report.sensitive:
            recursive = (
                "-"
                if item.recursive_c is None
                else f"c > {item.recursive_c:.3g}, l = {item.recursive_l}"
            )
            diversity.add_row(
                escape(item.column),
                "ordered" if item.ordered else "equal",
                str(item.distinct_l),
                f"{item.entropy_l:.3f}",
                recursive,
                f"{item.t:.4f}",
            )
        console.print(diversity)
    _print_small_cells(report, console)
    model_notes = [f"{m.model}: {m.note}" for m in (report.journalist, report.marketer) if m.note]
    for note in (*model_notes, *report.notes):
        console.print(f"note: {escape(note)}")


def _print_small_cells(report: RiskReport, console: Console) -> None:
    cells = report.small_cells
    if not cells.by_size:
        console.print(f"small cells: none (every combination has at least {cells.k} records)")
        return
    table = Table(
        title=f"Small cells (fewer than {cells.k} records): {cells.classes:,} combinations, "
        f"{cells.records:,} records",
        title_justify="left",
    )
    for name in ("size", "combinations", "records"):
        table.add_column(name, justify="right")
    for row in cells.by_size:
        table.add_row(str(row.size), f"{row.classes:,}", f"{row.records:,}")
    console.print(table)
    if cells.values:
        values = Table(title="Small cells' values", title_justify="left")
        names = list(cells.values[0])
        for name in names:
            values.add_column(escape(name))
        for combination in cells.values:
            values.add_row(
                *(escape("" if combination[n] is None else str(combination[n])) for n in names)
            )
        console.print(values)
    else:
        console.print("(values hidden; --show-values prints them)")
