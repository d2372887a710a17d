"""Benchmark: a de-identification recipe run against a plain Polars group-by count.

Run: .venv/bin/python benchmarks/bench_recipe.py [--rows 1000000] [--repeat 3]

Writes ``--rows`` synthetic people (``benchmarks/deid_data.py``) to Parquet, then times,
as medians of ``--repeat`` runs:

* ``group-by``: ``scan_parquet(...).group_by(qi).agg(pl.len()).collect(engine="streaming")``
  over the recipe's four quasi-identifiers, the baseline, measured in the same run;
* ``apply``: the recipe's lazy plan (pseudonymize the id, age bands, postal truncation,
  top coding and Laplace noise on income, local suppression at k=5) sunk to Parquet;
* ``apply, no HMAC``: the same with the id dropped instead of pseudonymized (the
  HMAC of every distinct id is the one per-value Python step);
* ``run``: the whole ``steward deid apply`` work: checks, apply, input and output risk
  (``measure_risk``) and the manifest.

Machines here are shared and noisy: only the ratios are comparable between runs.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import polars as pl
from deid_data import write_people
from timing import median_seconds

from steward.deid.io import read_table
from steward.deid.recipe import load_recipe
from steward.deid.transforms.keys import derive_keys
from steward.deid.transforms.pipeline import apply_recipe
from steward.deid.transforms.run import run_recipe

QI = ["age", "sex", "zip", "race"]
PSEUDONYM = '{pseudonymize: {prefix: "p_", length: 16}}'
RECIPE = """\
steward_recipe: 1
quasi_identifiers: [age, sex, zip, race]
sensitive: [diagnosis]
k: 5
columns:
  person_id: {pseudonymize: {prefix: "p_", length: 16}}
  age: {generalize: {builtin: age_band, width: 10}}
  zip: {generalize: {builtin: postal_truncate, keep: 3}}
  income: {top_code: 200000, noise: {kind: laplace, scale: 500, round: 100}}
suppress: {k: 5}
"""


def main() -> None:
    """Print the timings and their ratios to the group-by baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        data = write_people(args.rows, base / "people.parquet")
        recipe = base / "recipe.yaml"
        recipe.write_text(RECIPE)
        key = base / "deid.key"
        key.write_text("ab" * 32)
        keys = derive_keys(bytes.fromhex("ab" * 32))
        loaded = load_recipe(recipe)
        plain = base / "plain.yaml"
        plain.write_text(RECIPE.replace(PSEUDONYM, "{drop: true}"))
        loaded_plain = load_recipe(plain)

        def group_by() -> object:
            scan = pl.scan_parquet(data)
            return scan.group_by(QI).agg(pl.len()).collect(engine="streaming")

        def apply() -> object:
            applied = apply_recipe(read_table(data), loaded, keys)
            applied.frame.sink_parquet(base / "applied.parquet")
            return applied

        def apply_plain() -> object:
            applied = apply_recipe(read_table(data), loaded_plain, keys)
            applied.frame.sink_parquet(base / "plain.parquet")
            return applied

        def run() -> object:
            return run_recipe(data, recipe, base / "out.parquet", key_file=key)

        baseline = median_seconds(group_by, args.repeat)
        print(f"rows: {args.rows:,}  (medians of {args.repeat})")
        print(f"group-by        {baseline:8.3f} s   1.0x")
        steps = (("apply, no HMAC", apply_plain), ("apply", apply), ("run (+risk)", run))
        for name, work in steps:
            seconds = median_seconds(work, args.repeat)
            print(f"{name:15} {seconds:8.3f} s  {seconds / baseline:5.1f}x")


if __name__ == "__main__":
    main()
