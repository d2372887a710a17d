"""Benchmark: the vault's intake, record reads, masked lists and reveals against a plain
Django model holding the same data, on SQLite and on PostgreSQL in the same run.

Run: .venv/bin/python benchmarks/bench_vault.py [--records N] [--reads M] [--lists L]
     [--engines sqlite,postgresql] [--profile]

Each engine runs in its own process (Django has one settings module per process): a
temporary SQLite file, and a dedicated PostgreSQL database ``steward_bench`` created
on the server at 127.0.0.1:5432 and dropped afterwards (skipped if none answers).

The baseline is a plain Django model of the same dataset (one text column per field,
no encryption, no audit), defined by this script and created as a table only for the
run. Figures:

- intake: records per second through ``collect.submit`` (validation, per-subject key,
  field encryption, blind indexes, access code, consents and the audit entry, in one
  transaction) against ``PlainRequest.objects.create`` of the same answers. A third
  column stores the same rows in the vault's own tables in clear, without keys or
  audit, to split the cost between the schema and the protection.
- record read: ``AccessService.get_record`` (decide, decrypt, mask, audit) against
  ``PlainRequest.objects.get``; median and p99 latency.
- masked list: ``AccessService.list_records`` (50 a page) against a plain page of 50.
- reveal: ``AccessService.reveal`` of one field against reading that one column.

Every figure is printed with its ratio to the baseline measured in the same run.
Machines here are shared and noisy: compare ratios, not milliseconds.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
DATASET = "service_request"
CLEAR_DATASET = "bench_clear_rows"  # kept apart, so the vault's reads never meet them
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "steward_bench"
REASON = "returning the resident's call about the request"


# -- the parent: one child process per engine, then the table --------------------------


def _postgres_answers(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="intake submissions")
    parser.add_argument("--reads", type=int, default=500, help="single-record reads and reveals")
    parser.add_argument("--lists", type=int, default=100, help="pages of 50 read")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN)
    parser.add_argument("--profile", action="store_true", help="profile the vault's side")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run_engine(args.child, args)
        print("RESULT " + json.dumps(result))
        return
    for engine in args.engines.split(","):
        if engine == "postgresql" and not _postgres_answers(args.pg_admin_url):
            print(f"\n== postgresql: skipped (nothing answers at {args.pg_admin_url})")
            continue
        command = [sys.executable, __file__, "--child", engine, *sys.argv[1:]]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        sys.stderr.write(done.stderr)
        lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
        if done.returncode != 0 or not lines:
            print(f"\n== {engine}: failed (exit {done.returncode})")
            continue
        report(json.loads(lines[-1][len("RESULT ") :]))


def report(result: dict[str, Any]) -> None:
    """Print one engine's figures, each with its ratio to the plain baseline."""
    print(
        f"\n== {result['engine']}: {result['records']} records, {result['reads']} reads, "
        f"{result['lists']} pages of 50"
    )
    write = result["write"]
    print(f"{'operation':<34}{'plain model':>16}{'vault':>16}{'ratio':>9}")
    print(
        f"{'intake, records per second':<34}{write['plain']:>16,.0f}{write['vault']:>16,.0f}"
        f"{write['plain'] / write['vault']:>8.2f}x"
    )
    print(
        f"{'  (vault tables in clear)':<34}{write['plain']:>16,.0f}{write['rows']:>16,.0f}"
        f"{write['plain'] / write['rows']:>8.2f}x"
    )
    for key, label in (
        ("read", "record read"),
        ("list", "masked list, 50 a page"),
        ("reveal", "reveal one field"),
    ):
        for stat in ("median", "p99"):
            plain, vault = result[key]["plain"][stat], result[key]["vault"][stat]
            name = f"{label}, {stat} (ms)"
            print(f"{name:<34}{plain:>16.3f}{vault:>16.3f}{vault / plain:>8.2f}x")


# -- the child: one engine ---------------------------------------------------------------


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Set Django up on ``engine``, measure, and return the figures (milliseconds, rates)."""
    work = Path(tempfile.mkdtemp(prefix="steward-bench-"))
    keys = work / "keys"
    os.environ["STEWARD_SECRET_KEY"] = secrets.token_urlsafe(40)
    from steward.cli.keys import create_signing_key
    from steward.crypto import FileKeyProvider

    FileKeyProvider.create(keys / "kek.json")
    create_signing_key(keys)  # the vault signs audit checkpoints as it grows, as in production
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

        setup_django(CITY, keys, url, work / "data")
        return _measure(engine, args)
    finally:
        if engine != "sqlite":
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _plain_model(fields: list[str]) -> Any:
    """A plain Django model of the dataset (one text column a field) and its table."""
    from django.db import connection, models

    attrs: dict[str, Any] = {name: models.TextField(default="") for name in fields}
    attrs["__module__"] = __name__
    attrs["Meta"] = type("Meta", (), {"app_label": "vault", "db_table": "bench_plain_request"})
    model = type("PlainRequest", (models.Model,), attrs)
    with connection.schema_editor() as editor:
        editor.create_model(model)
    return model


def _measure(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    from steward.synthetic import fake_consents, fake_submission, new_faker
    from steward.vault.rules.intake import Submission
    from steward.vault.runtime import get_vault
    from steward.vault.services.access import AccessService
    from steward.vault.services.actors import Actor
    from steward.vault.services.collect import submit

    vault = get_vault()
    dataset = vault.plan.dataset(DATASET)
    names = [spec.name for spec in dataset.collected_fields]
    plain = _plain_model(names)
    faker = new_faker(1)
    batch = []
    for _ in range(args.records):
        answers = fake_submission(vault.plan, DATASET, faker, voluntary_rate=1.0)
        batch.append(
            Submission(DATASET, answers, fake_consents(vault.plan, DATASET, answers, faker))
        )

    def vault_write(item: Submission) -> None:
        submit(vault, item)

    def plain_write(item: Submission) -> None:
        plain.objects.create(**item.answers)

    write = _writes(batch, plain_write, vault_write, _clear_rows_writer(vault), args.profile)

    from steward.vault.models import Record

    officer = vault.plan.role("privacy_officer")
    actor = Actor(ref="staff/1", role=officer, mfa_verified=True)
    service = AccessService(vault)
    vault_ids = list(Record.objects.filter(dataset=DATASET).values_list("id", flat=True))
    plain_ids = list(plain.objects.values_list("id", flat=True))
    rng = random.Random(7)
    pages = max(1, min(len(vault_ids), len(plain_ids)) // 50)

    read = _paired(
        args.reads,
        lambda: plain.objects.get(pk=rng.choice(plain_ids)),
        lambda: service.get_record(actor, rng.choice(vault_ids)),
    )
    listing = _paired(
        args.lists,
        lambda: list(plain.objects.order_by("-id")[rng.randrange(pages) * 50 :][:50]),
        lambda: service.list_records(actor, DATASET, limit=50, offset=rng.randrange(pages) * 50),
        profile=args.profile,
    )
    reveal = _paired(
        args.reads,
        lambda: plain.objects.values_list("full_name", flat=True).get(pk=rng.choice(plain_ids)),
        lambda: service.reveal(
            actor, rng.choice(vault_ids), "full_name", "service_delivery", REASON
        ),
    )
    return {
        "engine": engine,
        "records": args.records,
        "reads": args.reads,
        "lists": args.lists,
        "write": write,
        "read": read,
        "list": listing,
        "reveal": reveal,
    }


def _clear_rows_writer(vault: Any) -> Callable[[Any], None]:
    """Store answers in the vault's own tables in clear: no keys, no audit, no consents."""
    from django.db import transaction

    from steward.vault.models import FieldValue, Record, Subject

    dataset = vault.plan.dataset(DATASET)
    plan_id = vault.plan_version_id()
    encrypted = [spec.name for spec in dataset.collected_fields if spec.encrypted]

    def write(item: Any) -> None:
        with transaction.atomic():
            subject = Subject.objects.create()
            clear = {k: v for k, v in item.answers.items() if k not in encrypted}
            record = Record.objects.create(
                dataset=CLEAR_DATASET, subject=subject, plan_id=plan_id, clear_values=clear
            )
            FieldValue.objects.bulk_create(
                FieldValue(record=record, field=k, ciphertext=item.answers[k].encode())
                for k in encrypted
                if k in item.answers
            )

    return write


def _writes(
    batch: list[Any],
    plain: Callable[[Any], None],
    vault: Callable[[Any], None],
    rows: Callable[[Any], None],
    profile: bool,
) -> dict[str, float]:
    """Records per second of each writer, interleaved in rounds to share the noise."""
    totals = {"plain": 0.0, "vault": 0.0, "rows": 0.0}
    rounds = 5
    size = max(1, len(batch) // rounds)
    profiler = cProfile.Profile() if profile else None
    for start in range(0, len(batch), size):
        chunk = batch[start : start + size]
        for name, writer in (("plain", plain), ("vault", vault), ("rows", rows)):
            began = time.perf_counter()
            if profiler is not None and name == "vault":
                profiler.enable()
            for item in chunk:
                writer(item)
            if profiler is not None and name == "vault":
                profiler.disable()
            totals[name] += time.perf_counter() - began
    if profiler is not None:
        _print_profile("intake through collect.submit", profiler)
    return {name: len(batch) / seconds for name, seconds in totals.items()}


def _paired(
    count: int, plain: Callable[[], object], vault: Callable[[], object], profile: bool = False
) -> dict[str, dict[str, float]]:
    """Latencies (ms) of ``count`` alternating calls of each: median and p99."""
    samples: dict[str, list[float]] = {"plain": [], "vault": []}
    for _ in range(3):  # warm up caches and connections
        plain()
        vault()
    profiler = cProfile.Profile() if profile else None
    for _ in range(count):
        began = time.perf_counter()
        plain()
        samples["plain"].append((time.perf_counter() - began) * 1000)
        if profiler is not None:
            profiler.enable()
        began = time.perf_counter()
        vault()
        samples["vault"].append((time.perf_counter() - began) * 1000)
        if profiler is not None:
            profiler.disable()
    if profiler is not None:
        _print_profile("masked list through AccessService.list_records", profiler)
    return {name: _summary(values) for name, values in samples.items()}


def _summary(values: list[float]) -> dict[str, float]:
    p99 = statistics.quantiles(values, n=100)[98] if len(values) >= 2 else values[0]
    return {"median": statistics.median(values), "p99": p99}


def _print_profile(title: str, profiler: cProfile.Profile) -> None:
    sys.stderr.write(f"\n-- profile: {title} (top 20 by own time) --\n")
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats(os.environ.get("BENCH_SORT", "tottime")).print_stats(
        os.environ.get("BENCH_FILTER", ""), 20
    )


if __name__ == "__main__":
    main()
