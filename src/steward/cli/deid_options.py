"""Options every ``steward deid`` command that reads a table shares, and their parsing."""

from __future__ import annotations

from typing import Annotated

import typer

Delimiter = Annotated[
    str | None, typer.Option("--delimiter", help="CSV delimiter \\[default: detected].")
]
Encoding = Annotated[
    str | None, typer.Option("--encoding", help="CSV encoding \\[default: detected].")
]

EngineName = Annotated[
    str,
    typer.Option(
        "--engine", help="polars (one machine) or spark (the steward\\[spark] extra, Java 17)."
    ),
]
Master = Annotated[
    str | None,
    typer.Option("--master", help="The Spark master URL (spark://host:7077) \\[default: local]."),
]

MaxClasses = Annotated[
    int | None,
    typer.Option(
        "--max-classes",
        min=1,
        help="Spark only: the most classes (or distinct tuples) brought to the driver; "
        "raise it on a driver with the memory for more \\[default: 5,000,000].",
    ),
]


def names(text: str) -> tuple[str, ...]:
    """The column names of a comma-separated option, stripped, without blanks."""
    return tuple(name.strip() for name in text.split(",") if name.strip())
