"""Run a recipe from file to file, and write the manifest of what was done.

The output and its manifest are written under temporary names in the output's folder
and renamed into place only when both are complete, so a failed run never leaves a
half-written output behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import polars as pl

from steward.deid.engine import PolarsEngine
from steward.deid.errors import DeidError
from steward.deid.io import PARQUET_SUFFIXES, column_names, read_table
from steward.deid.recipe import LoadedRecipe, load_recipe
from steward.deid.requests.measuring import SPARK
from steward.deid.requests.transforming import ApplyRequest
from steward.deid.transforms.keys import DeidKeys, load_keys
from steward.deid.transforms.pipeline import Applied, apply_recipe

MANIFEST_SUFFIX: Final = ".manifest.json"
DEFAULT_K: Final = 5


def manifest_path(out: Path) -> Path:
    """Where the manifest of ``out`` is written: ``OUT.manifest.json``."""
    return out.with_name(out.name + MANIFEST_SUFFIX)


def run_recipe(
    source: Path,
    recipe_path: Path,
    out: Path,
    *,
    keys_dir: Path | None = None,
    key_file: Path | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """:func:`run_apply` of the :class:`~steward.deid.requests.transforming.ApplyRequest` these
    arguments make; ``progress`` is its ``stage``.

    Raises:
        The errors of :func:`run_apply`.
    """
    request = ApplyRequest(
        Path(source),
        Path(recipe_path),
        Path(out),
        keys_dir=keys_dir,
        key_file=key_file,
        delimiter=delimiter,
        encoding=encoding,
    )
    return run_apply(request, stage=progress)


def run_apply(
    request: ApplyRequest, *, stage: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Apply the recipe to the source, write the output and its manifest; return the
    manifest.

    ``stage`` is told the name of each stage as it starts (for a progress display).

    Raises:
        RecipeError: the recipe is invalid or does not fit the data (with lines).
        DataFileError: the input cannot be read.
        DeidError: the request is invalid (:meth:`ApplyRequest.validate`: an unknown
            output format, a missing folder, the output would overwrite the input), or
            a needed key is missing.
        KeyStoreError: the managed key file is missing, malformed or unsafe.
    """
    request.validate()
    if request.engine == SPARK:
        from steward.deid.transforms.run_spark import run_apply_spark  # PySpark, when used

        return run_apply_spark(request, stage=stage)
    source, out = request.source, request.out
    suffix = out.suffix.lower()
    step = stage or (lambda stage: None)
    step("reading the recipe and the data")
    loaded = load_recipe(request.recipe)
    frame = read_table(source, delimiter=request.delimiter, encoding=request.encoding)
    recipe = loaded.recipe
    keys = None
    if recipe.needs_key():
        keys = load_keys(keys_dir=request.keys_dir, key_file=request.key_file, name=recipe.key)
    applied = apply_recipe(frame, loaded, keys)
    token = secrets.token_hex(4)
    temp_out = out.with_name(f".{out.stem}.{token}.tmp{out.suffix}")
    temp_manifest = out.with_name(f".{out.name}.{token}.tmp.json")
    try:
        step(f"transforming and writing {out.name}")
        _sink(applied.frame, temp_out, suffix)
        written = read_table(temp_out)
        step("measuring risk before and after")
        risk = risk_section(loaded, input_risk(loaded, frame), written)
        step("writing the manifest")
        manifest = build_manifest(
            request,
            loaded,
            keys,
            applied,
            rows=(_rows(frame), _rows(written)),
            columns=(column_names(frame), column_names(written)),
            output_format="parquet" if suffix in PARQUET_SUFFIXES else "csv",
            risk=risk,
        )
        temp_manifest.write_text(json.dumps(manifest, indent=2, default=_json) + "\n")
        os.replace(temp_out, out)
        os.replace(temp_manifest, manifest_path(out))
    except BaseException:
        for temp in (temp_out, temp_manifest):
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
    return manifest


def build_manifest(
    request: ApplyRequest,
    loaded: LoadedRecipe,
    keys: DeidKeys | None,
    applied: Applied,
    *,
    rows: tuple[int, int],
    columns: tuple[list[str], list[str]],
    output_format: str,
    risk: dict[str, Any] | None,
) -> dict[str, Any]:
    """The manifest of a run: the recipe, the input and output (``rows`` and ``columns``
    each input then output), the key's name (never its material), the operations and
    the risk section."""
    return {
        "steward_deid_manifest": 1,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "recipe": {
            "file": str(request.recipe),
            "sha256": loaded.digest,
            "content": loaded.recipe.model_dump(mode="json", exclude_defaults=True),
        },
        "input": {"file": str(request.source), "rows": rows[0], "columns": columns[0]},
        "output": {
            "file": str(request.out),
            "format": output_format,
            "rows": rows[1],
            "columns": columns[1],
        },
        "key": {
            "name": keys.name,
            "source": "key file" if request.key_file else "keys folder",
        }
        if keys
        else None,
        "operations": applied.operations,
        "kept": applied.kept,
        "dropped": applied.dropped,
        "suppression": applied.suppression,
        "risk": risk,
    }


def input_risk(loaded: LoadedRecipe, before: Any, engine: Any = None) -> dict[str, Any] | None:
    """The input's risk over the recipe's quasi-identifiers and sensitive columns
    (``None`` without quasi-identifiers), for :func:`risk_section`.

    ``before`` is a table of ``engine`` (a Polars LazyFrame for the default
    :class:`~steward.deid.engine.PolarsEngine`, a Spark DataFrame for a ``SparkEngine``).

    Raises:
        DeidError: on Spark, more classes than the engine's ``max_classes`` would reach
            the driver.
    """
    recipe = loaded.recipe
    if not recipe.quasi_identifiers:
        return None
    k = _risk_k(loaded)
    return measure(before, recipe.quasi_identifiers, recipe.sensitive, k, engine)


def risk_section(
    loaded: LoadedRecipe, before: dict[str, Any] | None, after: Any, engine: Any = None
) -> dict[str, Any] | None:
    """Input and output risk over the recipe's quasi-identifiers (``None`` without any):
    ``before`` is :func:`input_risk`'s report, ``after`` the output, a table of
    ``engine`` (as in :func:`input_risk`).

    Raises:
        DeidError: on Spark, more classes than the engine's ``max_classes`` would reach
            the driver.
    """
    recipe = loaded.recipe
    if before is None:
        return None
    names = column_names(after) if isinstance(after, pl.LazyFrame) else list(after.columns)
    present = set(names)
    qi = [c for c in recipe.quasi_identifiers if c in present]
    sensitive = [c for c in recipe.sensitive if c in present]
    return {
        "quasi_identifiers": recipe.quasi_identifiers,
        "sensitive": recipe.sensitive,
        "k": _risk_k(loaded),
        "input": before,
        "output": measure(after, qi, sensitive, _risk_k(loaded), engine),
    }


def _risk_k(loaded: LoadedRecipe) -> int:
    """The k the manifest's risk is measured against: the recipe's, its suppression's,
    or the default."""
    recipe = loaded.recipe
    return recipe.k or (recipe.suppress.k if recipe.suppress else None) or DEFAULT_K


def measure(
    frame: Any, qi: list[str], sensitive: list[str], k: int, engine: Any = None
) -> dict[str, Any]:
    """The risk report of ``frame`` (sizes and counts only, never values), its classes
    grouped by ``engine`` (Polars by default)."""
    classes = (engine or PolarsEngine()).classes(frame, qi, sensitive)
    try:
        from steward.deid.risk import measure_risk
    except ImportError:  # pragma: no cover - the risk package ships with steward
        sizes = classes.sizes
        counts = np.unique(sizes, return_counts=True)
        return {
            "records": classes.records,
            "classes": classes.classes,
            "k": int(sizes.min()) if sizes.size else 0,
            "histogram": [
                {"size": int(s), "classes": int(c)} for s, c in zip(*counts, strict=True)
            ],
            "records_below_k": int(sizes[sizes < k].sum()),
        }
    return measure_risk(classes, k=k).to_dict()


def _sink(frame: pl.LazyFrame, path: Path, suffix: str) -> None:
    try:
        if suffix in PARQUET_SUFFIXES:
            frame.sink_parquet(path)
        else:
            frame.sink_csv(path, separator="\t" if suffix == ".tsv" else ",")
    except pl.exceptions.PolarsError as error:
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else "error"
        raise DeidError(f"the recipe could not be carried out: {first}") from None


def _rows(frame: pl.LazyFrame) -> int:
    return int(frame.select(pl.len()).collect(engine="streaming").item())


def _json(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
