"""``steward deid scan``: find the personal data in a data file, column by column."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import phonenumbers
import typer
from rich.console import Console

from steward.cli.deid_options import Delimiter, Encoding
from steward.cli.errors import user_errors
from steward.deid import DeidError, collect, read_table
from steward.deid.scan import DEFAULT_SAMPLE, masked_examples, scan_file, to_json, to_table

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
) -> None:
    """Report the kinds of personal data in each column, with evidence and a suggested role.

    Only counts are printed; values never are, unless --show-examples asks for masked ones.
    """
    with user_errors():
        region = region.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise DeidError(f"unknown phone region {region!r}; use a code such as US, GB, IN")
        report = scan_file(
            file, sample=sample, delimiter=delimiter, encoding=encoding, region=region
        )
        examples = None
        if show_examples:
            head = collect(read_table(file, delimiter=delimiter, encoding=encoding).head(50), file)
            examples = masked_examples(head, report)
    if output_format is ScanFormat.JSON:
        typer.echo(json.dumps(to_json(report, examples), indent=2))
    else:
        stdout.print(to_table(report, examples))
