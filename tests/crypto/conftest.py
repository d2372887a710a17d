"""Shared fixtures for crypto tests: a fresh key file and subject key store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.crypto import FileKeyProvider, KeyRing, MemorySubjectKeyStore, SqliteSubjectKeyStore


@pytest.fixture
def provider(tmp_path: Path) -> FileKeyProvider:
    return FileKeyProvider.create(tmp_path / "keys" / "kek.json")


@pytest.fixture(params=["memory", "sqlite"])
def keyring(request: pytest.FixtureRequest, provider: FileKeyProvider, tmp_path: Path) -> KeyRing:
    if request.param == "memory":
        return KeyRing(provider, MemorySubjectKeyStore())
    return KeyRing(provider, SqliteSubjectKeyStore(tmp_path / "keys" / "subject-keys.sqlite3"))
