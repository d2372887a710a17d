"""The load benchmark's core at a tiny size (``benchmarks/bench_vault_load.py``), so it
keeps working: one real ``steward serve`` on the suite's engine, two help desk clients,
and the checks it makes afterwards (chain, entry count, receipts) pass."""

from __future__ import annotations

import pytest
from benchmarks.bench_vault_load import MIX, SEED, by_kind, checks_line, measure, row

from tests.audit.served_vault import suite_engine

pytestmark = pytest.mark.slow
CLIENTS = 2
EACH = 5


def test_two_clients_on_one_server_are_served_audited_and_stored(pg_admin: str | None) -> None:
    engine = suite_engine()
    cells, found = measure(engine, [1], [CLIENTS], EACH, 1, pg_admin)

    assert list(cells) == [(1, CLIENTS)]
    cell = cells[(1, CLIENTS)]
    (vault,), (baseline,) = cell.vault, cell.baseline
    assert [a.status for a in baseline.answers] == [200] * CLIENTS * EACH
    assert sorted(a.kind for a in vault.answers) == sorted(
        MIX[(number + step) % len(MIX)] for number in range(CLIENTS) for step in range(EACH)
    )
    assert vault.errors == 0, [(a.kind, a.status, a.detail) for a in vault.answers]
    (checks,) = found
    assert checks.ok, checks
    # The token's creation, the seeded intakes, the warm-up's 2 requests and the mix's.
    assert checks.entries == 1 + SEED + 2 + CLIENTS * EACH
    assert checks.intakes > SEED
    assert checks.lost == 0

    line, figures = row(engine, 1, CLIENTS, cell)
    assert line.startswith(engine)
    assert figures.errors == 0
    assert set(by_kind(cell.vault).replace(",", "").split()[::2]) == {
        "intake", "list", "read", "reveal",
    }  # fmt: skip
    assert "audit chain ok" in checks_line(engine, found)
