"""Benchmark: public intake under concurrency, two ``steward serve`` processes on one database.

Run: .venv/bin/python benchmarks/bench_intake_concurrency.py [--clients 16] [--requests 25]
     [--engines sqlite,postgresql]

For each engine, a scratch vault (the city example plan) is served by two real
``steward serve`` processes sharing one database: a temporary SQLite file, or a
scratch PostgreSQL database on 127.0.0.1:5432 (dropped afterwards; skipped if none
answers). Clients post ``POST /api/intake/service_request`` over keep-alive
connections, spread over both servers.

- baseline: one client posting the same number of requests, one after another
  (no contention), measured in the same run against the same servers;
- concurrent: ``--clients`` clients at once.

Printed per engine: requests per second of each, their ratio (concurrent / serial:
above 1 means concurrency helps), how many requests were refused (any answer but
201), whether the audit chain verifies, and whether every receipt has its record.
Machines here are shared and noisy: compare ratios, not requests per second.
"""

from __future__ import annotations

import argparse
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


def run_engine(engine: str, clients: int, requests: int) -> dict[str, Any]:
    """Serve a scratch vault on ``engine`` twice over and measure serial and concurrent intake."""
    with tempfile.TemporaryDirectory(prefix="steward-bench-intake-") as scratch:
        folder = Path(scratch)
        init_keys(folder / "keys", folder)
        with (
            scratch_database(engine, folder, postgres_admin_url()) as database,
            served(folder, folder / "keys", database) as servers,
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
            return {
                "engine": engine,
                "serial_rps": len(serial) / serial_seconds,
                "concurrent_rps": len(concurrent) / seconds,
                "requests": len(outcomes),
                "refused": sum(refused.values()),
                "refusals": dict(refused),
                "chain_ok": report.ok,
                "chain": report.reason,
                "entries": report.size,
                "receipts_missing": sum(
                    1
                    for o in outcomes
                    if o.reference is not None and uuid.UUID(o.reference) not in records
                ),
                "server_errors": servers.stderr().count("Traceback"),
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=25, help="requests per client")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    print(
        f"{'engine':<12}{'serial rps':>12}{'concurrent rps':>16}{'ratio':>8}"
        f"{'refused':>10}{'chain':>8}{'receipts lost':>15}"
    )
    for engine in args.engines.split(","):
        if engine == "postgresql" and postgres_admin_url() is None:
            print(f"{engine:<12}skipped: no PostgreSQL answers at 127.0.0.1:5432")
            continue
        result = run_engine(engine, args.clients, args.requests)
        ratio = result["concurrent_rps"] / result["serial_rps"]
        print(
            f"{engine:<12}{result['serial_rps']:>12.1f}{result['concurrent_rps']:>16.1f}"
            f"{ratio:>7.2f}x{result['refused']:>6}/{result['requests']:<4}"
            f"{'ok' if result['chain_ok'] else 'BROKEN':>7}{result['receipts_missing']:>15}"
        )
        for refusal, count in result["refusals"].items():
            print(f"{'':<12}refused {count}x: {refusal}")
        if not result["chain_ok"]:
            print(f"{'':<12}chain: {result['chain']}")
        if result["server_errors"]:
            print(f"{'':<12}server tracebacks: {result['server_errors']}")


if __name__ == "__main__":
    main()
