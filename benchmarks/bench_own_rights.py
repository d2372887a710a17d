"""Benchmark: a person using their own rights, against a staff read of one record.

Run: .venv/bin/python benchmarks/bench_own_rights.py [--people 2000] [--repeat 15]
     [--gap 0] [--engines sqlite,postgresql]

For each engine, in its own process (Django has one database per process): a vault under
the city example plan and ``--people`` synthetic residents submitted through
``collect.submit``, each followed by a privacy officer's audited read of an earlier
resident's case, so the audit log grows with the vault (about two entries a person).
Then ``--gap`` seconds pass, and ``--repeat`` late residents arrive (plus ``--repeat``
more, for the withdrawals). For ``--repeat`` different people each:

- baseline: a staff read of one record (``AccessService.get_record``, as the officer);
- page, early: ``own_data.overview`` for a person among the first to arrive (the whole
  log was written after them);
- page, late: the same for a person who arrived last. The page reads only the entries
  about the person, through the audit log's object index, so both should cost the same;
- copy: ``own_copy.copy(..., "json")``;
- correct: ``own_data.correct(..., "phone", "555 010 1234")`` (a direct correction);
- withdraw: ``consent_withdrawal.withdraw(..., "service_updates")``, a fresh person
  each time who had agreed to it;
- sign in: ``code_sign_in.sign_in`` with the access code from the person's receipt.

Each figure is the median, printed with its ratio to the baseline measured in the same
run. PostgreSQL runs in a database ``bench_rights`` created and dropped on the server at
127.0.0.1:5432 (skipped if none answers).
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_children import run_per_engine

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
DATASET = "service_request"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "bench_rights"
STEPS = (
    ("page_early", "page, early person"),
    ("page_late", "page, late person"),
    ("copy", "copy (JSON)"),
    ("correct", "correct the phone"),
    ("withdraw", "withdraw a consent"),
    ("sign_in", "sign in with the code"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--gap", type=float, default=0.0)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(run_child(args.child, args)))
        return
    print(
        f"own-rights benchmark: {args.people:,} people, median of {args.repeat}; "
        "ratio = step / a staff read of one record"
    )
    run_per_engine(__file__, args.engines, args.pg_admin_url, report)


def report(result: dict[str, Any]) -> None:
    """Print one engine's figures."""
    base = result["read"]
    print(
        f"\n== {result['engine']}: {result['people']:,} people, audit log of "
        f"{result['log']:,} entries (loaded in {result['load_seconds']:.1f} s)"
    )
    print(f"  staff read of a record (baseline) {base * 1000:8.2f} ms")
    for key, label in STEPS:
        value = result[key]
        print(f"  {label:<33} {value * 1000:8.2f} ms   ratio {value / base:6.1f}x")
    print(
        f"  audit entries the page reads: early {result['scanned_early']:,}, "
        f"late {result['scanned_late']:,}"
    )


def run_child(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build the vault, then time each step for ``--repeat`` people."""
    work = Path(tempfile.mkdtemp(prefix="steward-bench-own-rights-"))
    os.environ["STEWARD_SECRET_KEY"] = secrets.token_urlsafe(40)
    database = ""
    try:
        from steward.crypto import FileKeyProvider

        keys = work / "keys"
        FileKeyProvider.create(keys / "kek.json")
        url = f"sqlite:///{work / 'live.sqlite3'}"
        if engine == "postgresql":
            database = PG_DATABASE
            _drop(args.pg_admin_url, database)
            _admin(args.pg_admin_url, f'CREATE DATABASE "{database}"')
            url = args.pg_admin_url.rsplit("/", 1)[0] + f"/{database}"
        from steward.cli.django_setup import setup_django

        setup_django(CITY, keys, url, work / "data")
        return {"engine": engine, "people": args.people, **_run(args)}
    finally:
        from django.db import connections

        connections.close_all()
        if database:
            _drop(args.pg_admin_url, database)
        shutil.rmtree(work, ignore_errors=True)


class _Person:
    """One resident as the benchmark knows them: their record, subject and code."""

    def __init__(self, record: str, subject: Any, code: str) -> None:
        self.record, self.subject, self.code = record, subject, code


def _run(args: argparse.Namespace) -> dict[str, Any]:
    from steward.synthetic import fake_consents, fake_submission, new_faker
    from steward.vault.models import AuditEntryRow, Record
    from steward.vault.rules.intake import Submission
    from steward.vault.runtime import get_vault
    from steward.vault.services.access import AccessService
    from steward.vault.services.collect import submit

    vault = get_vault()
    faker = new_faker(2026)
    pick = random.Random(2026)
    officer = _officer()
    access = AccessService(vault)

    def arrive(extra: frozenset[str] = frozenset()) -> _Person:
        answers = fake_submission(vault.plan, DATASET, faker)
        answers.setdefault("phone", faker.numerify("555 01# ####"))
        consents = fake_consents(vault.plan, DATASET, answers, faker) | extra
        receipt = submit(vault, Submission(DATASET, answers, consents))
        subject = Record.objects.values_list("subject_id", flat=True).get(pk=receipt.reference)
        return _Person(receipt.reference, subject, receipt.access_code)

    started = time.perf_counter()
    people: list[_Person] = []
    for _ in range(args.people):
        people.append(arrive())
        access.get_record(officer, pick.choice(people).record)
    time.sleep(args.gap)
    late = [arrive() for _ in range(args.repeat)]
    agreed = [arrive(frozenset({"service_updates"})) for _ in range(args.repeat)]
    load_seconds = time.perf_counter() - started
    log = AuditEntryRow.objects.count()
    return {
        "load_seconds": load_seconds,
        "log": log,
        "scanned_early": _entries_read(vault, people[0]),
        "scanned_late": _entries_read(vault, late[0]),
        **_measure(vault, officer, people, late, agreed, args.repeat),
    }


def _measure(
    vault: Any,
    officer: Any,
    people: list[Any],
    late: list[Any],
    agreed: list[Any],
    repeat: int,
) -> dict[str, float]:
    from steward.vault.services import code_sign_in, consent_withdrawal, own_copy, own_data
    from steward.vault.services.access import AccessService
    from steward.vault.services.person_sessions import person_actor

    access = AccessService(vault)
    middle = people[len(people) // 3 :]
    stride = max(1, len(middle) // (4 * repeat))
    chosen = middle[::stride]
    groups = [chosen[i * repeat : (i + 1) * repeat] for i in range(4)]

    def me(person: Any) -> Any:
        return person_actor(vault, person.subject)

    def page(person: Any) -> None:
        shown = own_data.overview(vault, me(person))
        assert shown.accesses is not None

    def withdraw(person: Any) -> None:
        done = consent_withdrawal.withdraw(vault, me(person), "service_updates")
        assert done.answers == 1

    def correct(person: Any) -> None:
        done = own_data.correct(vault, me(person), person.record, "phone", "555 010 1234")
        assert done.direct

    steps: dict[str, tuple[list[Any], Callable[[Any], object]]] = {
        "read": (groups[0], lambda p: access.get_record(officer, p.record)),
        "page_early": (people[:repeat], page),
        "page_late": (late, page),
        "copy": (groups[1], lambda p: own_copy.copy(vault, me(p), "json")),
        "correct": (groups[2], correct),
        "withdraw": (agreed, withdraw),
        "sign_in": (groups[3], lambda p: code_sign_in.sign_in(vault, p.code, "192.0.2.1")),
    }
    out = {}
    for name, (who, work) in steps.items():
        samples = []
        for person in who[:repeat]:
            start = time.perf_counter()
            work(person)
            samples.append(time.perf_counter() - start)
        out[name] = statistics.median(samples)
    return out


def _entries_read(vault: Any, person: Any) -> int:
    """How many audit entries the person's page reads: those about their record or
    them, found through the log's object index."""
    from steward.vault.models import AuditEntryRow

    hasher = vault.audit.hasher
    objects = [hasher.object(f"record/{person.record}"), hasher.object(f"subject/{person.subject}")]
    return AuditEntryRow.objects.filter(object_ref__in=objects).count()


def _officer() -> Any:
    """A privacy officer with a staff account who passed MFA (as the tests build one)."""
    from django.contrib.auth.models import User

    from steward.vault.models import StaffMember
    from steward.vault.runtime import get_vault
    from steward.vault.services.actors import Actor

    user = User.objects.create_user("ana.lima", password=secrets.token_urlsafe(20))
    StaffMember.objects.create(user=user, role="privacy_officer")
    role = get_vault().plan.role("privacy_officer")
    return Actor(ref=f"staff/{user.id}", role=role, user_id=user.id, mfa_verified=True)


def _admin(admin: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(statement)


def _drop(admin: str, name: str) -> None:
    _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
