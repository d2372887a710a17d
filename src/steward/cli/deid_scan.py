"""``steward deid scan``: find the personal data in a data file, column by column.

The command parses its options into a :class:`~steward.deid.ScanRequest`, has
:func:`~steward.deid.run_scan` carry it out, and prints the report.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from steward.cli.deid_options import Delimiter, Encoding, EngineName, Master
from steward.cli.errors import user_errors
from steward.deid import DEFAULT_SAMPLE

stdout = Console(highlight=False, soft_wrap=True, markup=False)


class ScanFormat(StrEnum):
    """How the scan report is printed."""

    TABLE = "table"
    JSON = "json"


def scan(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or JSON Lines.", show_default=False)],
    output_format: Annotated[
        ScanFormat, typer.Option("--format", help="table for people, json for tools.")
    ] = ScanFormat.TABLE,
    sample: Annotated[
        int, typer.Option("--sample", help="Non-null values sampled per column.")
    ] = DEFAULT_SAMPLE,
    delimiter: Delimiter = None,
    encoding: Encoding = None,
    region: Annotated[
        str, typer.Option("--region", help="Phone region for numbers without a +code.")
    ] = "US",
    show_examples: Annotated[
        bool,
        typer.Option("--show-examples", help="Show up to 3 masked values per flagged column."),
    ] = False,
    engine: EngineName = "polars",
    master: Master = None,
) -> None:
    """Report the kinds of personal data in each column, with evidence and a suggested role.

    Only counts are printed; values never are, unless --show-examples asks for masked ones.
    """
    from steward.deid import ScanRequest, run_scan  # the engine loads only when a command runs
    from steward.deid.scan import to_json, to_table

    request = ScanRequest(
        file,
        sample=sample,
        region=region,
        show_examples=show_examples,
        delimiter=delimiter,
        encoding=encoding,
        engine=engine,
        master=master,
    )
    with user_errors():
        result = run_scan(request)
    if output_format is ScanFormat.JSON:
        typer.echo(json.dumps(to_json(result.report, result.examples), indent=2))
    else:
        stdout.print(to_table(result.report, result.examples))
