"""Benchmark: erasing one person through the erasure workflow, against reading their case.

Run: .venv/bin/python benchmarks/bench_erasure.py [--residents 1000] [--repeat 15]
     [--engines sqlite,postgresql]

For each engine, in its own process (Django has one database per process): a vault under
the city example plan, with ``--residents`` synthetic residents submitted through
``collect.submit`` (validated, encrypted per person, blind-indexed, audited) and two
privacy officers. Then, for ``--repeat`` different people:

- baseline: one audited, masked read of the person's case (``AccessService.get_record``);
- request: one officer asks for the erasure (``ErasureService.request``: rule, reason
  check against the person's blind indexes, request row, audit entry);
- approve: the other approves it, which carries it out (``ErasureService.approve``:
  rule, audit entry, ``deletion.erase_subject``: ciphertexts, blind indexes, consents,
  access code, record markers, ``subject.erase`` audit entry, the erasure ledger's
  fsync'd append, the key shredded).

Each figure is the median, printed with its ratio to the baseline measured in the same
run. PostgreSQL runs in a database ``steward_bench_er*`` created and dropped on the
server at 127.0.0.1:5432 (skipped if none answers).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_children import run_per_engine

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
DATASET = "service_request"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_PREFIX = "steward_bench_er"
REASON = "the resident asked in writing to be erased"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(run_child(args.child, args)))
        return
    print(
        f"erasure benchmark: {args.residents} residents, median of {args.repeat} people; "
        "ratio = step / reading the person's case"
    )
    run_per_engine(__file__, args.engines, args.pg_admin_url, report)


def report(result: dict[str, Any]) -> None:
    """Print one engine's figures."""
    base = result["read"]
    print(f"\n== {result['engine']} (loaded in {result['load_seconds']:.1f} s)")
    print(f"  read the case (baseline)   {base * 1000:8.2f} ms")
    for name in ("request", "approve", "total"):
        value = result[name]
        print(f"  {name:<26} {value * 1000:8.2f} ms   ratio {value / base:6.1f}x")


def run_child(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build the vault, then time each step for ``--repeat`` people."""
    work = Path(tempfile.mkdtemp(prefix="steward-bench-erasure-"))
    os.environ["STEWARD_SECRET_KEY"] = secrets.token_urlsafe(40)
    database = None
    try:
        from steward.crypto import FileKeyProvider

        keys = work / "keys"
        FileKeyProvider.create(keys / "kek.json")
        url = f"sqlite:///{work / 'live.sqlite3'}"
        if engine == "postgresql":
            database = _create(args.pg_admin_url)
            url = args.pg_admin_url.rsplit("/", 1)[0] + f"/{database}"
        from steward.cli.django_setup import setup_django

        started = time.perf_counter()
        setup_django(CITY, keys, url, work / "data")
        records = _load(args.residents)
        load_seconds = time.perf_counter() - started
        return {"engine": engine, "load_seconds": load_seconds, **_measure(records, args.repeat)}
    finally:
        from django.db import connections

        connections.close_all()
        if database:
            _drop(args.pg_admin_url, database)
        shutil.rmtree(work, ignore_errors=True)


def _load(residents: int) -> list[str]:
    from steward.synthetic import fake_consents, fake_submission, new_faker
    from steward.vault.rules.intake import Submission
    from steward.vault.runtime import get_vault
    from steward.vault.services.collect import submit

    vault = get_vault()
    faker = new_faker(2026)
    references = []
    for _ in range(residents):
        answers = fake_submission(vault.plan, DATASET, faker)
        consents = fake_consents(vault.plan, DATASET, answers, faker)
        references.append(submit(vault, Submission(DATASET, answers, consents)).reference)
    return references


def _officer(username: str) -> Any:
    from django.contrib.auth.models import User

    from steward.vault.models import StaffMember
    from steward.vault.runtime import get_vault
    from steward.vault.services.actors import Actor

    user = User.objects.create_user(username, password=secrets.token_urlsafe(20))
    StaffMember.objects.create(user=user, role="privacy_officer")
    role = get_vault().plan.role("privacy_officer")
    return Actor(ref=f"staff/{user.id}", role=role, user_id=user.id, mfa_verified=True)


def _measure(records: list[str], repeat: int) -> dict[str, float]:
    from steward.vault.runtime import get_vault
    from steward.vault.services.access import AccessService
    from steward.vault.services.erasure import ErasureService

    vault = get_vault()
    ana, ben = _officer("ana.lima"), _officer("ben.okafor")
    access, erasure = AccessService(vault), ErasureService(vault)
    read, asked, approved = [], [], []
    for record in records[:: max(1, len(records) // repeat)][:repeat]:
        start = time.perf_counter()
        access.get_record(ana, record)
        read.append(time.perf_counter() - start)
        start = time.perf_counter()
        made = erasure.request(ana, record, REASON)
        asked.append(time.perf_counter() - start)
        start = time.perf_counter()
        done = erasure.approve(ben, made.id)
        approved.append(time.perf_counter() - start)
        assert done.state == "done"
    totals = [a + b for a, b in zip(asked, approved, strict=True)]
    return {
        "read": statistics.median(read),
        "request": statistics.median(asked),
        "approve": statistics.median(approved),
        "total": statistics.median(totals),
    }


def _create(admin: str) -> str:
    import psycopg

    name = f"{PG_PREFIX}_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
