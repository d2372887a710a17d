"""Benchmark: importing a CSV into a table, against two baselines in the same run.

Run: .venv/bin/python benchmarks/bench_import.py [--rows 10000] [--engines sqlite,postgresql]

For each engine, in its own process (Django has one database per process), the same
``--rows`` rows of the nonprofit example's client register (synthetic names, phones,
ZIP codes, household sizes) are stored three ways:

- **import**: ``read_import_file`` + ``import_file``, what ``steward import`` does:
  the file's SHA-256, every row checked by the intake rules, one subject and data key
  per row, values encrypted and the searchable name blind-indexed, routed, inserted in
  batches of 500 in one transaction, one provenance record and one audit entry;
- **row by row**: the same rows added one at a time through the staff row service
  (``tables.add_row``: decided, checked, encrypted, one transaction and one audit
  entry per row), as the page and the API store them;
- **bare**: a plain Polars read of the same file and a bulk insert of its text into a
  plain table, in one transaction: no checks, no keys, no encryption, no audit.

Rows per second are printed for each, with the ratios import / row by row (the gain of
batching) and bare / import (the price of the checks and the encryption). PostgreSQL
runs in a database ``steward_bench_import`` created and dropped at 127.0.0.1:5432
(skipped if nothing answers).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_children import run_per_engine

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "examples" / "nonprofit-data-project.yaml"
DATASET = "client_register"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "steward_bench_import"
FIRST = ["Ada", "Bilal", "Chen", "Dora", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jonas"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Nakamura", "Petrov", "Quispe", "Rahman", "Silva"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(run_engine(args.child, args)))
        return
    print(f"import benchmark: {args.rows:,} rows of {DATASET}, rows per second")
    print(f"{'engine':<12}{'import':>10}{'row by row':>12}{'bare':>10}{'import/row':>12}"
          f"{'bare/import':>13}")  # fmt: skip
    run_per_engine(__file__, args.engines, args.pg_admin_url, _report)


def _report(r: dict[str, Any]) -> None:
    print(
        f"{r['engine']:<12}{r['import']:>10,.0f}{r['row']:>12,.0f}{r['bare']:>10,.0f}"
        f"{r['import'] / r['row']:>11.1f}x{r['bare'] / r['import']:>12.1f}x"
    )


def _rows(count: int) -> list[dict[str, str]]:
    rng = random.Random(7)
    return [
        {
            "client_name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
            "phone": f"555 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
            "zip_code": f"100{rng.randrange(10, 99)}",
            "household_size": str(rng.randrange(1, 9)),
            "last_visit": f"2026-{rng.randrange(1, 12):02d}-{rng.randrange(1, 28):02d}",
            "pantry_site": "Dockside",
        }
        for n in range(count)
    ]


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Set Django up on ``engine``, measure the three ways, return rows per second."""
    work = Path(tempfile.mkdtemp(prefix="steward-bench-import-"))
    keys = work / "keys"
    os.environ["STEWARD_SECRET_KEY"] = secrets.token_urlsafe(40)
    from steward.cli.keys import create_signing_key
    from steward.crypto import FileKeyProvider

    FileKeyProvider.create(keys / "kek.json")
    create_signing_key(keys)
    if engine == "sqlite":
        url = f"sqlite:///{work / 'bench.sqlite3'}"
    else:
        import psycopg

        with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_NAME}")
        url = args.pg_admin_url.rsplit("/", 1)[0] + f"/{PG_NAME}"
    try:
        from steward.cli.django_setup import setup_django

        setup_django(PLAN, keys, url, work / "data")
        return {"engine": engine, **_measure(work, args.rows)}
    finally:
        if engine != "sqlite":
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _measure(work: Path, count: int) -> dict[str, Any]:
    import polars as pl
    from django.db import connection, models, transaction

    from steward.vault import get_vault
    from steward.vault.services import ImportSource, import_file, read_import_file
    from steward.vault.services.actors import Actor
    from steward.vault.services.tables import add_row

    vault = get_vault()
    rows = _rows(count)
    path = work / "clients.csv"
    pl.DataFrame(rows).write_csv(path)
    stated = ImportSource("benchmark rows", "contract", True, "bench")

    start = time.perf_counter()
    import_file(vault, DATASET, read_import_file(path), stated)
    imported = time.perf_counter() - start

    actor = Actor(
        ref="bench/coordinator",
        role=vault.plan.role("pantry_coordinator"),
        team="dockside",
        mfa_verified=True,
    )
    start = time.perf_counter()
    for row in rows:
        add_row(vault, actor, DATASET, row)
    one_by_one = time.perf_counter() - start

    attrs: dict[str, Any] = {name: models.TextField(default="") for name in rows[0]}
    attrs["__module__"] = __name__
    attrs["Meta"] = type("Meta", (), {"app_label": "vault", "db_table": "bench_plain_clients"})
    plain = type("PlainClient", (models.Model,), attrs)
    with connection.schema_editor() as editor:
        editor.create_model(plain)
    start = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False)
    with transaction.atomic():
        plain.objects.bulk_create(
            [plain(**row) for row in frame.iter_rows(named=True)], batch_size=500
        )
    bare = time.perf_counter() - start
    return {
        "import": count / imported,
        "row": count / one_by_one,
        "bare": count / bare,
    }


if __name__ == "__main__":
    main()
