"""Benchmark: optimal k-anonymization of UCI Adult (ARX's standard benchmark).

Run: .venv/bin/python benchmarks/bench_anonymize.py [--repeat R] [--million] [--verify]

(a) Adult, all nine columns as quasi-identifiers, k=5, at 0% and 4% suppression: time
    to the optimum (coding + aggregation + search, the data already in memory, as ARX's
    figures are with a warm JVM and loaded data), the chosen levels, the ARX "Loss" and
    the non-uniform entropy of the result, and the nodes checked / scored.
(b) With ``--million``: a 1,000,000-row variant of Adult (random Adult records, each
    attribute replaced with probability 2/3 by a random value of its domain; seeded), at
    k=5 and 4% suppression.

The baseline, measured in the same run, is one plain Polars ``group_by(qi).len()`` over
the same table: every figure is also given as a ratio to it. ARX 3.9 (Flash) reference
figures on a machine like ours: ~50 ms (Adult, 0%), ~1.3 s (Adult, 4%), ~3 minutes
(1M rows, 4%). ``--verify`` also runs the search with full Flash tagging (no bound
pruning) and checks that it finds the same optimal loss.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

from steward.deid.io import collect, read_table
from steward.deid.search.anonymize import Settings, _privacy
from steward.deid.search.encode import encode
from steward.deid.search.flash import SearchResult, search
from steward.deid.search.hierarchies import CodedHierarchy, find_hierarchies
from steward.deid.search.loss import prepare

ADULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "adult"
QI = (
    "sex",
    "age",
    "race",
    "marital-status",
    "education",
    "native-country",
    "workclass",
    "occupation",
    "salary-class",
)
T = TypeVar("T")


def _timed(work: Callable[[], T], repeat: int) -> tuple[float, T]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(samples), result


def _anonymize(
    table: pl.DataFrame, hierarchies: list[CodedHierarchy], suppression: float, strategy: str
) -> tuple[SearchResult, float]:
    coded = encode(table, QI, hierarchies)
    privacy = _privacy(Settings(QI, k=5, max_suppression=suppression), coded)
    metric = prepare("loss", coded.base, hierarchies)
    result = search(coded.base, hierarchies, privacy, metric, strategy)
    entropy = prepare("entropy", coded.base, hierarchies).score(
        result.node or (), result.counts, result.fail, result.labels
    )
    return result, entropy


def _million(table: pl.DataFrame, rows: int, seed: int = 20261122) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    picked = rng.integers(0, table.height, rows)
    columns = {}
    for name in QI:
        domain = table.get_column(name).unique().sort().to_numpy()
        values = table.get_column(name).to_numpy()[picked]
        replace = rng.random(rows) < 2 / 3
        columns[name] = np.where(replace, domain[rng.integers(0, domain.size, rows)], values)
    return pl.DataFrame(columns)


def _report(
    label: str,
    table: pl.DataFrame,
    hierarchies: list[CodedHierarchy],
    suppression: float,
    repeat: int,
    verify: bool,
) -> None:
    baseline, groups = _timed(lambda: table.group_by(list(QI)).len(), max(repeat, 3))
    seconds, (result, entropy) = _timed(
        lambda: _anonymize(table, hierarchies, suppression, "auto"), repeat
    )
    levels = ",".join(str(x) for x in result.node or ())
    print(
        f"{label} | {suppression:.0%} | group_by {baseline * 1000:.1f} ms "
        f"({groups.height} tuples) | anonymize {seconds * 1000:.1f} ms "
        f"({seconds / baseline:.1f}x) | search {result.seconds * 1000:.1f} ms | "
        f"levels ({levels}) | loss {result.score:.4f} | entropy {entropy:,.0f} | "
        f"checked {result.checked} / scored {result.scored} of {result.lattice_size}"
    )
    if verify:
        _, (full, _) = _timed(lambda: _anonymize(table, hierarchies, suppression, "flash"), 1)
        same = abs(full.score - result.score) <= 1e-12 * max(1.0, abs(result.score))
        print(
            f"  full Flash tagging: {full.seconds * 1000:.1f} ms search, checked "
            f"{full.checked}, loss {full.score:.4f}: {'same optimum' if same else 'DIFFERENT'}"
        )


def main() -> None:
    """Run the benchmark and print one line per configuration."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--million", action="store_true", help="also run the 1M-row variant")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--verify", action="store_true", help="compare with full Flash")
    parser.add_argument("--data", type=Path, default=ADULT)
    args = parser.parse_args()
    adult = collect(read_table(args.data / "adult.csv"), "adult.csv")
    found = find_hierarchies(args.data, QI)
    hierarchies = [found[q] for q in QI]
    for suppression in (0.0, 0.04):
        _report("adult", adult, hierarchies, suppression, args.repeat, args.verify)
    if args.million:
        big = _million(adult, args.rows)
        _report(f"adult-{args.rows}", big, hierarchies, 0.04, 1, args.verify)


if __name__ == "__main__":
    main()
