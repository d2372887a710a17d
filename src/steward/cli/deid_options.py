"""Options every ``steward deid`` command that reads a table shares."""

from __future__ import annotations

from typing import Annotated

import typer

Delimiter = Annotated[
    str | None, typer.Option("--delimiter", help="CSV delimiter [default: detected].")
]
Encoding = Annotated[
    str | None, typer.Option("--encoding", help="CSV encoding [default: detected].")
]
