"""Benchmark: the greedy search against the optimal search, and on tables too wide for it.

Run: .venv/bin/python benchmarks/bench_greedy.py [--repeat 3] [--wide 12,16,20]

(a) UCI Adult, all nine quasi-identifiers (12,960 lattice nodes, where the optimum can
    be found), k in 2, 5, 10, 50 at 0% and 4% suppression, ARX "Loss": the greedy loss
    as a ratio to the optimal loss, the nodes each examined, and the search times and
    their ratio (both searches run in this process, on the same coded table).
(b) Synthetic tables of 5,000 records with 12, 16 and 20 quasi-identifiers of 8 values
    and 4-level hierarchies (lattices of 4^q nodes: 16.8 million to 1.1 trillion), k=5,
    5% suppression: the greedy search's time and nodes examined, beside one plain Polars
    ``group_by(qi).len()`` over the same table as the baseline. The optimal search is
    not run: its lattice alone would not fit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from steward.deid.io import collect, read_table  # noqa: E402
from steward.deid.search.anonymize import Settings, anonymize  # noqa: E402
from steward.deid.search.hierarchies import find_hierarchies, from_rows  # noqa: E402

ADULT = ROOT.parent / "shared" / "data" / "adult"
QI = (
    "sex", "age", "race", "marital-status", "education", "native-country", "workclass",
    "occupation", "salary-class",
)  # fmt: skip
T = TypeVar("T")


def _median(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result


def adult(repeat: int) -> None:
    table = collect(read_table(ADULT / "adult.csv"), "adult")
    hierarchies = find_hierarchies(ADULT, QI)
    print("(a) Adult, 9 QIs, 12,960 nodes: greedy against the optimum (Loss)")
    print(" k   supp  optimal loss  greedy loss  ratio  nodes opt/greedy  search ms opt/greedy")
    for k in (2, 5, 10, 50):
        for suppression in (0.0, 0.04):
            optimal = Settings(qi=QI, k=k, max_suppression=suppression, search="optimal")
            greedy = replace(optimal, search="greedy")
            best = anonymize(table, optimal, hierarchies)
            found = anonymize(table, greedy, hierarchies)
            best_ms = statistics.median(
                anonymize(table, optimal, hierarchies).search.seconds for _ in range(repeat)
            )
            found_ms = statistics.median(
                anonymize(table, greedy, hierarchies).search.seconds for _ in range(repeat)
            )
            nodes = f"{best.search.checked:>7}/{found.search.checked:<7}"
            print(
                f"{k:>3} {suppression:>5.0%}  {best.loss:>12.4f}  {found.loss:>11.4f}  "
                f"{found.loss / best.loss:>5.3f}  {nodes}  {best_ms * 1000:>8.0f}/"
                f"{found_ms * 1000:<6.0f}"
            )


def _group_by(table: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return table.group_by(columns).len()


def wide(widths: list[int], repeat: int) -> None:
    rng = np.random.default_rng(20261201)
    print("(b) 5,000 records, 8 values per QI, 4-level hierarchies, k=5, 5% suppression")
    print(" QIs  lattice nodes         group_by ms  greedy ms  ratio  nodes examined  loss")
    for width in widths:
        columns = [f"c{i}" for i in range(width)]
        table = pl.DataFrame({c: [f"v{x}" for x in rng.integers(0, 8, 5000)] for c in columns})
        hierarchies = {
            c: from_rows(c, [[f"v{x}", f"g{x // 2}", f"h{x // 4}", "*"] for x in range(8)])
            for c in columns
        }
        chosen = Settings(qi=tuple(columns), k=5, max_suppression=0.05)
        baseline, _ = _median(repeat, partial(_group_by, table, columns))
        took, result = _median(repeat, partial(anonymize, table, chosen, hierarchies))
        print(
            f"{width:>4}  {4**width:>20,}  {baseline * 1000:>11.1f}  {took * 1000:>9.0f}  "
            f"{took / baseline:>5.0f}x  {result.search.checked:>14}  {result.loss:.4f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--wide", default="12,16,20")
    args = parser.parse_args()
    if (ADULT / "adult.csv").exists():
        adult(args.repeat)
    else:
        print(f"(a) skipped: Adult is not at {ADULT}")
    wide([int(w) for w in args.wide.split(",")], args.repeat)


if __name__ == "__main__":
    main()
