"""``steward deid redact``: replace personal data inside text columns with placeholders.

The command parses its options into a :class:`~steward.deid.RedactRequest`, has
:func:`~steward.deid.run_redact` carry it out, and prints the counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from steward.cli.deid_options import Delimiter, Encoding
from steward.cli.errors import plain_console, user_errors

stdout = plain_console()


def redact(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or JSON Lines.", show_default=False)],
    columns: Annotated[
        str,
        typer.Option(
            "--columns", help="Text columns to redact, comma-separated.", show_default=False
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="The output: .csv, .tsv, .parquet or .jsonl.", show_default=False
        ),
    ],
    kinds: Annotated[
        str | None,
        typer.Option(
            "--kinds",
            help="Only these kinds, comma-separated: person, email, phone, card... "
            "(default: all kinds).",
        ),
    ] = None,
    region: Annotated[
        str, typer.Option("--region", help="Phone region for numbers without a +code.")
    ] = "US",
    delimiter: Delimiter = None,
    encoding: Encoding = None,
) -> None:
    """Replace each name, email, phone, address, card, IBAN, SSN, IP, date... inside
    COLUMNS of FILE with a typed placeholder ([PERSON], [EMAIL]...) and write OUT.

    Every other column is written unchanged, in the same row order.
    Only counts are printed, never the values found.
    """
    from steward.deid import RedactRequest, run_redact  # the engine loads only when a command runs

    request = RedactRequest(
        file,
        out,
        tuple(columns.split(",")),
        kinds=tuple(kinds.split(",")) if kinds is not None else None,
        region=region,
        delimiter=delimiter,
        encoding=encoding,
    )
    with user_errors():
        result = run_redact(request)
    stdout.print(f"wrote {out}: {result.rows} rows, {result.total} spans redacted")
    for column, per_kind in result.spans.items():
        found = ", ".join(f"{kind} {count}" for kind, count in sorted(per_kind.items()))
        stdout.print(f"  {column}: {found or 'nothing found'}")
