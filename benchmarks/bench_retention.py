"""Benchmark: the retention sweep over 100,000 records with 10% due, and closing cases
that are reduced to counts at once, against bare SQL doing the same deletions.

Run: .venv/bin/python benchmarks/bench_retention.py [--size 100000] [--due 0.1]
     [--closes 1000] [--engines sqlite,postgresql]

For each engine, in its own process (Django has one database per process):

- load: ``--size`` city service requests are bulk-inserted (records, six ciphertext
  rows each, one blind index, consents); the ``--due`` share was closed six years ago,
  so every purpose of theirs has ended and the sweep counts them into the aggregate
  table and purges them; their subjects have real data keys, which the sweep shreds.
- sweep: ``sweep_retention`` (reads every record not purged, decides each with the pure
  rule, purges the due ones through the deletion service: aggregate counts, audit entry
  per record, ledger entry, key shredding), against two baselines measured in the same
  run: a bare ``DELETE`` of the same rows (field values and consents) plus an
  ``UPDATE`` marking the records, in one transaction rolled back afterwards; and a bare
  read of what the sweep reads (records, field names, consents).
- close: ``--closes`` help-desk tickets closed one by one through ``close_case`` (the
  plan keeps nothing after closure: ``0d from case_closure, then aggregate``), which
  deletes their details at once and shreds the keys; the baseline is a bare ``UPDATE``
  of the status plus a ``DELETE`` of the field values, one transaction per ticket.

PostgreSQL runs in a database ``steward_bench_ret*`` created and dropped on the server at
127.0.0.1:5432 (skipped if none answers). Figures are single runs (the work is
destructive); the ratio is Steward / baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_children import run_per_engine

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
HELP_DESK = ROOT / "examples" / "security-help-desk.yaml"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_PREFIX = "steward_bench_ret"
CHUNK = 2000
CITY_FIELDS = ("full_name", "email", "phone", "street_address", "age_band", "details")
DESK_FIELDS = ("contact_name", "contact_channel", "incident_description")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--due", type=float, default=0.1)
    parser.add_argument("--closes", type=int, default=1000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(run_child(args.child, args)))
        return
    print(
        f"retention benchmark: {args.size:,} records, {args.due:.0%} due; "
        "ratio = Steward / bare SQL"
    )
    run_per_engine(__file__, args.engines, args.pg_admin_url, report)


def report(r: dict[str, Any]) -> None:
    print(
        f"\n== {r['engine']}: {r['size']:,} records ({r['due']:,} due), loaded in {r['load']:.1f} s"
    )
    print(
        f"sweep (decide {r['size']:,}, purge {r['due']:,}): {r['sweep']:.2f} s   "
        f"bare DELETE+UPDATE {r['bare_delete']:.2f} s (x{r['sweep'] / r['bare_delete']:.1f})   "
        f"bare read {r['bare_read']:.2f} s (x{r['sweep'] / r['bare_read']:.1f})"
    )
    print(f"  sweep said: {r['summary']}")
    print(f"  a second sweep (nothing due): {r['second']:.2f} s")
    print(
        f"close and aggregate at once: {r['closes']:,} tickets in {r['close']:.2f} s = "
        f"{r['closes'] / r['close']:.0f} per second   bare UPDATE+DELETE {r['bare_close']:.2f} s "
        f"(x{r['close'] / r['bare_close']:.1f})"
    )


def run_child(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="steward-bench-retention-"))
    os.environ["STEWARD_SECRET_KEY"] = secrets.token_urlsafe(40)
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

        setup_django(CITY, keys, url, work / "data")
        return measure(engine, args)
    finally:
        from django.db import connections

        connections.close_all()
        if database:
            import psycopg

            with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def load(
    vault: Any, dataset: str, fields: tuple[str, ...], size: int, due: int, **extra: Any
) -> list[Any]:
    """Bulk-insert ``size`` records of ``dataset``; the first ``due`` ones closed 6 years
    ago with real data keys. Returns the due records' ids."""
    from django.db import transaction

    from steward import clock
    from steward.vault.models import Consent, FieldValue, Record, Subject

    now = clock.now()
    old = now - timedelta(days=6 * 366)
    plan_id = vault.plan_version_id()
    due_ids = []
    for start in range(0, size, CHUNK):
        count = min(CHUNK, size - start)
        with transaction.atomic():
            subjects = Subject.objects.bulk_create([Subject() for _ in range(count)])
            records = []
            for offset, subject in enumerate(subjects):
                is_due = start + offset < due
                records.append(
                    Record(
                        dataset=dataset, subject=subject, plan_id=plan_id,
                        status="closed" if is_due and not extra.get("open") else "open",
                        closed=old if is_due and not extra.get("open") else None,
                        clear_values=extra.get("clear", {}), team=extra.get("team", ""),
                        assigned_to_id=extra.get("assigned"),
                    )
                )  # fmt: skip
            Record.objects.bulk_create(records)
            if start < due:
                Record.objects.filter(id__in=[r.id for r in records[: due - start]]).update(
                    created=old
                )
            values = []
            for offset, record in enumerate(records):
                real = start + offset < due
                for name in fields:
                    if real and name == fields[0]:
                        text = vault.keyring.encrypt(
                            str(record.subject_id), b"x" * 20, dataset=dataset,
                            record=str(record.id), field=name,
                        )  # fmt: skip
                    else:
                        text = secrets.token_bytes(60)
                    index = secrets.token_bytes(16) if name == fields[0] else None
                    values.append(
                        FieldValue(record=record, field=name, ciphertext=text, blind_index=index)
                    )
                if real:
                    due_ids.append(record.id)
            FieldValue.objects.bulk_create(values)
            if dataset == "service_request":
                Consent.objects.bulk_create(
                    Consent(
                        subject_id=r.subject_id, record=r, purpose="service_updates", granted=False
                    )
                    for r in records
                )
    return due_ids


def measure(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    import dataclasses

    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from steward import clock
    from steward.policy import load_plan
    from steward.vault import get_vault
    from steward.vault.models import Consent, FieldValue, Record
    from steward.vault.services import sweep_retention
    from steward.vault.services.actors import Actor
    from steward.vault.services.case_status import close_case

    vault = get_vault()
    due = int(args.size * args.due)
    started = time.perf_counter()
    clear = {"district": "North", "request_type": "pothole"}
    due_ids = load(vault, "service_request", CITY_FIELDS, args.size, due, clear=clear)
    loaded = time.perf_counter() - started

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic():
            for start in range(0, len(due_ids), CHUNK):
                chunk = due_ids[start : start + CHUNK]
                FieldValue.objects.filter(record_id__in=chunk).delete()
                Consent.objects.filter(record_id__in=chunk).delete()
                Record.objects.filter(id__in=chunk).update(purged=clock.now(), clear_values={})
            bare_delete = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass

    started = time.perf_counter()
    seen = 0
    for start in range(0, args.size, CHUNK):
        ids = list(
            Record.objects.order_by("id").values_list("id", "created", "closed", "clear_values")[
                start : start + CHUNK
            ]
        )
        keys = [i[0] for i in ids]
        seen += len(
            list(FieldValue.objects.filter(record_id__in=keys).values_list("record_id", "field"))
        )
        seen += len(
            list(Consent.objects.filter(record_id__in=keys).values_list("record_id", "purpose"))
        )
    bare_read = time.perf_counter() - started

    started = time.perf_counter()
    swept = sweep_retention(vault, now=clock.now())
    sweep = time.perf_counter() - started
    started = time.perf_counter()
    sweep_retention(vault, now=clock.now())
    second = time.perf_counter() - started
    assert Record.objects.filter(purged__isnull=False).count() == due

    desk = dataclasses.replace(vault, loaded=load_plan(HELP_DESK))
    user = User.objects.create(username="bench-helper")
    ids = load(
        desk, "assistance_request", DESK_FIELDS, 2 * args.closes, 2 * args.closes,
        open=True, clear={"incident_type": "phishing"}, team="help_desk", assigned=user.id,
    )  # fmt: skip
    actor = Actor(ref="bench/help_desk_staff", role=desk.plan.role("help_desk_staff"),
                  user_id=user.id, team="help_desk", mfa_verified=True)  # fmt: skip
    started = time.perf_counter()
    for record_id in ids[: args.closes]:
        with transaction.atomic():
            Record.objects.filter(pk=record_id).update(status="closed", closed=clock.now())
            FieldValue.objects.filter(record_id=record_id).delete()
    bare_close = time.perf_counter() - started
    started = time.perf_counter()
    for record_id in ids[args.closes :]:
        close_case(desk, actor, record_id, reason="benchmark: the ticket is resolved")
    close = time.perf_counter() - started
    assert not FieldValue.objects.filter(record_id__in=ids[args.closes :]).exists()
    del connection
    return {
        "engine": engine, "size": args.size, "due": due, "load": loaded,
        "sweep": sweep, "bare_delete": bare_delete, "bare_read": bare_read, "seen": seen,
        "summary": swept.summary(), "second": second,
        "closes": args.closes, "close": close, "bare_close": bare_close,
    }  # fmt: skip


if __name__ == "__main__":
    main()
