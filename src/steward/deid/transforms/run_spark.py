"""Run a recipe on Spark (``steward deid apply --engine spark``): Spark reads, transforms
and writes; the output is a folder of part files.

The rows are the Polars engine's rows: the row-wise steps are the Polars code run on
each Arrow batch (:mod:`.spark_batches`), the checks are counted over the whole table
before anything is written, and local suppression runs in Spark over class sizes of
the whole table. The order of the rows is not kept (suppression regroups them).

Noise is refused: its stream follows the rows' order, which Spark does not keep, so the
same recipe would not give the Polars engine's rows.

The output folder (``OUT/part-*.parquet``, or ``OUT/part-*.csv`` each with a header) is
written under a temporary name beside ``OUT`` and renamed into place, replacing an
earlier file or Spark output folder, only once it and its manifest are complete
(:mod:`steward.deid.io_spark`'s writer); any other folder at ``OUT`` is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import polars as pl

from steward.deid.engine import CLASS_SIZE
from steward.deid.engine_spark import (
    SparkEngine,
    _column,
    persisted,
    require_pyspark,
    spark_session,
)
from steward.deid.errors import DataFileError, DeidError
from steward.deid.io import PARQUET_SUFFIXES
from steward.deid.io_spark import (
    _csv_options,
    check_output_spark,
    partial_beside,
    put_in_place,
    read_table_spark,
    spark_problem,
    write_parts_spark,
)
from steward.deid.recipe import LoadedRecipe, load_recipe
from steward.deid.requests.transforming import ApplyRequest
from steward.deid.spark_batches import (
    arrow_schema,
    polars_schema,
    spark_schema,
    text_schema,
)
from steward.deid.transforms.keys import DeidKeys, load_keys
from steward.deid.transforms.pipeline import (
    Applied,
    Parsing,
    check_expressions,
    decide,
    prepare,
    suppression_k,
    suppression_record,
    transform,
)
from steward.deid.transforms.run import (
    _json,
    build_manifest,
    input_risk,
    manifest_path,
    risk_section,
)
from steward.deid.transforms.spark_batches import (
    CountChecks,
    TransformBatches,
    count_names,
    named_counts,
)

PARTS_FORMAT: Final = {"parquet": "parquet parts", "csv": "csv parts"}
"""The manifest's ``output.format`` on Spark: a folder of part files."""


def run_apply_spark(
    request: ApplyRequest,
    *,
    stage: Callable[[str], None] | None = None,
    session: Any = None,
) -> dict[str, Any]:
    """:func:`~steward.deid.transforms.run.run_apply` on Spark: write ``request.out`` as a
    folder of part files and its manifest beside it; return the manifest.

    ``session`` is the Spark session to use; by default the active one, or a new one on
    ``request.master`` (:func:`~steward.deid.engine_spark.spark_session`).

    Raises:
        RecipeError: the recipe is invalid or does not fit the data (the same problems,
            with the same messages, as on the Polars engine).
        DataFileError: the input cannot be read; ``request.out`` is a folder that is
            not Spark output, or the finished folder cannot be put in its place.
        DeidError: the request is invalid, the recipe adds noise, a needed key is
            missing, Spark cannot start, more classes than ``request.max_classes``
            would reach the driver, or its job fails (the kind of failure only, never a
            value).
        KeyStoreError: the managed key file is missing, malformed or unsafe.
    """
    request.validate()
    check_output_spark(request.out)
    step = stage or (lambda stage: None)
    step("reading the recipe and the data")
    loaded = load_recipe(request.recipe)
    _refuse_noise(loaded)
    keys = None
    if loaded.recipe.needs_key():
        keys = load_keys(
            keys_dir=request.keys_dir, key_file=request.key_file, name=loaded.recipe.key
        )
    if session is None:
        step(f"starting Spark on {request.master or 'local[*]'}")
        session = spark_session(request.master)
    frame = read_table_spark(
        request.source, session=session, delimiter=request.delimiter, encoding=request.encoding
    )
    out = request.out
    temp_out = partial_beside(out)
    temp_manifest = temp_out.with_name(temp_out.name + ".json")
    engine = SparkEngine(max_classes=request.max_classes)
    try:
        with _spark_errors(request.source):
            # The input's risk first: too many classes for the driver is found before
            # the table is transformed and written, not after.
            step("measuring the input's risk")
            before = input_risk(loaded, frame, engine)
            kind = "parquet" if out.suffix.lower() in PARQUET_SUFFIXES else "csv"
            with contextlib.ExitStack() as held:
                applied, result = _plan(frame, loaded, keys, step, held)
                step(f"transforming and writing {out.name}")
                write_parts_spark(result, temp_out, out)
            written = _read_back(session, temp_out, kind, result.schema, out.suffix.lower())
            step("measuring the output's risk")
            risk = risk_section(loaded, before, written, engine)
            rows = (int(frame.count()), int(written.count()))
        step("writing the manifest")
        manifest = build_manifest(
            request,
            loaded,
            keys,
            applied,
            rows=rows,
            columns=(list(frame.columns), list(written.columns)),
            output_format=PARTS_FORMAT[kind],
            risk=risk,
        )
        temp_manifest.write_text(json.dumps(manifest, indent=2, default=_json) + "\n")
        put_in_place(temp_out, out)
        os.replace(temp_manifest, manifest_path(out))
    except BaseException:
        shutil.rmtree(temp_out, ignore_errors=True)
        with contextlib.suppress(OSError):
            temp_manifest.unlink()
        raise
    return manifest


def _refuse_noise(loaded: LoadedRecipe) -> None:
    """Raise if the recipe adds noise, which Spark cannot reproduce row for row."""
    noisy = [column for column, steps in loaded.recipe.columns.items() if steps.noise]
    if noisy:
        raise DeidError(
            f"column {noisy[0]!r}: 'noise' draws its values in the order of the rows, which "
            "Spark does not keep; apply this recipe with --engine polars"
        )


def _plan(
    frame: Any,
    loaded: LoadedRecipe,
    keys: DeidKeys | None,
    step: Callable[[str], None],
    held: contextlib.ExitStack,
) -> tuple[Applied, Any]:
    """The record of what the recipe does, and the Spark plan of its output.

    With local suppression the transformed table is counted, then suppressed and
    written: it is cached in ``held`` (released when ``held`` closes) so that the
    recipe's steps run once, not once for each.

    Raises:
        RecipeError: as :func:`~steward.deid.transforms.pipeline.apply_recipe`.
    """
    schema = polars_schema(frame.schema)
    parsing = prepare(schema, loaded, keys)
    parsing = decide(parsing, _counts(frame, schema, loaded, parsing, step), loaded)
    # The output's columns and types: the same steps on no rows.
    applied = transform(pl.LazyFrame(schema=schema), loaded, keys, parsing)
    empty = applied.frame.collect()
    out_schema = spark_schema(empty)
    batches = TransformBatches(loaded, keys, parsing, arrow_schema(out_schema))
    result = frame.mapInArrow(batches, out_schema)
    recipe = loaded.recipe
    if recipe.suppress is not None:
        qi, k = list(recipe.quasi_identifiers), suppression_k(loaded)
        result = held.enter_context(persisted(result))
        applied.suppression = suppression_record(loaded, _count_small(result, qi, k))
        text = [c for c in qi if empty.schema[c] == pl.String]
        suppress = recipe.suppress
        result = _suppress(result, qi, k, text, suppress.replace_with, suppress.remove_records)
    return applied, result


def _counts(
    frame: Any,
    schema: pl.Schema,
    loaded: LoadedRecipe,
    parsing: Parsing,
    step: Callable[[str], None],
) -> dict[str, int]:
    """The check counts over the whole table: summed over Spark's batches."""
    checks = check_expressions(schema, loaded, parsing)
    if not checks:
        return {}
    step("checking the values")
    functions, types = require_pyspark().functions, require_pyspark().types
    names = [check.meta.output_name() for check in checks]
    columns = count_names(len(names))
    counts_schema = types.StructType([types.StructField(c, types.LongType()) for c in columns])
    per_task = frame.mapInArrow(CountChecks(loaded, parsing), counts_schema)
    row = per_task.agg(*(functions.sum(_column(c)).alias(c) for c in columns)).first()
    return named_counts(names, row.asDict() if row is not None else None)


def _count_small(frame: Any, qi: list[str], k: int) -> int:
    """How many records lie in classes smaller than ``k`` (as ``count_small``)."""
    functions = require_pyspark().functions
    sizes = frame.groupBy(*map(_column, qi)).agg(functions.count(functions.lit(1)).alias("n"))
    small = sizes.where(functions.col("n") < k).agg(functions.sum("n").alias("n")).first()
    return int(small["n"] or 0) if small is not None else 0


def _suppress(
    frame: Any, qi: list[str], k: int, text: list[str], replace_with: str, remove: bool
) -> Any:
    """``frame`` with small classes' quasi-identifiers replaced (``replace_with`` in text
    columns, null in others) or their records removed, as ``suppress`` does."""
    functions = require_pyspark().functions
    sized = SparkEngine().with_class_size(frame, qi, CLASS_SIZE)
    small = _column(CLASS_SIZE) < k
    if remove:
        return sized.where(~small).select(*map(_column, frame.columns))
    types = dict(frame.dtypes)
    columns = []
    for name in frame.columns:
        column = _column(name)
        if name in qi:
            marker = (
                functions.lit(replace_with)
                if name in text
                else functions.lit(None).cast(types[name])
            )
            column = functions.when(small, marker).otherwise(column)
        columns.append(column.alias(name))
    return sized.select(*columns)


def _read_back(session: Any, folder: Path, kind: str, schema: Any, suffix: str) -> Any:
    """The written parts, as Spark reads them (what the manifest counts and measures)."""
    if kind == "parquet":
        return read_table_spark(folder, session=session, format="parquet")
    options = _csv_options("\t" if suffix == ".tsv" else ",", "UTF-8", multiline=True)
    return session.read.schema(text_schema(schema)).options(**options).csv(str(folder))


@contextlib.contextmanager
def _spark_errors(source: Path) -> Iterator[None]:
    """Spark's failures as Steward's errors, naming the kind of failure, never a value
    (Spark's and Python's messages quote the records they fail on)."""
    try:
        yield
    except (DeidError, DataFileError):
        raise
    except Exception as error:
        problem = spark_problem(error)
        if problem.startswith(("a malformed record", "no such file")):
            raise DataFileError(f"{source}: cannot be read: {problem}") from None
        causes = re.findall(r"Caused by: ([\w.$]+)", str(error))
        kind = causes[-1].rsplit(".", 1)[-1] if causes else type(error).__name__
        raise DeidError(f"the recipe could not be carried out on Spark ({kind})") from None
