"""``steward deid risk``: measure the re-identification risk of a data file.

The command parses its options into a :class:`~steward.deid.RiskRequest`, has
:func:`~steward.deid.run_risk` carry it out, and prints the report.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from steward.cli.deid_options import (
    Delimiter,
    Encoding,
    EngineName,
    Master,
    MaxClasses,
    names,
)
from steward.cli.errors import user_errors
from steward.cli.progress import spinner

if TYPE_CHECKING:
    from steward.deid.risk import RiskReport

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
        typer.Option("--threshold", help="A record is at risk above this risk \\[default: 1/k]."),
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
        typer.Option(
            "--per-record",
            help="Write the input plus a reid_risk column (.csv/.parquet; with --engine "
            "spark, a folder of part files).",
        ),
    ] = None,
    delimiter: Delimiter = None,
    encoding: Encoding = None,
    engine: EngineName = "polars",
    master: Master = None,
    max_classes: MaxClasses = None,
    output_format: Annotated[
        RiskFormat, typer.Option("--format", help="table for people, json for tools.")
    ] = RiskFormat.TABLE,
) -> None:
    """Measure k-anonymity, l-diversity, t-closeness, uniqueness and re-identification risk."""
    from steward.deid import RiskRequest, run_risk  # the engine loads only when a command runs

    request = RiskRequest(
        file,
        qi=names(qi),
        sensitive=names(sensitive),
        k=k,
        population=population,
        population_file=population_file,
        threshold=threshold,
        numeric=names(numeric),
        categorical=names(categorical),
        show_values=show_values,
        per_record=per_record,
        delimiter=delimiter,
        encoding=encoding,
        engine=engine,
        master=master,
        max_classes=max_classes,
    )
    with user_errors(), spinner() as stage:
        report = run_risk(request, stage=stage).report
    if output_format is RiskFormat.JSON:
        typer.echo(report.to_json())
    else:
        print_report(report, stdout)


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
