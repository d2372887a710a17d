"""``steward deid apply``: run a de-identification recipe and write its manifest.

The command parses its options into an :class:`~steward.deid.ApplyRequest`, has
:func:`~steward.deid.run_apply` carry it out, and prints what was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from steward.cli.deid_options import Delimiter, Encoding, EngineName, Master, MaxClasses
from steward.cli.errors import user_errors
from steward.cli.key_options import DEFAULT_KEYS_DIR, KeysDir
from steward.cli.progress import stages

stdout = Console(highlight=False, soft_wrap=True)


def apply(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or JSON Lines.", show_default=False)],
    recipe: Annotated[
        Path, typer.Option("--recipe", help="The recipe (YAML).", show_default=False)
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="The output: .csv, .tsv or .parquet (with --engine spark, a folder of "
            "part files: OUT/part-*.parquet, or OUT/part-*.csv each with a header).",
            show_default=False,
        ),
    ],
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file", help="A key file (32+ bytes, raw or hex) instead of the keys folder."
        ),
    ] = None,
    delimiter: Delimiter = None,
    encoding: Encoding = None,
    engine: EngineName = "polars",
    master: Master = None,
    max_classes: MaxClasses = None,
) -> None:
    """Apply RECIPE to FILE; write OUT and OUT.manifest.json (what was done, risk before/after).

    With --engine spark, Spark reads, transforms and writes: the rows are the polars
    engine's (in another order), OUT is a folder of part files, and a recipe with noise
    is refused.
    """
    from steward.deid import ApplyRequest, run_apply  # the engine loads only when a command runs
    from steward.deid.transforms import manifest_path

    request = ApplyRequest(
        file,
        recipe,
        out,
        keys_dir=keys_dir,
        key_file=key_file,
        delimiter=delimiter,
        encoding=encoding,
        engine=engine,
        master=master,
        max_classes=max_classes,
    )
    with user_errors(), stages(4 if engine != "spark" else 7) as stage:
        manifest = run_apply(request, stage=stage)
    rows_in, rows_out = manifest["input"]["rows"], manifest["output"]["rows"]
    stdout.print(f"wrote {escape(str(out))}: {rows_out} rows (input {rows_in})")
    stdout.print(
        f"{len(manifest['operations'])} operations; manifest {escape(str(manifest_path(out)))}"
    )
    risk: dict[str, Any] | None = manifest["risk"]
    if risk:
        before, after = risk["input"], risk["output"]
        stdout.print(
            f"k before: {before.get('k')}, after: {after.get('k')} (target {risk['k']}); "
            f"records below k before: {before.get('records_below_k')}, "
            f"after: {after.get('records_below_k')}"
        )
