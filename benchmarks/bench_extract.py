"""Benchmark: a de-identified extract of 100,000 vault records, against the engine's
anonymization of the same table already in memory and against reading it alone.

Run: .venv/bin/python benchmarks/bench_extract.py [--size 100000] [--repeat 3]
     [--engines sqlite,postgresql]

For each engine, in its own process: ``--size`` households of the food bank's plan are
bulk-inserted (a subject, a data key, eight ciphertexts each). Then, each the median
of ``--repeat`` runs:

- extract: ``make_extract`` by the data ambassador for the volunteer team (k target 10):
  it reads every record in chunks, checks the purpose, decrypts the four permitted
  fields (ZIP code, household size, age band, last visit), builds the Polars table,
  searches the optimal generalization with built-in hierarchies, measures the output,
  seals the CSV and stores the extract with its audit entry;
- read: the same reading and decryption alone (``read_source``), no de-identification;
- anonymize: ``anonymize_builtin`` on the table already in memory (the engine alone).

The ratios are extract / anonymize and extract / read. PostgreSQL runs in a database
``steward_bench_ext*`` created and dropped at 127.0.0.1:5432 (skipped if none answers).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_children import run_per_engine
from timing import median_seconds

ROOT = Path(__file__).resolve().parents[1]
FOOD = ROOT / "examples" / "nonprofit-data-project.yaml"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_PREFIX = "steward_bench_ext"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(run_child(args.child, args)))
        return
    print(f"extract benchmark: {args.size:,} records, median of {args.repeat}")
    run_per_engine(__file__, args.engines, args.pg_admin_url, report)


def report(r: dict[str, Any]) -> None:
    print(f"\n== {r['engine']}: {r['size']:,} records loaded in {r['load']:.1f} s")
    print(
        f"extract    {r['extract']:8.2f} s  ({r['rows']:,} rows released, measured k "
        f"{r['k']}, {r['suppressed']:,} suppressed, state {r['state']})"
    )
    print(f"read only  {r['read']:8.2f} s  extract / read      = {r['extract'] / r['read']:.2f}")
    print(
        f"anonymize  {r['anonymize']:8.2f} s  extract / anonymize = "
        f"{r['extract'] / r['anonymize']:.2f}"
    )


def rows(size: int) -> list[dict[str, str]]:
    rng = random.Random(11)
    zips = [f"021{n:02d}" for n in range(40)]
    return [
        {
            "client_name": f"Client {i}",
            "phone": f"+1 555 01{i % 100:02d}",
            "zip_code": rng.choice(zips),
            "household_size": str(rng.randint(1, 8)),
            "age_band": rng.choice(["18-29", "30-44", "45-64", "65+"]),
            "last_visit": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
            "pantry_site": rng.choice(["Dockside", "Northgate", "Riverside"]),
            "notes": "Leave at the door",
        }
        for i in range(size)
    ]


def run_child(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="steward-bench-extract-"))
    os.environ["STEWARD_SECRET_KEY"] = secrets.token_urlsafe(40)
    sys.path.insert(0, str(ROOT))
    database = ""
    try:
        from steward.crypto import FileKeyProvider

        keys = work / "keys"
        FileKeyProvider.create(keys / "kek.json")
        if engine == "sqlite":
            url = f"sqlite:///{work / 'live.sqlite3'}"
        else:
            import psycopg

            database = f"{PG_PREFIX}_{os.getpid()}"
            with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{database}"')
            url = args.pg_admin_url.rsplit("/", 1)[0] + f"/{database}"
        from steward.cli.django_setup import setup_django

        setup_django(FOOD, keys, url, work / "data")
        return measure(engine, args)
    finally:
        from django.db import connections

        connections.close_all()
        if database:
            import psycopg

            with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def measure(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from tests.vault.extract_support import bulk_records

    from steward import clock
    from steward.vault import get_vault
    from steward.vault.models import Record
    from steward.vault.rules.extract_release import extract_fields, resolve_target
    from steward.vault.services.actors import Actor
    from steward.vault.services.extract_deid import anonymize_builtin
    from steward.vault.services.extract_source import chunks, read_source
    from steward.vault.services.extracts import make_extract

    vault = get_vault()
    started = time.perf_counter()
    bulk_records(vault, "client_register", rows(args.size))
    loaded = time.perf_counter() - started
    user = User.objects.create_user("data.ambassador", password=secrets.token_urlsafe(16))
    role = vault.plan.role("data_ambassador")
    actor = Actor(ref=f"staff/{user.pk}", role=role, user_id=user.pk, mfa_verified=True)
    made: list[Any] = []

    def extract() -> None:
        made.append(
            make_extract(
                vault, actor, dataset="client_register", recipient="volunteer_team", role=None
            )
        )

    plan = vault.plan
    dataset = plan.dataset("client_register")
    target = resolve_target(plan, recipient="volunteer_team", role=None, purpose=None)
    fields = extract_fields(plan, dataset, target, role, clock.now().date())
    source: list[Any] = []

    def read() -> None:
        records = Record.objects.filter(dataset="client_register")
        source.append(read_source(vault, chunks(records), dataset, fields, target.purpose))

    extract_s = median_seconds(extract, args.repeat)
    read_s = median_seconds(read, args.repeat)
    table = source[-1].table
    anonymize_s = median_seconds(lambda: anonymize_builtin(table, fields, 10), args.repeat)
    last = made[-1]
    return {
        "engine": engine,
        "size": args.size,
        "load": loaded,
        "extract": extract_s,
        "read": read_s,
        "anonymize": anonymize_s,
        "rows": last.rows,
        "k": last.manifest.get("measured", {}).get("k"),
        "suppressed": last.manifest.get("suppressed_rows"),
        "state": last.state,
    }


if __name__ == "__main__":
    main()
