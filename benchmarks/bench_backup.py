"""Benchmark: taking, restoring and verifying encrypted backups, against a plain copy.

Run: .venv/bin/python benchmarks/bench_backup.py [--sizes 300,100000] [--repeat 3]
     [--engines sqlite,postgresql]

For each engine and size, in its own process (Django has one database per process):

- the database: 300 residents is the demo (``steward demo --no-serve --residents 300``)
  on SQLite, and the same 300 submissions through ``collect.submit`` on PostgreSQL;
  larger sizes are loaded through the real store path (``collect.store_record``:
  validation-free, but encrypted per subject, blind-indexed and audited), 1,000 records
  a transaction;
- backup: ``create_backup`` (consistent snapshot, row counts, audit root, encryption,
  manifest, audit entry) against the baseline of a plain copy of the same database:
  copying the SQLite file (after a checkpoint, with nothing writing) or a plain
  ``pg_dump --format=custom`` to a file;
- restore: ``restore_backup`` into an empty database against a plain copy of the file
  back, or a plain ``pg_restore`` into an empty database;
- verify: ``verify_backup`` (the restore drill: restore, count, audit chain, 50
  records decrypted), against the same plain restore.

Each figure is the median of ``--repeat`` runs, printed with its ratio to the
baseline measured in the same run. PostgreSQL runs in databases ``steward_bench_bk*``
created and dropped on the server at 127.0.0.1:5432 (skipped if none answers).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_vault import _postgres_answers
from timing import median_seconds

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
DATASET = "service_request"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_PREFIX = "steward_bench_bk"
BATCH = 1000
STEWARD = [sys.executable, "-c", "from steward.cli.main import run; run()"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,100000", help="records, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, size = args.child.split(":")
        print("RESULT " + json.dumps(run_child(engine, int(size), args)))
        return
    print(f"backup benchmark: median of {args.repeat} runs; ratio = Steward / plain copy")
    for engine in args.engines.split(","):
        if engine == "postgresql" and not _postgres_answers(args.pg_admin_url):
            print(f"\n== postgresql: skipped (nothing answers at {args.pg_admin_url})")
            continue
        for size in (int(s) for s in args.sizes.split(",")):
            command = [sys.executable, __file__, "--child", f"{engine}:{size}", *sys.argv[1:]]
            env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
            done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
            lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
            if done.returncode != 0 or not lines:
                sys.stderr.write(done.stderr[-3000:])
                print(f"\n== {engine}, {size} records: failed (exit {done.returncode})")
                continue
            report(json.loads(lines[-1][len("RESULT ") :]))


def report(result: dict[str, Any]) -> None:
    """Print one engine and size: each step with its baseline and ratio."""
    mb = 1024 * 1024
    print(
        f"\n== {result['engine']}, {result['records']:,} records ({result['source']}); "
        f"database {result['database_bytes'] / mb:.1f} MiB, backup file "
        f"{result['backup_bytes'] / mb:.1f} MiB, plain copy {result['plain_bytes'] / mb:.1f} MiB; "
        f"loaded in {result['load_seconds']:.0f} s"
    )
    print(f"{'step':<22}{'baseline':<26}{'seconds':>9}{'Steward':>11}{'ratio':>9}")
    for key, label in (("create", "backup"), ("restore", "restore"), ("verify", "verify (drill)")):
        step = result[key]
        print(
            f"{label:<22}{step['baseline_name']:<26}{step['baseline']:>9.3f}"
            f"{step['steward']:>11.3f}{step['steward'] / step['baseline']:>8.2f}x"
        )


# -- the child: one engine and size -----------------------------------------------------


def run_child(engine: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Build the database, then time each step against its baseline."""
    work = Path(tempfile.mkdtemp(prefix="steward-bench-backup-"))
    os.environ["STEWARD_SECRET_KEY"] = secrets.token_urlsafe(40)
    databases: list[str] = []
    try:
        started = time.perf_counter()
        if engine == "sqlite" and size == 300:
            keys, url, source = _demo(work)
        else:
            keys, url, source = _fresh(engine, work, args, databases)
        from steward.cli.django_setup import setup_django

        setup_django(CITY, keys, url, work / "data")
        if source == "loaded":
            _load(size)
        load_seconds = time.perf_counter() - started
        return _measure(engine, size, source, keys, work, args, databases) | {
            "load_seconds": load_seconds
        }
    finally:
        from django.db import connections

        connections.close_all()
        for name in databases:
            _drop(args.pg_admin_url, name)
        shutil.rmtree(work, ignore_errors=True)


def _demo(work: Path) -> tuple[Path, str, str]:
    folder = work / "demo"
    command = [*STEWARD, "demo", "--no-serve", "--residents", "300", "--dir", str(folder)]
    subprocess.run(command, check=True, capture_output=True, cwd=work)
    return folder / "keys", f"sqlite:///{folder / 'data' / 'steward.sqlite3'}", "the demo"


def _fresh(
    engine: str, work: Path, args: argparse.Namespace, databases: list[str]
) -> tuple[Path, str, str]:
    from steward.crypto import FileKeyProvider

    keys = work / "keys"
    FileKeyProvider.create(keys / "kek.json")
    if engine == "sqlite":
        return keys, f"sqlite:///{work / 'live.sqlite3'}", "loaded"
    name = _create(args.pg_admin_url, databases)
    return keys, _url(args.pg_admin_url, name), "loaded"


def _url(admin: str, name: str) -> str:
    return admin.rsplit("/", 1)[0] + f"/{name}"


def _create(admin: str, databases: list[str]) -> str:
    import psycopg

    name = f"{PG_PREFIX}_{os.getpid()}_{len(databases)}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    databases.append(name)
    return name


def _drop(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _load(size: int) -> None:
    """Store ``size`` synthetic records through the vault's own store path."""
    from django.db import transaction

    from steward.synthetic import fake_consents, fake_submission, new_faker
    from steward.vault.models import Subject
    from steward.vault.rules.intake import Submission
    from steward.vault.runtime import get_vault
    from steward.vault.services.collect import store_record, submit

    vault = get_vault()
    dataset = vault.plan.dataset(DATASET)
    faker = new_faker(2026)
    pool = []
    for _ in range(min(size, 1000)):
        answers = fake_submission(vault.plan, DATASET, faker)
        pool.append(
            Submission(DATASET, answers, fake_consents(vault.plan, DATASET, answers, faker))
        )
    if size <= 1000:
        for item in pool[:size]:
            submit(vault, item)
        return
    done = 0
    while done < size:
        count = min(BATCH, size - done)
        with transaction.atomic():
            subjects = Subject.objects.bulk_create([Subject() for _ in range(count)])
            for offset, subject in enumerate(subjects):
                item = pool[(done + offset) % len(pool)]
                answers = {k: v for k, v in item.answers.items() if v}
                store_record(vault, dataset, subject, answers, item)
        done += count


def _measure(
    engine: str,
    size: int,
    source: str,
    keys: Path,
    work: Path,
    args: argparse.Namespace,
    databases: list[str],
) -> dict[str, Any]:
    from django.db import connection

    from steward.crypto import FileKeyProvider
    from steward.vault.runtime import get_vault
    from steward.vault.services.backups_create import create_backup
    from steward.vault.services.backups_db import DatabaseRef
    from steward.vault.services.backups_restore import restore_backup
    from steward.vault.services.backups_verify import verify_backup
    from steward.vault.services.jobs import JobContext

    live = DatabaseRef.from_settings(connection.settings_dict)
    folder = work / "backups"
    context = JobContext(get_vault(), keys, folder, "bench")
    provider = FileKeyProvider(keys / "kek.json")
    made: list[Any] = []
    plain = work / "plain-copy"

    def steward_create() -> None:
        made.append(create_backup(context))

    if engine == "sqlite":
        assert live.path is not None
        with closing(sqlite3.connect(live.path)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        database_bytes = live.path.stat().st_size

        def plain_create() -> None:
            shutil.copyfile(live.path, plain)

        def fresh_target() -> DatabaseRef:
            target = work / f"restored-{secrets.token_hex(4)}" / "steward.sqlite3"
            return DatabaseRef("sqlite", path=target)

        def plain_restore() -> Callable[[], None]:
            target = fresh_target()
            assert target.path is not None
            target.path.parent.mkdir()
            return lambda: shutil.copyfile(plain, target.path)  # type: ignore[arg-type]

        baseline_create, baseline_restore = "file copy", "file copy"
        server = None
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            database_bytes = int(cursor.fetchone()[0])
        env = {**os.environ, **live.pg_environment()}

        def plain_create() -> None:
            subprocess.run(["pg_dump", "--format=custom", f"--file={plain}"], env=env, check=True)

        def fresh_target() -> DatabaseRef:
            return live.with_name(_create(args.pg_admin_url, databases))

        def plain_restore() -> Callable[[], None]:
            target = fresh_target()
            command = ["pg_restore", "--no-owner", f"--dbname={target.name}", str(plain)]
            return lambda: subprocess.run(
                command, env={**os.environ, **target.pg_environment()}, check=True
            )

        baseline_create, baseline_restore = "pg_dump -Fc", "pg_restore"
        server = live

    create = {
        "baseline_name": baseline_create,
        "baseline": median_seconds(plain_create, args.repeat),
        "steward": median_seconds(steward_create, args.repeat),
    }
    backup = made[-1].path
    restore = {
        "baseline_name": baseline_restore,
        "baseline": _median_prepared(plain_restore, args.repeat),
        "steward": _median_prepared(
            lambda: _restore_step(backup, fresh_target(), provider, restore_backup), args.repeat
        ),
    }
    verify = {
        "baseline_name": baseline_restore,
        "baseline": restore["baseline"],
        "steward": median_seconds(
            lambda: _checked(verify_backup(backup, keys, server=server)), args.repeat
        ),
    }
    return {
        "engine": engine,
        "records": size,
        "source": source,
        "database_bytes": database_bytes,
        "backup_bytes": backup.stat().st_size,
        "plain_bytes": plain.stat().st_size,
        "create": create,
        "restore": restore,
        "verify": verify,
    }


def _restore_step(backup: Path, target: Any, provider: Any, restore: Any) -> Callable[[], None]:
    return lambda: restore(backup, target, provider)


def _median_prepared(prepare: Callable[[], Callable[[], object]], repeat: int) -> float:
    """The median time of ``repeat`` runs, each prepared (a fresh target) before timing."""
    samples = []
    for _ in range(max(1, repeat)):
        step = prepare()
        start = time.perf_counter()
        step()
        samples.append(time.perf_counter() - start)
    return sorted(samples)[len(samples) // 2]


def _checked(report: Any) -> None:
    if not report.ok:
        raise SystemExit(f"verify failed: {report.problems}")


if __name__ == "__main__":
    main()
