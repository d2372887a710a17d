"""``steward deid anonymize``: the optimal full-domain generalization of a data file.

The command parses its options into an :class:`~steward.deid.AnonymizeRequest`, has
:func:`~steward.deid.run_anonymize` carry it out, and prints what was chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from steward.cli.deid_options import (
    Delimiter,
    Encoding,
    EngineName,
    Master,
    MaxClasses,
    names,
)
from steward.cli.errors import user_errors
from steward.cli.progress import activity

if TYPE_CHECKING:
    from steward.deid.search import Anonymization

stdout = Console(highlight=False, soft_wrap=True)


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
            help=(
                "Folder of ARX hierarchies (C.csv or *_hierarchy_C.csv) \\[default: FILE's folder]."
            ),
        ),
    ] = None,
    max_suppression: Annotated[
        float,
        typer.Option("--max-suppression", help="Largest share of records to suppress (0 to 1)."),
    ] = 0.0,
    metric: Annotated[
        str, typer.Option("--metric", help="loss (ARX default), entropy or discernibility.")
    ] = "loss",
    search: Annotated[
        str,
        typer.Option(
            "--search",
            help="auto (optimal up to 2,000,000 lattice nodes, greedy beyond), optimal or greedy.",
        ),
    ] = "auto",
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write a self-contained report: R.html, or R.pdf for PDF.",
        ),
    ] = None,
    delimiter: Delimiter = None,
    encoding: Encoding = None,
    engine: EngineName = "polars",
    master: Master = None,
    max_classes: MaxClasses = None,
) -> None:
    """Generalize (and suppress) quasi-identifiers with the least information loss that
    meets k-anonymity (and l-diversity / t-closeness)."""
    from steward.deid import AnonymizeRequest, run_anonymize  # the engine loads only now

    request = AnonymizeRequest(
        file,
        qi=names(qi),
        out=out,
        k=k,
        l=l_diversity,
        sensitive=sensitive,
        t=t_closeness,
        hierarchies=hierarchies,
        max_suppression=max_suppression,
        metric=metric,
        search=search,
        report=report,
        delimiter=delimiter,
        encoding=encoding,
        engine=engine,
        master=master,
        max_classes=max_classes,
    )
    with user_errors():
        with activity() as (stage, count):
            result = run_anonymize(request, stage=stage, progress=count)
        _print(result)


def _print(result: Anonymization) -> None:
    levels = Table(title="Generalization chosen")
    levels.add_column("quasi-identifier")
    levels.add_column("level", justify="right")
    levels.add_column("loss", justify="right")
    for name, level in result.levels.items():
        levels.add_row(escape(name), str(level), f"{result.attribute_loss[name]:.4f}")
    stdout.print(levels)
    if result.hierarchies:
        stdout.print("hierarchies used:")
        for name, chosen in result.hierarchies.items():
            stdout.print(f"  {escape(name)}: {escape(chosen.describe())}")
    if result.hierarchy_files:
        folders = sorted({str(path.parent) for path in result.hierarchy_files.values()})
        files = ", ".join(path.name for path in result.hierarchy_files.values())
        stdout.print(f"hierarchies written to {escape(', '.join(folders))}: {escape(files)}")
    search = result.search
    share = result.suppressed / result.records if result.records else 0.0
    stdout.print(
        f"k achieved: {result.k_achieved}  suppressed: {result.suppressed} records ({share:.2%})\n"
        f"loss (ARX): {result.loss:.4f}  non-uniform entropy: {result.entropy:,.1f} bits  "
        f"score: {result.score:.6g}\n"
        f"lattice: {search.lattice_size} nodes, {search.checked} checked, "
        f"{search.scored} scored, {search.strategy} search {search.seconds * 1000:.0f} ms"
    )
