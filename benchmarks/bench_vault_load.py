"""Benchmark: the vault under concurrent load, as a help desk uses it, over HTTP.

Run: .venv/bin/python benchmarks/bench_vault_load.py [--clients 1,4,16] [--servers 1,2]
     [--engines sqlite,postgresql] [--requests 20] [--rounds 2]

For each engine and round, a scratch vault (the city example plan) is served by real
``steward serve`` processes on one database: a temporary SQLite file, or a scratch
PostgreSQL database on 127.0.0.1:5432 (dropped afterwards; skipped if none answers).
A service token for the plan's privacy officer (scope: every record; may reveal) is
made with ``steward tokens create`` and records are seeded through public intake.

Then, for each number of server processes and of clients, every client sends
``--requests`` requests over one keep-alive connection (client ``i`` talks to server
``i % servers``), all starting together, in the help desk's mix: of every ten, two
public intakes (``POST /api/intake/service_request``), two masked lists (``GET
/api/datasets/service_request/records?limit=25``), four masked record reads (every
other one of the record the client's own last intake made, so a fresh receipt is read
back over the API) and two reveals of a name with a purpose and a reason. The
baseline is the same clients sending as many ``GET /healthz`` (a plain Django view in
the same server processes: no database) just before, in the same run.

Printed per engine, servers and clients: throughput, p50 and p99 latency and errors
(any answer but 2xx, or no answer) for the vault and for the baseline, and the
vault's ratios to it (throughput: below 1 means slower; latency: above 1 means
slower). Throughput is the median over the rounds; latencies are over every request of
every round. Then, per engine, the checks made after each round's load:

- the audit chain verifies, its entries are numbered 0..n-1 with no gap or repeat,
  and there are exactly as many as the audited actions acknowledged (the token's
  creation, each seeded intake and each 2xx request of the mix): none lost, none
  forked, none extra;
- every intake acknowledged with a receipt has its record.

Machines here are shared and noisy: compare ratios, not requests per second.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.audit.served_vault import (  # noqa: E402
    DATASET,
    INTAKE_PATH,
    ScratchDatabase,
    init_keys,
    intake_bodies,
    postgres_admin_url,
    scratch_database,
    served,
    together,
)
from tests.cli.live_vault import CITY, steward  # noqa: E402

from steward.audit import MemoryAuditStore, verify_log  # noqa: E402

HEALTH_PATH = "/healthz"
LIST_PATH = f"/api/datasets/{DATASET}/records?limit=25"
TOKEN_ROLE = "privacy_officer"
REVEAL = {
    "field": "full_name",
    "purpose": "service_delivery",
    "reason": "calling back about the report",
}
MIX = ("intake", "list", "read", "reveal", "read", "intake", "list", "read", "reveal", "read")
"""Ten requests of a help desk: two intakes, two lists, four reads, two reveals."""
SEED = 40
"""Records made before the load, for reads and reveals."""


@dataclass
class Answer:
    """One request's outcome: its kind, HTTP status (0: no answer), seconds taken, and the
    receipt's record id for an acknowledged intake."""

    kind: str
    status: int
    seconds: float
    reference: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Run:
    """The answers of one batch of clients and the seconds from start to last answer."""

    answers: list[Answer]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.answers) / self.seconds

    @property
    def errors(self) -> int:
        return sum(not a.ok for a in self.answers)


@dataclass
class Target:
    """A served vault: its ports, the token, the seeded records and the intake bodies."""

    ports: list[int]
    token: str
    records: list[str]
    bodies: Iterator[bytes]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_body(self) -> bytes:
        with self.lock:
            return next(self.bodies)


def _request(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
) -> tuple[int, dict[str, Any]]:
    connection.request(method, path, body, headers)
    response = connection.getresponse()
    payload = response.read()
    try:
        answer = json.loads(payload) if payload else {}
    except ValueError:
        answer = {}
    return response.status, answer if isinstance(answer, dict) else {}


class Client:
    """One help desk client: one keep-alive connection to one server, its own random
    choices (seeded) and the record of its last intake."""

    def __init__(self, target: Target, port: int, number: int) -> None:
        self.target = target
        self.port = port
        self.random = random.Random(number)
        self.own: str | None = None
        self.reads = 0
        self.connection = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def send(self, kind: str) -> Answer:
        """Send one request of ``kind`` (``health`` or one of :data:`MIX`), timed."""
        auth = {"Authorization": f"Bearer {self.target.token}"}
        json_headers = {**auth, "Content-Type": "application/json"}
        body: bytes | None = None
        if kind == "health":
            method, path, headers = "GET", HEALTH_PATH, {}
        elif kind == "intake":
            body = self.target.next_body()
            method, path, headers = "POST", INTAKE_PATH, {"Content-Type": "application/json"}
        elif kind == "list":
            method, path, headers = "GET", LIST_PATH, auth
        elif kind == "read":
            self.reads += 1
            own = self.own if self.reads % 2 == 0 else None
            record = own or self.random.choice(self.target.records)
            method, path, headers = "GET", f"/api/records/{record}", auth
        else:
            record = self.random.choice(self.target.records)
            body = json.dumps(REVEAL).encode()
            method, path, headers = "POST", f"/api/records/{record}/reveal", json_headers
        sent = time.perf_counter()
        try:
            status, answer = _request(self.connection, method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = self._connect()
            return Answer(kind, 0, time.perf_counter() - sent, detail=type(error).__name__)
        seconds = time.perf_counter() - sent
        reference = answer.get("reference") if kind == "intake" and status == 201 else None
        if reference:
            self.own = str(reference)
        detail = "" if 200 <= status < 300 else str(answer.get("detail", ""))[:80]
        return Answer(kind, status, seconds, reference, detail)

    def close(self) -> None:
        self.connection.close()


def drive(target: Target, servers: int, clients: int, requests: int, baseline: bool) -> Run:
    """``clients`` clients at once, each sending ``requests`` requests to server
    ``i % servers``: the help desk's mix, or ``GET /healthz`` for the baseline."""
    ports = target.ports[:servers]
    answers: list[Answer] = []
    lock = threading.Lock()

    def work(number: int, start: threading.Barrier) -> None:
        client = Client(target, ports[number % len(ports)], number)
        mine = []
        start.wait()
        for step in range(requests):
            kind = "health" if baseline else MIX[(number + step) % len(MIX)]
            mine.append(client.send(kind))
        client.close()
        with lock:
            answers.extend(mine)

    seconds = together(clients, work)
    return Run(answers, seconds)


def make_token(folder: Path, keys: Path, database: ScratchDatabase) -> str:
    """A service token for the plan's privacy officer, made by ``steward tokens create``."""
    done = steward(
        "tokens", "create", "load-benchmark", "--role", TOKEN_ROLE, "--days", "30",
        "--plan", str(CITY), "--keys-dir", str(keys), *database.options, cwd=folder,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"tokens create failed: {done.stderr}")
    return done.stdout.strip().splitlines()[-1]


@dataclass
class Checks:
    """What was found after the load on one vault."""

    chain_ok: bool
    entries: int
    expected: int
    numbered: bool
    intakes: int
    lost: int

    @property
    def ok(self) -> bool:
        return self.chain_ok and self.numbered and self.entries == self.expected and not self.lost


def check(database: ScratchDatabase, acknowledged: int, receipts: Sequence[str]) -> Checks:
    """Verify the audit chain, its numbering and size, and every receipt's record."""
    store = MemoryAuditStore()
    for (record,) in database.query("SELECT record FROM vault_auditentryrow ORDER BY seq"):
        store.records.append(bytes(record))
    report = verify_log(store)
    count, distinct, low, high = database.query(
        "SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM vault_auditentryrow"
    )[0]
    numbered = count == distinct and (count == 0 or (low == 0 and high == count - 1))
    stored = database.record_ids()
    lost = sum(uuid.UUID(r) not in stored for r in receipts)
    return Checks(report.ok, int(count), acknowledged, numbered, len(receipts), lost)


@dataclass
class Cell:
    """One engine, servers and clients: the vault's and the baseline's runs."""

    vault: list[Run] = field(default_factory=list)
    baseline: list[Run] = field(default_factory=list)


def run_round(
    engine: str,
    servers: Sequence[int],
    clients: Sequence[int],
    requests: int,
    cells: dict[tuple[int, int], Cell],
    admin_url: str | None = None,
) -> Checks:
    """One scratch vault on ``engine``, served by ``max(servers)`` processes; every
    servers and clients level run against it (baseline first), then the checks."""
    with tempfile.TemporaryDirectory(prefix="steward-bench-load-") as scratch:
        folder = Path(scratch)
        keys = folder / "keys"
        init_keys(keys, folder)
        most = max(servers)
        # At most one intake in every five requests, and one more for a client's start.
        intakes = len(servers) * sum(c * (requests // 5 + 1) for c in clients)
        bodies = iter(intake_bodies(SEED + 2 * most + intakes))
        with (
            scratch_database(engine, folder, admin_url) as database,
            served(folder, keys, database, count=most) as running,
        ):
            token = make_token(folder, keys, database)
            target = Target(running.ports, token, [], bodies)
            seeder = Client(target, running.ports[0], 0)
            seeded = [seeder.send("intake") for _ in range(SEED)]
            seeder.close()
            if not all(a.ok for a in seeded):
                raise RuntimeError(f"seeding failed: {Counter(a.status for a in seeded)}")
            target.records = [str(a.reference) for a in seeded]
            runs = [drive(target, most, most, 2, baseline=False)]  # warm every server up
            for servers_level in servers:
                for clients_level in clients:
                    cell = cells.setdefault((servers_level, clients_level), Cell())
                    cell.baseline.append(
                        drive(target, servers_level, clients_level, requests, baseline=True)
                    )
                    cell.vault.append(
                        drive(target, servers_level, clients_level, requests, baseline=False)
                    )
                    runs.append(cell.vault[-1])
            answers = [a for run in runs for a in run.answers] + seeded
            acknowledged = 1 + sum(a.ok for a in answers)  # the token's creation is audited
            receipts = [str(a.reference) for a in answers if a.reference]
            return check(database, acknowledged, receipts)


def percentile(seconds: Sequence[float], point: int) -> float:
    """The ``point``-th percentile of ``seconds``, in milliseconds."""
    if len(seconds) == 1:
        return 1000 * seconds[0]
    return 1000 * statistics.quantiles(seconds, n=100, method="inclusive")[point - 1]


@dataclass
class Figures:
    """Throughput (median over rounds), p50 and p99 (over every request) and errors."""

    rate: float
    p50: float
    p99: float
    errors: int
    requests: int
    refusals: Counter[str]


def figures(runs: Sequence[Run]) -> Figures:
    seconds = [a.seconds for run in runs for a in run.answers]
    refusals: Counter[str] = Counter(
        f"{a.kind} {a.status} {a.detail}".strip() for run in runs for a in run.answers if not a.ok
    )
    return Figures(
        statistics.median(run.rate for run in runs),
        percentile(seconds, 50),
        percentile(seconds, 99),
        sum(run.errors for run in runs),
        len(seconds),
        refusals,
    )


HEADER = (
    f"{'engine':<11}{'servers':>7}{'clients':>8}{'vault/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
    f"{'errors':>9}{'base/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'errors':>9}"
    f"{'rate':>7}{'p50':>7}{'p99':>7}"
)


def row(engine: str, servers: int, clients: int, cell: Cell) -> tuple[str, Figures]:
    """One line of the table: the vault, the baseline and the vault's ratios to it."""
    vault, base = figures(cell.vault), figures(cell.baseline)
    line = (
        f"{engine:<11}{servers:>7}{clients:>8}{vault.rate:>9.1f}{vault.p50:>8.1f}"
        f"{vault.p99:>8.1f}{f'{vault.errors}/{vault.requests}':>9}{base.rate:>9.1f}"
        f"{base.p50:>8.1f}{base.p99:>8.1f}{f'{base.errors}/{base.requests}':>9}"
        f"{vault.rate / base.rate:>6.2f}x{vault.p50 / base.p50:>6.1f}x{vault.p99 / base.p99:>6.1f}x"
    )
    return line, vault


def by_kind(runs: Sequence[Run]) -> str:
    """The median latency of each kind of request in the mix, in milliseconds."""
    kinds: dict[str, list[float]] = {}
    for run in runs:
        for answer in run.answers:
            kinds.setdefault(answer.kind, []).append(answer.seconds)
    return ", ".join(
        f"{kind} {percentile(kinds[kind], 50):.0f}" for kind in MIX[:4] if kind in kinds
    )


def checks_line(engine: str, found: Sequence[Checks]) -> str:
    chain = "ok" if all(c.chain_ok and c.numbered for c in found) else "BROKEN"
    entries = ", ".join(f"{c.entries}/{c.expected}" for c in found)
    lost = sum(c.lost for c in found)
    intakes = sum(c.intakes for c in found)
    return (
        f"{engine}: audit chain {chain}; entries/expected per round {entries}; "
        f"receipts without a record {lost} of {intakes}"
    )


def measure(
    engine: str,
    servers: Sequence[int],
    clients: Sequence[int],
    requests: int,
    rounds: int,
    admin_url: str | None = None,
) -> tuple[dict[tuple[int, int], Cell], list[Checks]]:
    """Every round on ``engine``: the cells (servers, clients) and each round's checks."""
    cells: dict[tuple[int, int], Cell] = {}
    found = [run_round(engine, servers, clients, requests, cells, admin_url) for _ in range(rounds)]
    return cells, found


def _levels(text: str) -> list[int]:
    return sorted({int(part) for part in text.split(",") if part.strip()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=_levels, default=[1, 4, 16])
    parser.add_argument("--servers", type=_levels, default=[1, 2])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(
        f"help desk mix (per 10: 2 intake, 2 list, 4 read, 2 reveal), {args.requests} "
        f"requests per client, {args.rounds} rounds; baseline: GET {HEALTH_PATH}"
    )
    print(f"{'':<26}{'vault':-^34}{'baseline':-^34}{'vault / baseline':-^21}")
    print(HEADER)
    summaries = []
    failed = False
    for engine in args.engines.split(","):
        admin = postgres_admin_url() if engine == "postgresql" else None
        if engine == "postgresql" and admin is None:
            print(f"{engine:<11}skipped: no PostgreSQL answers at 127.0.0.1:5432")
            continue
        began = time.perf_counter()
        cells, found = measure(
            engine, args.servers, args.clients, args.requests, args.rounds, admin
        )
        for (servers, clients), cell in sorted(cells.items()):
            line, vault = row(engine, servers, clients, cell)
            print(line)
            print(f"{'':<26}vault p50 by kind: {by_kind(cell.vault)}")
            for refusal, count in vault.refusals.most_common(5):
                print(f"{'':<26}refused {count}x: {refusal}")
            failed |= vault.errors > 0
        failed |= not all(c.ok for c in found)
        summaries.append(f"{checks_line(engine, found)} ({time.perf_counter() - began:.0f} s)")
    for summary in summaries:
        print(summary)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
