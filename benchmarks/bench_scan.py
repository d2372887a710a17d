"""Benchmark: accuracy and speed of ``steward deid scan`` on a generated table with
misleading headers and look-alike columns (see ``scan_corpus.py``).

Run: .venv/bin/python benchmarks/bench_scan.py [--rows 5000] [--seed 7] [--repeat 5]

Prints column-level F1 on personal-vs-not, the share of personal columns given the
right kind, false alarms among look-alikes, and throughput in sampled cells a second,
as a ratio to a baseline measured in the same run (reading the same file and computing
``str.len_chars`` over the same sampled cells) and to Presidio's reference of 2,000
cells a second.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from timing import median_seconds

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scan_corpus import Truth, generate

from steward.deid.io import collect, read_table
from steward.deid.scan import DEFAULT_SAMPLE, ScanReport, scan_file
from steward.deid.scan.scan import READ_FACTOR, sample_values

PRESIDIO_CELLS_PER_SECOND = 2000


def _baseline(path: Path) -> int:
    head = collect(read_table(path).head(max(DEFAULT_SAMPLE * READ_FACTOR, 10_000)), path)
    total = 0
    for name in head.columns:
        values = sample_values(head.get_column(name), DEFAULT_SAMPLE, 0)
        total += int(values.str.len_chars().sum() or 0)
    return total


def accuracy(report: ScanReport, truth: dict[str, Truth]) -> dict[str, float]:
    """F1 on personal-vs-not, right-kind share, false alarms among look-alikes."""
    tp = fp = fn = right_kind = personal = false_alarms = 0
    for column in report.columns:
        expected = truth[column.name]
        flagged = column.role.value != "none"
        tp += flagged and expected.personal
        fp += flagged and not expected.personal
        fn += expected.personal and not flagged
        if expected.personal:
            personal += 1
            right_kind += column.kind == expected.kind
        if expected.look_alike and flagged:
            false_alarms += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "right_kind": right_kind / personal if personal else 1.0,
        "false_alarms": false_alarms,
        "look_alikes": sum(t.look_alike for t in truth.values()),
        "personal": personal,
    }


def main() -> None:
    """Generate the corpus, scan it, and print accuracy and throughput."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="Print every column's verdict.")
    args = parser.parse_args()
    frame, truth = generate(args.rows, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.csv"
        frame.write_csv(path)
        report = scan_file(path)
        scan_seconds = median_seconds(lambda: scan_file(path), args.repeat)
        base_seconds = median_seconds(lambda: _baseline(path), args.repeat)
    cells = sum(int(c.stats["sampled"]) for c in report.columns)
    scores = accuracy(report, truth)
    print(
        f"corpus: {frame.height} rows x {frame.width} columns, seed {args.seed}; "
        f"{scores['personal']} personal, {scores['look_alikes']} look-alikes"
    )
    print(
        f"F1 personal-vs-not      {scores['f1']:.3f}  (precision {scores['precision']:.3f}, "
        f"recall {scores['recall']:.3f}; aim >= 0.95)"
    )
    print(f"right kind              {scores['right_kind']:.1%}  (aim >= 90%)")
    print(
        f"false alarms            {scores['false_alarms']} of {scores['look_alikes']} "
        "look-alikes (aim <= 1)"
    )
    rate = cells / scan_seconds
    print(
        f"scan                    {scan_seconds * 1000:.0f} ms for {cells} sampled cells "
        f"= {rate:,.0f} cells/s"
    )
    print(
        f"baseline (len_chars)    {base_seconds * 1000:.0f} ms; scan is "
        f"{scan_seconds / base_seconds:.1f}x the baseline"
    )
    print(f"vs Presidio (2,000/s)   {rate / PRESIDIO_CELLS_PER_SECOND:.0f}x (aim >= 50x)")
    if args.verbose:
        for column in report.columns:
            expected = truth[column.name]
            kinds = ", ".join(f"{k.kind} {k.confidence:.2f}" for k in column.kinds[:3])
            print(
                f"  {column.name:14} truth={expected.kind or '-':15} "
                f"role={column.role.value:20} {kinds}"
            )


if __name__ == "__main__":
    main()
