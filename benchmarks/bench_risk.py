"""Benchmark: a risk analysis against a plain Polars group-by count over the same QIs.

Run: .venv/bin/python benchmarks/bench_risk.py [--rows 1000000] [--repeat 3]

Builds ``--rows`` synthetic people (``benchmarks/deid_data.py``), then for two sets of
quasi-identifiers (7 columns, nearly every row unique; 4 columns, a few thousand
classes) times, as medians of ``--repeat`` runs:

* ``group-by``: ``lazy.group_by(qi).agg(pl.len()).collect(engine="streaming")``, the
  baseline, measured in the same run;
* ``classes``: ``PolarsEngine().classes(lazy, qi)``;
* ``risk``: classes + ``measure_risk`` (k, histogram, uniqueness, the three attacker
  models, small cells);
* ``risk + l, t``: the same with ``diagnosis`` (categorical) and ``income`` (numeric) as
  sensitive columns (l-diversity and t-closeness for both);
* ``metrics only`` / ``metrics + l, t``: ``measure_risk`` alone on classes computed
  beforehand (the engine-neutral core, without the engine's aggregation).

Machines here are shared and noisy: only the ratios are comparable between runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial

import polars as pl
from deid_data import people
from timing import median_seconds

from steward.deid.engine import PolarsEngine
from steward.deid.risk import RiskReport, measure_risk

QI_SETS = {
    "7 QIs": ["age", "sex", "zip", "education", "occupation", "marital_status", "race"],
    "4 QIs": ["age", "sex", "education", "race"],
}
SENSITIVE = ["diagnosis", "income"]


def main() -> None:
    """Print one line per QI set and step: median milliseconds and ratio to the group-by."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    table = people(args.rows).lazy()
    engine = PolarsEngine()
    print(f"{args.rows:,} rows")
    print(f"{'QIs':8} {'classes':>10} {'step':14} {'median ms':>10} {'x group-by':>11}")
    for label, qi in QI_SETS.items():
        plain = engine.classes(table, qi)
        with_sensitive = engine.classes(table, qi, SENSITIVE)
        steps: dict[str, Callable[[], object]] = {
            "classes": partial(engine.classes, table, qi),
            "risk": partial(_risk, engine, table, qi, []),
            "risk + l, t": partial(_risk, engine, table, qi, SENSITIVE),
            "metrics only": partial(measure_risk, plain, 5),
            "metrics + l, t": partial(measure_risk, with_sensitive, 5),
        }
        base = median_seconds(partial(_group_by, table, qi), args.repeat)
        count = plain.classes
        print(f"{label:8} {count:>10,} {'group-by':14} {base * 1000:10.1f} {1.0:11.2f}")
        for name, work in steps.items():
            seconds = median_seconds(work, args.repeat)
            print(f"{label:8} {count:>10,} {name:14} {seconds * 1000:10.1f} {seconds / base:11.2f}")


def _group_by(table: pl.LazyFrame, qi: list[str]) -> pl.DataFrame:
    return table.group_by(qi).agg(pl.len()).collect(engine="streaming")


def _risk(
    engine: PolarsEngine, table: pl.LazyFrame, qi: list[str], sensitive: list[str]
) -> RiskReport:
    return measure_risk(engine.classes(table, qi, sensitive), k=5)


if __name__ == "__main__":
    main()
