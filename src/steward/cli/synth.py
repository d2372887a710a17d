"""``steward synth``: realistic fake records for a plan's dataset, for acceptance testing.

The records describe nobody: names and addresses from Faker, phone numbers in fictional
ranges, emails at reserved example domains. Fields marked ``never`` have no column.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from steward.cli.errors import EXIT_UNUSABLE, stderr, user_errors
from steward.errors import StewardError
from steward.policy import Plan, load_plan

stdout = Console(highlight=False, soft_wrap=True, markup=False)
MAX_ROWS = 10_000_000


def synth(
    plan: Annotated[Path, typer.Argument(help="The data management plan (YAML).")],
    dataset: Annotated[str, typer.Option("--dataset", help="The plan dataset to imitate.")],
    rows: Annotated[int, typer.Option("--rows", min=1, help="How many records.")] = 1000,
    out: Annotated[
        Path | None, typer.Option("--out", help="CSV or JSON Lines file (default: DATASET.csv).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed, for the same records every run.")] = 2026,
) -> None:
    """Write ROWS fake records with the columns of one of the plan's datasets."""
    if rows > MAX_ROWS:
        stderr.print(f"error: at most {MAX_ROWS:,} rows")
        raise typer.Exit(EXIT_UNUSABLE)
    with user_errors():
        loaded = load_plan(plan)
        try:
            spec = loaded.plan.dataset(dataset)
        except KeyError:
            known = ", ".join(d.id for d in loaded.plan.datasets)
            raise StewardError(f"{plan}: no dataset '{dataset}'; the plan has {known}") from None
        target = out or Path(f"{dataset}.csv")
        columns = [f.name for f in spec.collected_fields]
        written = _write(loaded.plan, dataset, columns, rows, seed, target)
    stdout.print(f"wrote {written:,} fake records of '{dataset}' to {target}")


def _write(plan: Plan, dataset: str, columns: list[str], rows: int, seed: int, target: Path) -> int:
    from steward.synthetic import fake_submission, new_faker

    suffix = target.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise StewardError(f"{target}: write .csv or .jsonl")
    faker = new_faker(seed)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with (
            temporary.open("w", encoding="utf-8", newline="") as handle,
            Progress(console=stderr, transient=True) as progress,
        ):
            task = progress.add_task("making records", total=rows)
            writer = csv.writer(handle) if suffix == ".csv" else None
            if writer is not None:
                writer.writerow(columns)
            for number in range(rows):
                answers = fake_submission(plan, dataset, faker)
                if writer is not None:
                    writer.writerow([answers.get(c, "") for c in columns])
                else:
                    handle.write(json.dumps({c: answers.get(c) for c in columns}) + "\n")
                if number % 1000 == 999:
                    progress.update(task, completed=number + 1)
        temporary.replace(target)
    except OSError as error:
        raise StewardError(f"{target}: cannot write ({error.strerror})") from None
    finally:
        temporary.unlink(missing_ok=True)
    return rows
