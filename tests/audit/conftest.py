"""Shared fixtures for the audit log tests: a reference key, a signing key, filled logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.audit import AuditLog, FileAuditStore, MemoryAuditStore, ReferenceHasher, SigningKey
from tests.audit.audit_helpers import ORIGIN, make_event


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
