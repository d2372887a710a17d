"""``steward deid anonymize``: the optimal full-domain generalization of a data file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from steward.cli.deid_options import Delimiter, Encoding
from steward.cli.errors import stderr, user_errors
from steward.cli.progress import counter
from steward.deid import DataFileError, DeidError, collect, read_table
from steward.deid.report import write as write_report
from steward.deid.search import (
    METRICS,
    Anonymization,
    MetricName,
    Settings,
    UsedHierarchy,
    anonymize,
    hierarchies_for,
    write_hierarchies,
)

stdout = Console(highlight=False, soft_wrap=True)
OUTPUT_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq")


def anonymize_command(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or JSON Lines.", show_default=False)],
    qi: Annotated[str, typer.Option("--qi", help="Quasi-identifier columns, comma-separated.")],
    out: Annotated[
        Path, typer.Option("--out", help="Where to write the result (.csv, .tsv or .parquet).")
    ],
    k: Annotated[int, typer.Option("--k", help="The least class size (at least 2).")] = 5,
    l_diversity: Annotated[
        int | None, typer.Option("--l", help="Distinct l-diversity of --sensitive.")
    ] = None,
    sensitive: Annotated[
        str | None, typer.Option("--sensitive", help="The sensitive column for --l / --t.")
    ] = None,
    t_closeness: Annotated[
        float | None, typer.Option("--t", help="t-closeness of --sensitive (0 to 1).")
    ] = None,
    hierarchies: Annotated[
        Path | None,
        typer.Option(
            "--hierarchies",
            help="Folder of ARX hierarchies (C.csv, C_hierarchy.csv or *_hierarchy_C.csv); "
            "columns without one get a built-in [default: FILE's folder].",
        ),
    ] = None,
    max_suppression: Annotated[
        float,
        typer.Option("--max-suppression", help="Largest share of records to suppress (0 to 1)."),
    ] = 0.0,
    metric: Annotated[
        str, typer.Option("--metric", help="loss (ARX default), entropy or discernibility.")
    ] = "loss",
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write a self-contained HTML report.")
    ] = None,
    delimiter: Delimiter = None,
    encoding: Encoding = None,
) -> None:
    """Generalize (and suppress) quasi-identifiers with the least information loss that
    meets k-anonymity (and l-diversity / t-closeness). The hierarchies used are written
    beside --out as ARX files (C_hierarchy.csv), to review and pass back."""
    with user_errors():
        columns = tuple(c.strip() for c in qi.split(",") if c.strip())
        if metric not in METRICS:
            raise DeidError(f"unknown --metric {metric!r}; use one of {', '.join(METRICS)}")
        chosen: MetricName = metric  # type: ignore[assignment]
        settings = Settings(
            qi=columns,
            k=k,
            max_suppression=max_suppression,
            sensitive=sensitive,
            l=l_diversity,
            t=t_closeness,
            metric=chosen,
        )
        _check_out(out, file)
        frame = read_table(file, delimiter=delimiter, encoding=encoding)
        settings.check(list(frame.collect_schema().names()))
        folder = hierarchies if hierarchies is not None else file.parent
        with stderr.status(f"reading {file.name} and choosing hierarchies"):
            table = collect(frame, file)
            used = hierarchies_for(table, columns, folder)
        coded = {column: chosen.hierarchy for column, chosen in used.items()}
        with counter("searching the generalization lattice (nodes)") as update:
            result = anonymize(table, settings, coded, progress=update)
        _write(result.table, out)
        written = write_hierarchies(used, out.parent)
        if report is not None:
            write_report(report, result, settings, file.name)
        _print(result, used, written)


def _check_out(out: Path, source: Path) -> None:
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise DeidError(f"{out}: write the result as .csv, .tsv or .parquet")
    if out.exists() and source.exists() and out.resolve() == source.resolve():
        raise DeidError(f"{out}: will not overwrite the input file")


def _write(table: pl.DataFrame, out: Path) -> None:
    try:
        suffix = out.suffix.lower()
        if suffix in (".parquet", ".pq"):
            table.write_parquet(out)
        else:
            table.write_csv(out, separator="\t" if suffix == ".tsv" else ",")
    except OSError as error:
        raise DataFileError(f"{out}: cannot be written ({error.strerror})") from None


def _print(result: Anonymization, used: dict[str, UsedHierarchy], written: dict[str, Path]) -> None:
    stdout.print("hierarchies used:")
    for name, chosen in used.items():
        stdout.print(f"  {escape(name)}: {escape(chosen.describe())}")
    folders = sorted({str(path.parent) for path in written.values()})
    names = ", ".join(path.name for path in written.values())
    stdout.print(f"hierarchies written to {escape(', '.join(folders))}: {escape(names)}")
    levels = Table(title="Generalization chosen")
    levels.add_column("quasi-identifier")
    levels.add_column("level", justify="right")
    levels.add_column("loss", justify="right")
    for name, level in result.levels.items():
        levels.add_row(escape(name), str(level), f"{result.attribute_loss[name]:.4f}")
    stdout.print(levels)
    search = result.search
    share = result.suppressed / result.records if result.records else 0.0
    stdout.print(
        f"k achieved: {result.k_achieved}  suppressed: {result.suppressed} records ({share:.2%})\n"
        f"loss (ARX): {result.loss:.4f}  non-uniform entropy: {result.entropy:,.1f} bits  "
        f"score: {result.score:.6g}\n"
        f"lattice: {search.lattice_size} nodes, {search.checked} checked, "
        f"{search.scored} scored, search {search.seconds * 1000:.0f} ms"
    )
