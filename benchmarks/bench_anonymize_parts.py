"""Benchmark: what one ``anonymize`` call spends coding, searching and applying.

Run: .venv/bin/python benchmarks/bench_anonymize_parts.py [--repeat 3]

For small tables the search is quick, so coding the table against its hierarchies and
writing the result back can cost more than the search itself. Each case is timed in
parts, as medians of ``--repeat`` warm runs on data in memory:

* ``coding``: aggregating the table into its distinct quasi-identifier tuples and coding
  them against the hierarchies (``distinct_tuples`` + ``encode``);
* ``search``: the optimal search over the coded classes;
* ``applying``: writing the chosen generalization back into every record
  (``Recoding.apply``, collected in memory);
* ``hierarchy``: reading the ARX hierarchy files and building their coded form (done
  once, outside the call).

The cases: UCI Adult, nine quasi-identifiers, k=5, at 0% and 4% suppression; and
300,000 records whose first quasi-identifier has a hierarchy of 100,000 values in five
levels (the second one of two), k=5, 0%. The figure that matters is (coding +
applying) / search, in the same run.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import polars as pl
from timing import median_seconds

from steward.deid.io import collect, read_table
from steward.deid.search.anonymize import Settings, _privacy, run_search
from steward.deid.search.encode import COUNT, distinct_tuples, encode, suppressed_tuples
from steward.deid.search.hierarchies import CodedHierarchy, find_hierarchies
from steward.deid.search.loss import prepare
from steward.deid.search.recode import recoding

ADULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "adult"
ADULT_QI = (
    "sex", "age", "race", "marital-status", "education", "native-country", "workclass",
    "occupation", "salary-class",
)  # fmt: skip


def large_hierarchy_case(folder: Path) -> tuple[pl.DataFrame, Path, tuple[str, ...]]:
    """300,000 records over a 100,000-value code (five levels) and a two-value flag,
    with their ARX hierarchy files written to ``folder``."""
    rng = np.random.default_rng(20261201)
    values = 100_000
    lines = [
        f"c{i:06d};c{i // 10:05d}x;c{i // 100:04d}xx;c{i // 1000:03d}xxx;*" for i in range(values)
    ]
    (folder / "code.csv").write_text("\n".join(lines) + "\n")
    (folder / "flag.csv").write_text("yes;*\nno;*\n")
    rows = 300_000
    table = pl.DataFrame(
        {
            "code": [f"c{i:06d}" for i in rng.integers(0, values, rows)],
            "flag": np.where(rng.random(rows) < 0.5, "yes", "no"),
        }
    )
    return table, folder, ("code", "flag")


def parts(
    table: pl.DataFrame,
    hierarchies: Mapping[str, CodedHierarchy],
    qi: tuple[str, ...],
    suppression: float,
    repeat: int,
) -> dict[str, float]:
    """The median seconds of each part of one call."""
    settings = Settings(qi, k=5, max_suppression=suppression)
    chosen = [hierarchies[q] for q in qi]

    def coding() -> object:
        tuples = distinct_tuples(table.lazy(), qi)
        return encode(tuples, qi, chosen, weights=COUNT)

    coded = encode(distinct_tuples(table.lazy(), qi), qi, chosen, weights=COUNT)
    privacy = _privacy(settings, coded)
    metric = prepare("loss", coded.base, chosen)

    def searching() -> object:
        return run_search("optimal", coded.base, chosen, privacy, metric)

    result = run_search("optimal", coded.base, chosen, privacy, metric)
    assert result.node is not None
    _, classes, fail = suppressed_tuples(coded, result.node, chosen, privacy)
    recoded = recoding(qi, chosen, result.node, classes, fail)
    return {
        "coding": median_seconds(coding, repeat),
        "search": median_seconds(searching, repeat),
        "applying": median_seconds(lambda: recoded.apply(table.lazy()).collect(), repeat),
    }


def main() -> None:
    """Print each case's parts in milliseconds and (coding + applying) / search."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    adult = collect(read_table(ADULT / "adult.csv"), "adult.csv")
    adult_hierarchies = find_hierarchies(ADULT, ADULT_QI)
    with tempfile.TemporaryDirectory() as folder:
        table, where, qi = large_hierarchy_case(Path(folder))
        read_time = median_seconds(lambda: find_hierarchies(where, qi), args.repeat)
        large = find_hierarchies(where, qi)
        cases = [
            ("Adult, k=5, 0%", adult, adult_hierarchies, ADULT_QI, 0.0, None),
            ("Adult, k=5, 4%", adult, adult_hierarchies, ADULT_QI, 0.04, None),
            ("300,000 records, 100,000-value hierarchy", table, large, qi, 0.0, read_time),
        ]
        print(
            "| case | coding | search | applying | (coding + applying) / search | hierarchy files |"
        )
        print("|---|---|---|---|---|---|")
        for name, data, hierarchies, columns, suppression, reading in cases:
            timed = parts(data, hierarchies, columns, suppression, args.repeat)
            ratio = (timed["coding"] + timed["applying"]) / timed["search"]
            files = f"{reading * 1000:.0f} ms" if reading is not None else "-"
            print(
                f"| {name} | {timed['coding'] * 1000:.0f} ms | {timed['search'] * 1000:.0f} ms "
                f"| {timed['applying'] * 1000:.0f} ms | {ratio:.2f} | {files} |"
            )


if __name__ == "__main__":
    main()
