"""Benchmark: public intake under concurrency, two ``steward serve`` processes on one database.

Run: .venv/bin/python benchmarks/bench_intake_concurrency.py [--clients 16] [--requests 25]
     [--rounds 3] [--engines sqlite,postgresql] [--checkpoint-every N]
     [--baseline-src OTHER_CHECKOUT/src] [--baseline-setting NAME=VALUE ...]

For each engine and round, a scratch vault (the city example plan) is served by two
real ``steward serve`` processes sharing one database: a temporary SQLite file, or a
scratch PostgreSQL database on 127.0.0.1:5432 (dropped afterwards; skipped if none
answers). Clients post ``POST /api/intake/service_request`` over keep-alive
connections, spread over both servers.

- serial (the baseline of each run): one client posting, one request after another,
  against the same servers in the same round;
- concurrent: ``--clients`` clients at once.

Printed per engine (medians over the rounds): requests per second of each and their
ratio (concurrent / serial: above 1 means concurrency helps), how many requests were
refused (any answer but 201), whether the audit chain verified every time, whether
every receipt had its record, and how many checkpoints the servers signed.

``--baseline-src`` runs the same rounds, interleaved, with the servers started from
another source tree (for example a checkout of the main branch), and prints the
ratio of this tree's concurrent throughput to it; ``--baseline-setting NAME=VALUE``
runs the baseline rounds with that server setting instead (or as well).
``--checkpoint-every N`` makes the servers sign a checkpoint in the background every
N entries (the vault's default is every 1000); with ``--baseline-setting
STEWARD_AUDIT_CHECKPOINT_ENTRIES=0`` it measures what inline signing costs, including
the 99th percentile of request latency. Machines here are shared and noisy: compare
ratios, not requests per second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.audit.served_vault import (  # noqa: E402
    hammer,
    init_keys,
    postgres_admin_url,
    scratch_database,
    served,
)

from steward.audit import MemoryAuditStore, verify_log  # noqa: E402


def run_round(engine: str, clients: int, requests: int, settings: dict[str, str]) -> dict[str, Any]:
    """One scratch vault on ``engine`` served twice over: serial, then concurrent intake."""
    with tempfile.TemporaryDirectory(prefix="steward-bench-intake-") as scratch:
        folder = Path(scratch)
        init_keys(folder / "keys", folder)
        with (
            scratch_database(engine, folder, postgres_admin_url()) as database,
            served(folder, folder / "keys", database, env=settings) as servers,
        ):
            hammer(servers.ports, 2, 5)  # warm both servers up
            serial, serial_seconds = hammer(servers.ports[:1], 1, requests * 2)
            concurrent, seconds = hammer(servers.ports, clients, requests)
            outcomes = serial + concurrent
            refused = Counter(f"{o.status} {o.detail}"[:80] for o in outcomes if o.status != 201)
            records = database.record_ids()
            store = MemoryAuditStore()
            for (record,) in database.query("SELECT record FROM vault_auditentryrow ORDER BY seq"):
                store.records.append(bytes(record))
            report = verify_log(store)
            checkpoints = database.query("SELECT count(*) FROM vault_auditcheckpointrow")[0][0]
            lost = [o for o in outcomes if o.reference and uuid.UUID(o.reference) not in records]
            return {
                "p99_ms": 1000 * statistics.quantiles([o.seconds for o in concurrent], n=100)[98],
                "serial_rps": len(serial) / serial_seconds,
                "concurrent_rps": len(concurrent) / seconds,
                "requests": len(outcomes),
                "refusals": refused,
                "chain_ok": report.ok,
                "receipts_lost": len(lost),
                "checkpoints": int(checkpoints),
            }


def summarize(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the rates, totals of the counts, over the rounds of one tree."""
    refusals: Counter[str] = Counter()
    for result in rounds:
        refusals.update(result["refusals"])
    return {
        "serial_rps": statistics.median(r["serial_rps"] for r in rounds),
        "concurrent_rps": statistics.median(r["concurrent_rps"] for r in rounds),
        "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
        "requests": sum(r["requests"] for r in rounds),
        "refused": sum(refusals.values()),
        "refusals": refusals,
        "chain_ok": all(r["chain_ok"] for r in rounds),
        "receipts_lost": sum(r["receipts_lost"] for r in rounds),
        "checkpoints": sum(r["checkpoints"] for r in rounds),
    }


def print_row(engine: str, tree: str, summary: dict[str, Any]) -> None:
    ratio = summary["concurrent_rps"] / summary["serial_rps"]
    refused = f"{summary['refused']}/{summary['requests']}"
    print(
        f"{engine:<11}{tree:<10}{summary['serial_rps']:>11.1f}{summary['concurrent_rps']:>12.1f}"
        f"{ratio:>7.2f}x{refused:>11}{'ok' if summary['chain_ok'] else 'BROKEN':>7}"
        f"{summary['receipts_lost']:>7}{summary['checkpoints']:>13}{summary['p99_ms']:>9.0f}"
    )
    for refusal, count in summary["refusals"].items():
        print(f"{'':<21}refused {count}x: {refusal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=25, help="requests per client")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--checkpoint-every", type=int, help="sign inline every N entries")
    parser.add_argument("--baseline-src", type=Path, help="another tree's src to compare with")
    parser.add_argument(
        "--baseline-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a server setting for the baseline rounds (repeatable)",
    )
    args = parser.parse_args()
    settings: dict[str, str] = {}
    if args.checkpoint_every is not None:
        settings["STEWARD_AUDIT_CHECKPOINT_ENTRIES"] = str(args.checkpoint_every)
    trees = {"this": settings}
    if args.baseline_src is not None or args.baseline_setting:
        baseline = dict(settings)
        if args.baseline_src is not None:
            baseline["PYTHONPATH"] = str(args.baseline_src.resolve())
        baseline.update(item.split("=", 1) for item in args.baseline_setting)
        trees["baseline"] = baseline
    print(
        f"{args.clients} clients x {args.requests} requests, two servers, median of "
        f"{args.rounds} rounds"
    )
    print(
        f"{'engine':<11}{'tree':<10}{'serial/s':>11}{'concurrent/s':>13}{'ratio':>7}"
        f"{'refused':>11}{'chain':>7}{'lost':>7}{'checkpoints':>13}{'p99 ms':>9}"
    )
    for engine in args.engines.split(","):
        if engine == "postgresql" and postgres_admin_url() is None:
            print(f"{engine:<11}skipped: no PostgreSQL answers at 127.0.0.1:5432")
            continue
        results: dict[str, list[dict[str, Any]]] = {tree: [] for tree in trees}
        for _ in range(args.rounds):
            for tree, env in trees.items():
                results[tree].append(run_round(engine, args.clients, args.requests, env))
        summaries = {tree: summarize(rounds) for tree, rounds in results.items()}
        for tree, summary in summaries.items():
            print_row(engine, tree, summary)
        if "baseline" in summaries:
            gain = summaries["this"]["concurrent_rps"] / summaries["baseline"]["concurrent_rps"]
            print(f"{'':<21}concurrent throughput, this tree / baseline: {gain:.2f}x")


if __name__ == "__main__":
    main()
