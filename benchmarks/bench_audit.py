"""Benchmark: audit log append and verification, against plain SHA-256 of the same bytes.

Run: .venv/bin/python benchmarks/bench_audit.py [--entries N] [--repeat R]

The baseline is ``hashlib.sha256`` over every stored record once, measured in the
same run (machines here are shared and noisy, so only ratios are comparable
between runs). Append is measured on the in-memory store (the log's own work) and
on the file store (which fsyncs every entry, so the disk dominates). Verification
is measured in the default (fast) mode, without and with a signed checkpoint, and
in strict mode, which also parses every entry.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime

from timing import median_seconds

from steward.audit import (
    AuditEvent,
    AuditLog,
    FileAuditStore,
    MemoryAuditStore,
    ReferenceHasher,
    SigningKey,
    verify_log,
)

_KEY = bytes(range(32))
_WHEN = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _events(count: int) -> list[AuditEvent]:
    return [
        AuditEvent(
            actor=f"staff/{n % 40}",
            action="field.reveal",
            object=f"client/{n}",
            fields=("email", "phone"),
            purpose="returning the client's call about their appointment",
            time=_WHEN,
        )
        for n in range(count)
    ]


def _fill(events: list[AuditEvent]) -> AuditLog:
    log = AuditLog(MemoryAuditStore(), ReferenceHasher(_KEY))
    for event in events:
        log.append(event)
    return log


def _fill_file(events: list[AuditEvent]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        log = AuditLog(FileAuditStore(directory), ReferenceHasher(_KEY))
        for event in events:
            log.append(event)


def main() -> None:
    """Measure append and verify throughput and print each as a ratio to SHA-256."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    events = _events(args.entries)
    log = _fill(events)
    records = list(log.store.read())
    key = SigningKey.generate("bench.example/audit")
    note = log.checkpoint(key)
    total_bytes = sum(len(r) for r in records)

    baseline = median_seconds(lambda: [hashlib.sha256(r).digest() for r in records], args.repeat)
    file_events = events[: min(len(events), 500)]
    file_share = len(file_events) / len(events)
    steps: dict[str, tuple[float, Callable[[], object]]] = {
        "append (memory store)": (1.0, lambda: _fill(events)),
        "append (file, fsync)": (file_share, lambda: _fill_file(file_events)),
        "verify (chain only)": (1.0, lambda: verify_log(log.store)),
        "verify + checkpoint": (1.0, lambda: verify_log(log.store, note, key.verifier)),
        "verify --strict": (
            1.0,
            lambda: verify_log(log.store, note, key.verifier, strict=True),
        ),
    }
    print(f"{args.entries} entries, {total_bytes / len(records):.0f} bytes each on average")
    print(f"{'step':24} {'entries/s':>12} {'x sha256':>10}")
    print(f"{'sha256 (hashlib)':24} {len(records) / baseline:12,.0f} {1.0:10.2f}")
    for name, (share, work) in steps.items():
        seconds = median_seconds(work, args.repeat if share == 1.0 else 1)
        per_entry = seconds / (len(records) * share)
        ratio = per_entry / (baseline / len(records))
        print(f"{name:24} {1 / per_entry:12,.0f} {ratio:10.1f}")


if __name__ == "__main__":
    main()
