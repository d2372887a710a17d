"""Benchmark: span precision, recall and speed of free-text redaction (``steward.deid.redact``).

Run: .venv/bin/python benchmarks/bench_redaction.py [--texts 5000] [--seed 7] [--repeat 3]

The corpus is generated and labelled by ``redaction_corpus.py`` (help-desk incident
descriptions and case notes with names, emails, phones, addresses, SSNs, cards, IBANs,
IPs and dates, and look-alikes). The baseline, measured in the same run, is a plain
regex substitution with the same text patterns and no validators: each kind's pattern
replaced in the registry's order (names by the capitalized-words pattern alone).

For each kind it prints precision and recall with an exact match (same kind, same
offsets) and an overlap match (same kind, overlapping offsets), for Steward and the
baseline; then texts a second for both, and the ratio.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import polars as pl
from timing import median_seconds

sys.path.insert(0, str(Path(__file__).resolve().parent))

from redaction_corpus import Labelled, generate

from steward.deid.redact import find_spans, redact_series
from steward.deid.scan.registry import detector, text_kinds

Spans = set[tuple[str, int, int]]
KINDS = (
    "person_name", "email", "phone", "street_address", "us_ssn", "credit_card", "iban",
    "ip_address", "date_of_birth",
)  # fmt: skip


def _baseline_patterns() -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for kind in text_kinds():
        inline = detector(kind).inline
        if inline is not None:
            patterns.append((kind, re.compile(inline)))
    return patterns


def baseline_spans(text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> Spans:
    """What sequential substitution in registry order replaces: every match of each
    kind's pattern that no earlier kind took."""
    taken: list[tuple[int, int]] = []
    found: Spans = set()
    for kind, pattern in patterns:
        for match in pattern.finditer(text):
            start, end = match.span()
            if all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
                found.add((kind, start, end))
    return found


def baseline_redact(texts: list[str], patterns: list[tuple[str, re.Pattern[str]]]) -> list[str]:
    """The baseline's substitution itself (what is timed)."""
    out = []
    for text in texts:
        for kind, pattern in patterns:
            text = pattern.sub(detector(kind).label, text)
        out.append(text)
    return out


def score(truth: Iterable[Spans], found: Iterable[Spans]) -> dict[str, dict[str, float]]:
    """Per kind: exact and overlap precision and recall, and the counts behind them."""
    counts = {
        kind: dict.fromkeys(("truth", "found", "exact", "hit", "covered"), 0)
        for kind in (*KINDS, "other")
    }
    for true_spans, spans in zip(truth, found, strict=True):
        for kind, start, end in true_spans:
            counts[kind]["truth"] += 1
            same = [s for s in spans if s[0] == kind]
            counts[kind]["covered"] += any(s < end and start < e for _, s, e in same)
        for kind, start, end in spans:
            if kind not in counts:  # a kind the corpus never holds: a false alarm
                counts["other"]["found"] += 1
                continue
            counts[kind]["found"] += 1
            same = [t for t in true_spans if t[0] == kind]
            counts[kind]["exact"] += (kind, start, end) in true_spans
            counts[kind]["hit"] += any(s < end and start < e for _, s, e in same)
    result = {}
    for kind, c in counts.items():
        result[kind] = {
            "truth": c["truth"],
            "found": c["found"],
            "exact_p": c["exact"] / c["found"] if c["found"] else 1.0,
            "exact_r": c["exact"] / c["truth"] if c["truth"] else 1.0,
            "overlap_p": c["hit"] / c["found"] if c["found"] else 1.0,
            "overlap_r": c["covered"] / c["truth"] if c["truth"] else 1.0,
        }
    return result


def _micro(scores: dict[str, dict[str, float]]) -> tuple[float, float]:
    truth = sum(s["truth"] for s in scores.values())
    found = sum(s["found"] for s in scores.values())
    exact = sum(s["exact_r"] * s["truth"] for s in scores.values())
    return (exact / found if found else 1.0, exact / truth if truth else 1.0)


def main() -> None:
    """Generate the corpus, redact it both ways, print accuracy per kind and speed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus: list[Labelled] = generate(args.texts, args.seed)
    texts = [item.text for item in corpus]
    truth = [set(item.spans) for item in corpus]
    patterns = _baseline_patterns()
    ours = score(truth, [{(s.kind, s.start, s.end) for s in find_spans(t)} for t in texts])
    base = score(truth, [baseline_spans(t, patterns) for t in texts])
    series = pl.Series("notes", texts)
    redact_series(series)  # loads the vocabulary and compiles the patterns once
    steward_s = median_seconds(lambda: redact_series(series), args.repeat)
    base_s = median_seconds(lambda: baseline_redact(texts, patterns), args.repeat)
    spans = sum(len(t) for t in truth)
    print(f"corpus: {len(texts)} texts, seed {args.seed}, {spans} true spans")
    print(
        f"{'kind':15} {'spans':>5}  {'steward exact P/R':>17}  {'overlap P/R':>11}  "
        f"{'baseline exact P/R':>18}  {'overlap P/R':>11}"
    )
    for kind in KINDS:
        s, b = ours[kind], base[kind]
        print(
            f"{detector(kind).label:15} {int(s['truth']):5}  "
            f"{s['exact_p']:8.3f}/{s['exact_r']:.3f}  {s['overlap_p']:5.3f}/{s['overlap_r']:.3f}  "
            f"{b['exact_p']:9.3f}/{b['exact_r']:.3f}  {b['overlap_p']:5.3f}/{b['overlap_r']:.3f}"
        )
    print(
        f"{'other kinds':15} {0:5}  {int(ours['other']['found']):8} found  {'':11}  "
        f"{int(base['other']['found']):9} found"
    )
    ours_p, ours_r = _micro(ours)
    base_p, base_r = _micro(base)
    print(
        f"{'all (exact)':15} {spans:5}  {ours_p:8.3f}/{ours_r:.3f}  {'':11}  "
        f"{base_p:9.3f}/{base_r:.3f}"
    )
    print(
        f"speed: steward {len(texts) / steward_s:,.0f} texts/s ({steward_s * 1000:.0f} ms), "
        f"baseline {len(texts) / base_s:,.0f} texts/s ({base_s * 1000:.0f} ms); "
        f"steward takes {steward_s / base_s:.1f}x the baseline's time"
    )


if __name__ == "__main__":
    main()
