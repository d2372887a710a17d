"""Benchmark: an aggregate release over many records, against a plain GROUP BY count.

Run: .venv/bin/python benchmarks/bench_aggregates.py [--records 1000000] [--repeat 3]
     [--engines sqlite,postgresql]

For each engine, in its own process: a vault under the city example plan, with
``--records`` records of the service requests put in with one bulk insert (clear values
only: the district and the type of request, which are stored in clear; nothing to
encrypt), spread over one month, and counts of closed cases in the aggregate table.
Then, each the median of ``--repeat`` runs:

- baseline: one ``COUNT(*) ... GROUP BY`` of the records by the same clear values
  (the ORM's query, no filter but the dataset), fetched;
- 1-D release: ``AggregateReleaseService.release`` by district for the public: the
  rule, the period filter, the GROUP BY, the closed cases, suppression, the stored
  release and its audit entry;
- 2-D release: the same by district x type of request (live records only).

Each figure is printed with its ratio to the baseline of its table, measured in the same
run. The stored release is removed between runs (the consistency rule would otherwise
give the first one again). PostgreSQL runs in a database ``steward_bench_ag*`` created
and dropped on the server at 127.0.0.1:5432 (skipped if none answers).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_children import run_per_engine

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
DATASET = "service_request"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_PREFIX = "steward_bench_ag"
MONTH = datetime(2026, 4, 1, tzinfo=UTC)
NOW = datetime(2026, 5, 10, tzinfo=UTC)
BATCH = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(run_child(args.child, args)))
        return
    print(
        f"aggregate benchmark: {args.records} records, median of {args.repeat}; "
        "ratio = release / plain GROUP BY count of the same rows"
    )
    run_per_engine(__file__, args.engines, args.pg_admin_url, report)


def report(result: dict[str, Any]) -> None:
    """Print one engine's figures."""
    print(f"\n== {result['engine']} (loaded in {result['load_seconds']:.1f} s)")
    for table in ("1d", "2d"):
        base, made = result[f"baseline_{table}"], result[f"release_{table}"]
        print(f"  GROUP BY count, {table} (baseline)  {base:8.3f} s")
        print(
            f"  release, {table}                    {made:8.3f} s   ratio {made / base:5.2f}x"
            f"   ({result[f'suppressed_{table}']} of {result[f'cells_{table}']} suppressed)"
        )


def run_child(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build the vault, fill it, then time the baseline and the releases."""
    work = Path(tempfile.mkdtemp(prefix="steward-bench-aggregates-"))
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
        _load(args.records, engine)
        load_seconds = time.perf_counter() - started
        return {"engine": engine, "load_seconds": load_seconds, **_measure(args.repeat)}
    finally:
        from django.db import connections

        connections.close_all()
        if database:
            _drop(args.pg_admin_url, database)
        shutil.rmtree(work, ignore_errors=True)


def _load(records: int, engine: str) -> None:
    """Bulk-insert ``records`` records (and one subject each) with raw SQL."""
    from django.db import connection, transaction

    from steward.policy.model import Plan
    from steward.vault.models import AggregateCount, Record, Subject
    from steward.vault.runtime import get_vault

    vault = get_vault()
    plan: Plan = vault.plan
    spec = {f.name: f for f in plan.dataset(DATASET).collected_fields}
    districts, types = spec["district"].choices, spec["request_type"].choices
    plan_id = vault.plan_version_id()
    rng = random.Random(2026)
    subjects, table = Subject._meta.db_table, Record._meta.db_table
    record_sql = (
        f"INSERT INTO {table} (id, dataset, subject_id, plan_id, created, updated, status, "
        "team, clear_values, guardian_consent, purged_fields, anonymized) "
        "VALUES (%s, %s, %s, %s, %s, %s, 'open', '', %s, false, '[]', false)"
    )
    weights = [1.0 / (i + 1) for i in range(len(types) - 1)]
    weights.append(sum(weights) * 15 / records)  # the last type: a few per district, suppressed
    done = 0
    while done < records:
        size = min(BATCH, records - done)
        ids = [uuid.uuid4() for _ in range(size)]
        key = (lambda u: u.hex) if engine == "sqlite" else (lambda u: u)
        rows = []
        for sid in ids:
            day = MONTH.replace(day=rng.randint(1, 30), hour=rng.randint(0, 23))
            values = {
                "district": rng.choice(districts),
                "request_type": rng.choices(types, weights)[0],
            }
            rows.append(
                (key(uuid.uuid4()), DATASET, key(sid), plan_id, day, day, json.dumps(values))
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {subjects} (id, created) VALUES (%s, %s)",
                [(key(sid), NOW) for sid in ids],
            )
            cursor.executemany(record_sql, rows)
        done += size
    for district in districts:
        AggregateCount.objects.create(
            dataset=DATASET, month=MONTH.date(), field="district", value=district, count=500
        )


def _officer() -> Any:
    from django.contrib.auth.models import User

    from steward.vault.models import StaffMember
    from steward.vault.runtime import get_vault
    from steward.vault.services.actors import Actor

    user = User.objects.create_user("ana.lima", password=secrets.token_urlsafe(20))
    StaffMember.objects.create(user=user, role="privacy_officer")
    role = get_vault().plan.role("privacy_officer")
    return Actor(ref=f"staff/{user.id}", role=role, user_id=user.id, mfa_verified=True)


def _measure(repeat: int) -> dict[str, Any]:
    from django.db.models import Count

    from steward.clock import ManualClock, use_clock
    from steward.vault.models import Record
    from steward.vault.models_egress import AggregateRelease
    from steward.vault.runtime import get_vault
    from steward.vault.services.aggregate_releases import AggregateReleaseService

    service, officer = AggregateReleaseService(get_vault()), _officer()
    found: dict[str, Any] = {}
    for table, by in (("1d", ["district"]), ("2d", ["district", "request_type"])):
        keys = [f"clear_values__{name}" for name in by]
        base, made = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            rows = list(
                Record.objects.filter(dataset=DATASET)
                .values(*keys)
                .annotate(n=Count("id"))
                .order_by()
            )
            base.append(time.perf_counter() - start)
            assert sum(r["n"] for r in rows) > 0
            AggregateRelease.objects.all().delete()
            with use_clock(ManualClock(NOW)):
                start = time.perf_counter()
                view = service.release(officer, DATASET, "public", by)
                made.append(time.perf_counter() - start)
            assert not view.again
        found |= {
            f"baseline_{table}": statistics.median(base),
            f"release_{table}": statistics.median(made),
            f"cells_{table}": view.cells,
            f"suppressed_{table}": view.suppressed,
        }
    return found


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
