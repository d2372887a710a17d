"""Profile: where one API request of each kind spends its time and its SQL statements.

Run: .venv/bin/python benchmarks/profile_vault_requests.py [--engine sqlite|postgresql]
     [--repeat 50] [--top 25]

In one process, Django is set up on a scratch vault (the city example plan; a temporary
SQLite file, or a scratch PostgreSQL database on 127.0.0.1:5432, dropped afterwards)
and the whole middleware stack is driven with Django's test client, as waitress would
call it: a public intake (``POST /api/intake/service_request``), a masked record read
(``GET /api/records/<id>``), a masked list of 25 and a reveal, with a privacy officer's
service token, and ``GET /healthz`` for comparison.

For each kind it prints the statements one request issues (counted with
``CaptureQueriesContext``; transaction control included: ``BEGIN``, ``SAVEPOINT``,
``COMMIT``), grouped by kind and table, then the functions where ``--repeat`` such
requests spent their time (cProfile, by cumulative time, only Steward's own code and
the libraries it calls: the profiler's overhead inflates the absolute figures, so read
the shares). Not a benchmark: nothing is compared; it shows where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.audit.served_vault import (  # noqa: E402
    INTAKE_PATH,
    init_keys,
    intake_bodies,
    postgres_admin_url,
    scratch_database,
)
from tests.cli.live_vault import CITY  # noqa: E402

REVEAL = {"field": "full_name", "purpose": "service_delivery", "reason": "calling back about it"}
SHOWN = r"steward/(vault|crypto|audit)|cryptography|ninja/schema|backends/base/base.py.*commit"
"""The functions shown: Steward's own below the middleware, the cipher, the response
schema's validation and the commit."""
_TABLE = re.compile(r'(?:FROM|INTO|UPDATE|JOIN)\s+"?(\w+)"?', re.IGNORECASE)


def statement_kind(sql: str) -> str:
    """``SELECT vault_record``, ``INSERT vault_auditentryrow``, ``SAVEPOINT``, ..."""
    verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"}:
        return verb
    tables = _TABLE.findall(sql)
    return f"{verb} {tables[0] if tables else ''}".strip()


@contextmanager
def scratch_vault(engine: str) -> Iterator[None]:
    """Django set up on a scratch vault on ``engine``; the database dropped afterwards."""
    with tempfile.TemporaryDirectory(prefix="steward-profile-") as scratch:
        folder = Path(scratch)
        init_keys(folder / "keys", folder)
        admin = postgres_admin_url() if engine == "postgresql" else None
        if engine == "postgresql" and admin is None:
            raise SystemExit("no PostgreSQL answers at 127.0.0.1:5432")
        with scratch_database(engine, folder, admin) as database:
            os.environ["STEWARD_SECRET_KEY"] = secrets.token_urlsafe(40)
            os.environ["STEWARD_ALLOWED_HOSTS"] = "testserver"
            os.environ["STEWARD_INSECURE_COOKIES"] = "1"
            from steward.cli.django_setup import setup_django

            url = None if engine == "sqlite" else database.url
            setup_django(CITY, folder / "keys", url, folder / "data")
            try:
                yield
            finally:
                from django.db import connections

                connections.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--repeat", type=int, default=50, help="requests of each kind profiled")
    parser.add_argument("--top", type=int, default=25, help="functions shown for each kind")
    args = parser.parse_args()
    with scratch_vault(args.engine):
        profile(args.engine, args.repeat, args.top)


def profile(engine: str, repeat: int, top: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from steward.vault.runtime import get_vault
    from steward.vault.services import create_token

    token = create_token(get_vault(), "profile", "privacy_officer", days=1, actor="cli/tokens")
    auth = {"Authorization": f"Bearer {token.token}"}
    client = Client()
    bodies = iter(intake_bodies(40 + 2 * repeat + 10))
    records = []
    for _ in range(40):
        answer = client.post(INTAKE_PATH, next(bodies), content_type="application/json")
        records.append(json.loads(answer.content)["reference"])
    record = records[7]

    kinds: dict[str, Callable[[], Any]] = {
        "health": lambda: client.get("/healthz"),
        "intake": lambda: client.post(INTAKE_PATH, next(bodies), content_type="application/json"),
        "read": lambda: client.get(f"/api/records/{record}", headers=auth),
        "list": lambda: client.get("/api/datasets/service_request/records?limit=25", headers=auth),
        "reveal": lambda: client.post(
            f"/api/records/{record}/reveal",
            json.dumps(REVEAL),
            content_type="application/json",
            headers=auth,
        ),
    }
    print(f"engine {engine}; {repeat} requests of each kind profiled")
    for kind, send in kinds.items():
        for _ in range(3):  # warm caches up
            assert send().status_code < 300
        with CaptureQueriesContext(connection) as queries:
            response = send()
        # Read them now: the next request's start empties the connection's log.
        captured = list(queries.captured_queries)
        assert response.status_code < 300, (kind, response.status_code)
        counted = Counter(statement_kind(q["sql"]) for q in captured)
        began = time.perf_counter()
        for _ in range(repeat):
            send()
        plain = (time.perf_counter() - began) / repeat
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            send()
        profiler.disable()
        print(
            f"\n== {kind}: {len(captured)} statements, "
            f"{plain * 1000:.1f} ms a request without the profiler"
        )
        for statement, count in sorted(counted.items(), key=lambda item: -item[1]):
            print(f"   {count:>3}  {statement}")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(SHOWN, top)
        print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


if __name__ == "__main__":
    main()
