"""Fixtures for vault tests: a vault on a real database, with keys made for the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from steward.audit import AuditLog, ReferenceHasher
from steward.crypto import BlindIndexer, FileKeyProvider, KeyRing, SqliteSubjectKeyStore
from steward.policy import load_plan
from steward.policy.model import Role
from steward.vault.audit_store import DatabaseAuditStore
from steward.vault.runtime import Vault, derive_key, use_vault
from steward.vault.services.actors import Actor

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CITY = EXAMPLES / "city-constituent-services.yaml"
HELP_DESK = EXAMPLES / "security-help-desk.yaml"


def make_vault(plan: Path, keys: Path) -> tuple[Vault, X25519PrivateKey]:
    """A vault for ``plan`` with fresh keys under ``keys``, and its intake private key."""
    provider = FileKeyProvider.create(keys / "kek.json")
    root = provider.index_key()
    intake = X25519PrivateKey.generate()
    vault = Vault(
        loaded=load_plan(plan),
        keyring=KeyRing(provider, SqliteSubjectKeyStore(keys / "subject-keys.sqlite3")),
        indexer=BlindIndexer(root),
        audit=AuditLog(DatabaseAuditStore(), ReferenceHasher(derive_key(root, "audit-references"))),
        access_code_key=derive_key(root, "access-codes"),
        intake_public_key=intake.public_key(),
    )
    return vault, intake


@pytest.fixture
def city_vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    vault, _ = make_vault(CITY, tmp_path / "keys")
    use_vault(vault)
    yield vault
    use_vault(None)


@pytest.fixture
def help_desk(db: None, tmp_path: Path) -> Iterator[tuple[Vault, X25519PrivateKey]]:
    vault, intake = make_vault(HELP_DESK, tmp_path / "keys")
    use_vault(vault)
    yield vault, intake
    use_vault(None)


def actor_for(vault: Vault, role_id: str, **kwargs: object) -> Actor:
    """An actor of plan role ``role_id`` who passed MFA, unless told otherwise."""
    role: Role = vault.plan.role(role_id)
    settings = {"mfa_verified": True, **kwargs}
    return Actor(ref=f"test/{role_id}", role=role, **settings)  # type: ignore[arg-type]
