"""Benchmark: ``risk``, ``apply`` and ``anonymize`` on 1, 10 and 100 million rows, on
Polars in memory, Polars streaming and Spark local, each beside a plain group-by on
the same engine in the same run.

Run: .venv/bin/python benchmarks/bench_scale.py --rows 1000000,10000000,100000000
     [--modes memory,streaming,spark] [--data /tmp/steward-scale] [--repeat 1]

The table is ``benchmarks/deid_data.py``'s synthetic people (ten columns), written once
per size as Parquet in row groups of a million (kept in ``--data`` for the next run).
The work, for every mode:

* ``group-by`` (the baseline): the records per tuple of the four quasi-identifiers
  (age, sex, zip, education), a Polars ``group_by(...).len()`` (collected from memory,
  or streamed from the file) or a Spark ``groupBy(...).count()``;
* ``risk``: ``run_risk`` over the four quasi-identifiers with diagnosis as sensitive
  (k-anonymity, l-diversity, t-closeness, uniqueness, re-identification risk);
* ``apply``: a recipe (pseudonymized id, ten-year age bands, postal codes cut to three
  digits, local suppression at k=5) written to Parquet, with its manifest and the risk
  of input and output;
* ``anonymize``: the optimal generalization over the four quasi-identifiers with
  built-in hierarchies, k=5, 1% suppression, written to Parquet.

``memory`` reads the table into memory first (not timed) and hands the steps the table;
``streaming`` gives them the file, which Polars streams; ``spark`` gives them the file
with ``engine="spark"`` on ``local[*]``. Each step runs in its own process, after a
group-by to warm up (Spark's JVM and workers start there) and a timed group-by: the
step's figure is a ratio to that group-by, and the process's peak resident memory is
given beside it (for Spark, plus its largest child, the JVM or a Python worker).
Machines here are shared and noisy: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from deid_data import write_people
from timing import median_seconds

from steward.deid import AnonymizeRequest, RiskRequest, run_anonymize, run_risk
from steward.deid.recipe import load_recipe
from steward.deid.requests.transforming import ApplyRequest
from steward.deid.search import Settings, anonymize, hierarchies_for
from steward.deid.search.encode import distinct_tuples
from steward.deid.transforms.keys import derive_keys
from steward.deid.transforms.pipeline import apply_recipe
from steward.deid.transforms.run import run_apply

QI = ("age", "sex", "zip", "education")
SENSITIVE = ("diagnosis",)
KEY = "ab" * 32
RECIPE = """\
steward_recipe: 1
quasi_identifiers: [age, sex, zip, education]
sensitive: [diagnosis]
k: 5
columns:
  person_id: {pseudonymize: {prefix: "p_", length: 16}}
  age: {generalize: {builtin: age_band, width: 10}}
  zip: {generalize: {builtin: postal_truncate, keep: 3}}
suppress: {k: 5}
"""
MODES = ("memory", "streaming", "spark")
SPARK_DRIVER_ROWS = 20_000_000
"""``max_classes`` on Spark: the driver here has 24 GB."""


def data_file(rows: int, folder: Path) -> Path:
    """The synthetic table of ``rows`` people, made once."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"people-{rows}.parquet"
    if not path.exists():
        partial = path.with_suffix(".partial")
        write_people(rows, partial)
        partial.rename(path)
    return path


def polars_memory(data: Path, work: Path) -> dict[str, Callable[[], object]]:
    """The steps on a table already in memory."""
    table = pl.read_parquet(data)
    recipe, keys = load_recipe(work / "recipe.yaml"), derive_keys(bytes.fromhex(KEY))
    settings = Settings(QI, k=5, max_suppression=0.01)

    def anonymized() -> object:
        tuples = distinct_tuples(table.lazy(), QI)
        used = hierarchies_for(tuples, QI, None)
        return anonymize(table, settings, {c: u.hierarchy for c, u in used.items()})

    return {
        "group-by": lambda: table.group_by(list(QI)).len(),
        "risk": lambda: run_risk(RiskRequest(table.lazy(), qi=QI, sensitive=SENSITIVE)),
        "apply": lambda: apply_recipe(table.lazy(), recipe, keys).frame.collect(),
        "anonymize": anonymized,
    }


def files(data: Path, work: Path, engine: str) -> dict[str, Callable[[], object]]:
    """The steps on the file, streamed by Polars or read by Spark."""
    recipe, key = work / "recipe.yaml", work / "deid.key"
    # On Spark, the 5,683,200 class and diagnosis pairs of 100 million rows are more than
    # the driver takes by default.
    limit: dict[str, Any] = {"max_classes": SPARK_DRIVER_ROWS} if engine == "spark" else {}

    def group_by() -> object:
        if engine == "spark":
            from steward.deid.engine_spark import spark_session

            frame = spark_session().read.parquet(str(data))
            return frame.groupBy(*QI).count().collect()
        return pl.scan_parquet(data).group_by(list(QI)).len().collect(engine="streaming")

    def applied() -> object:
        out = work / f"applied-{engine}.parquet"
        _remove(out)
        return run_apply(ApplyRequest(data, recipe, out, key_file=key, engine=engine, **limit))

    def anonymized() -> object:
        out = work / f"anonymized-{engine}" / "people.parquet"
        _remove(out)
        request = AnonymizeRequest(
            data, qi=QI, out=out, k=5, max_suppression=0.01, engine=engine, **limit
        )
        return run_anonymize(request)

    return {
        "group-by": group_by,
        "risk": lambda: run_risk(
            RiskRequest(data, qi=QI, sensitive=SENSITIVE, engine=engine, **limit)
        ),
        "apply": applied,
        "anonymize": anonymized,
    }


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def run_one(rows: int, mode: str, step: str, folder: Path, repeat: int) -> dict[str, object]:
    """Time ``step`` beside the mode's group-by, in this process (a child of
    :func:`main`, so its peak memory is its own)."""
    data = data_file(rows, folder)
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        work = Path(scratch)
        (work / "recipe.yaml").write_text(RECIPE)
        (work / "deid.key").write_text(KEY)
        if mode == "memory":
            steps = polars_memory(data, work)
        else:
            steps = files(data, work, "spark" if mode == "spark" else "polars")
        steps["group-by"]()  # warm: Spark's JVM and workers start here, untimed
        baseline = median_seconds(steps["group-by"], repeat)
        seconds = baseline if step == "group-by" else median_seconds(steps[step], repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if mode == "spark":  # the JVM and the Python workers are children of this process
        peak += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "rows": rows,
        "mode": mode,
        "step": step,
        "seconds": round(seconds, 3),
        "group_by_seconds": round(baseline, 3),
        "ratio": round(seconds / baseline, 2),
        "peak_mb": round(peak),
    }


def main() -> None:
    """Run each step in its own process and print one JSON line per step: its seconds,
    the group-by's seconds in the same process, their ratio, and the process's peak
    resident memory (for Spark, plus its largest child: the JVM or a Python worker)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default="1000000")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--steps", default="risk,apply,anonymize")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "steward-scale")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--one", nargs=3, metavar=("ROWS", "MODE", "STEP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        rows, mode, step = args.one
        print(json.dumps(run_one(int(rows), mode, step, args.data, args.repeat)), flush=True)
        return
    for rows in (int(r) for r in args.rows.split(",")):
        data_file(rows, args.data)
        for mode in args.modes.split(","):
            for step in args.steps.split(","):
                command = [
                    sys.executable, __file__, "--one", str(rows), mode, step,
                    "--data", str(args.data), "--repeat", str(args.repeat),
                ]  # fmt: skip
                done = subprocess.run(command, capture_output=True, text=True)
                lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
                if done.returncode != 0 or not lines:
                    reason = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
                    failed = {"rows": rows, "mode": mode, "step": step, "failed": reason}
                    print(json.dumps(failed), flush=True)
                    continue
                print(lines[-1], flush=True)


if __name__ == "__main__":
    main()
