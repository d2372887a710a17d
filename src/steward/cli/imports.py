"""``steward import``: load a CSV or Parquet file into a table, with its provenance.

Thin: reading the file, the checks and the writing are the vault's
(:func:`steward.vault.services.import_file`); this module turns options into a
statement of provenance, shows a progress bar and prints the outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from steward.cli.django_setup import DatabaseUrl, DataDir, open_vault
from steward.cli.errors import EXIT_FINDINGS, EXIT_UNUSABLE, plain_console, print_error, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KeysDir
from steward.cli.progress import counter

if TYPE_CHECKING:
    from steward.vault.services import ImportSummary

stdout = plain_console()


def import_command(
    plan: Annotated[Path, typer.Argument(help="The data management plan.", show_default=False)],
    file: Annotated[
        Path | None,
        typer.Argument(help="The .csv (with a header line) or .parquet file.", show_default=False),
    ] = None,
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="The id of the table to import into.")
    ] = None,
    source: Annotated[
        str, typer.Option("--source", help="Where the data came from (no personal data).")
    ] = "",
    legal_basis: Annotated[
        str,
        typer.Option(
            "--legal-basis",
            help="The legal basis of keeping it: one the plan's purposes of the table rest on.",
        ),
    ] = "",
    lawfully_collected: Annotated[
        bool,
        typer.Option(
            "--lawfully-collected",
            help="State that the data was lawfully collected (required to import).",
        ),
    ] = False,
    operator: Annotated[
        str, typer.Option("--operator", help="Who is importing (a staff user name).")
    ] = "",
    list_only: Annotated[
        bool,
        typer.Option("--list", help="List the provenance of every import instead (newest first)."),
    ] = False,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    database_url: DatabaseUrl = None,
    data_dir: DataDir = None,
) -> None:
    """Import FILE into the table --dataset of PLAN, all or nothing.

    Every column must be a field of the table, fields the plan never records are
    refused, and every row is checked like an intake answer; one bad row imports
    nothing, and every problem is listed by row and column. The provenance (source,
    legal basis, lawful collection, operator, time, the file's SHA-256) is recorded and
    each imported record points to it. With --list, show the provenance records.
    """
    if list_only:
        with user_errors():
            vault = open_vault(plan, keys_dir, database_url, data_dir)
            del vault
            from steward.vault.services import list_imports

            _print_imports(list_imports(dataset))
        return
    if file is None or dataset is None:
        print_error("give the file to import and --dataset ID (or --list)")
        raise typer.Exit(EXIT_UNUSABLE)
    from steward.vault.services import ImportRefused, ImportSource, import_file, read_import_file

    with user_errors():
        rows = read_import_file(file)
        vault = open_vault(plan, keys_dir, database_url, data_dir)
        stated = ImportSource(source, legal_basis, lawfully_collected, operator)
        try:
            with counter(f"importing {file.name}") as update:
                done = import_file(vault, dataset, rows, stated, progress=update)
        except ImportRefused as refused:
            print_error(refused)
            raise typer.Exit(EXIT_FINDINGS) from None
    stdout.print(
        f"imported {done.rows} rows into {done.dataset} (provenance {done.id}, "
        f"sha256 {done.sha256})"
    )


def _print_imports(rows: list[ImportSummary]) -> None:
    """One block per import, newest first: what it was, where from, on what basis, by whom."""
    if not rows:
        stdout.print("no imports yet")
        return
    for row in rows:
        stdout.print(f"import {row.id}")
        stdout.print(f"  imported:   {row.imported:%Y-%m-%d %H:%M} UTC by {row.operator}")
        stdout.print(f"  table:      {row.dataset} ({row.rows} rows, {row.file_format})")
        stdout.print(f"  columns:    {', '.join(row.columns)}")
        stdout.print(f"  source:     {row.source}")
        stdout.print(f"  legal basis: {row.legal_basis}")
        stdout.print(f"  lawfully collected: {'yes' if row.lawfully_collected else 'no'}")
        stdout.print(f"  file sha256: {row.sha256}")
