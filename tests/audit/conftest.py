"""Shared fixtures for the audit log tests: a reference key, a signing key, filled logs,
and, for the tests that serve a real vault, its keys and a scratch database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from steward.audit import AuditLog, FileAuditStore, MemoryAuditStore, ReferenceHasher, SigningKey
from tests.audit.audit_helpers import ORIGIN, make_event
from tests.audit.served_vault import (
    ScratchDatabase,
    init_keys,
    postgres_admin_url,
    scratch_database,
    suite_engine,
)


@pytest.fixture
def hasher() -> ReferenceHasher:
    return ReferenceHasher(bytes(range(32)))


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate(ORIGIN)


@pytest.fixture
def memory_log(hasher: ReferenceHasher) -> AuditLog:
    log = AuditLog(MemoryAuditStore(), hasher)
    for number in range(10):
        log.append(make_event(number))
    return log


@pytest.fixture
def file_log(tmp_path: Path, hasher: ReferenceHasher) -> AuditLog:
    log = AuditLog(FileAuditStore(tmp_path / "audit"), hasher)
    for number in range(10):
        log.append(make_event(number))
    return log


@pytest.fixture
def pg_admin() -> str | None:
    """The PostgreSQL server for scratch databases when the suite runs on PostgreSQL."""
    if suite_engine() == "sqlite":
        return None
    url = postgres_admin_url()
    if url is None:
        pytest.skip("no PostgreSQL answers")
    return url


@pytest.fixture
def vault_keys(tmp_path: Path) -> Path:
    """A keys folder made by ``steward keys init`` (with the checkpoint signing key)."""
    init_keys(tmp_path / "keys", tmp_path)
    return tmp_path / "keys"


@pytest.fixture
def vault_database(tmp_path: Path, pg_admin: str | None) -> Iterator[ScratchDatabase]:
    """An empty database on the suite's engine for a served vault, dropped afterwards."""
    with scratch_database(suite_engine(), tmp_path, pg_admin) as scratch:
        yield scratch
