"""The vault's long-lived parts, built once per process from the configuration.

:func:`get_vault` loads the plan (refusing one with check errors), opens the key ring,
the blind indexer and the audit log. Tests replace it with :func:`use_vault`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from steward.audit import AuditLog, ReferenceHasher
from steward.crypto import (
    LEDGER_FILE,
    BlindIndexer,
    ErasureLedger,
    FileErasureLedger,
    KeyRing,
    MemoryErasureLedger,
    SqliteSubjectKeyStore,
    open_keyring,
    read_public_key,
)
from steward.errors import StewardError
from steward.policy import LoadedPlan, Plan, load_plan
from steward.policy.checks import Severity, run_checks
from steward.vault.audit_store import DatabaseAuditStore

INTAKE_KEY_FILE = "intake.key.json"


class PlanHasErrors(StewardError):
    """The plan fails its checks; the vault refuses to run under it."""


@dataclass
class Vault:
    """Everything a request needs besides the database."""

    loaded: LoadedPlan
    keyring: KeyRing
    indexer: BlindIndexer
    audit: AuditLog
    access_code_key: bytes
    intake_public_key: X25519PublicKey | None = None
    ledger: ErasureLedger | None = None
    _plan_version_id: int | None = field(default=None, repr=False)

    def erasure_ledger(self) -> ErasureLedger:
        """The erasure ledger, kept with the keys (next to the subject key store).

        A vault built without one gets the file beside its SQLite subject key store, or,
        for a store elsewhere, a ledger in memory (tests).
        """
        if self.ledger is None:
            store = self.keyring.store
            if isinstance(store, SqliteSubjectKeyStore):
                self.ledger = FileErasureLedger(store.path.parent / LEDGER_FILE)
            else:
                self.ledger = MemoryErasureLedger()
        return self.ledger

    @property
    def plan(self) -> Plan:
        """The plan the vault runs under."""
        return self.loaded.plan

    def plan_version_id(self) -> int:
        """The database id of this plan text, recorded on every record."""
        if self._plan_version_id is None:
            from steward.vault.models import PlanVersion

            snapshot = self.loaded.plan.model_dump(mode="json", by_alias=True)
            row, created = PlanVersion.objects.get_or_create(
                digest=self.loaded.digest,
                defaults={"version": self.loaded.plan.version, "snapshot": snapshot},
            )
            if not created and not row.snapshot:
                PlanVersion.objects.filter(pk=row.pk).update(snapshot=snapshot)
            self._plan_version_id = row.id
        return self._plan_version_id


def derive_key(root: bytes, purpose: str) -> bytes:
    """A 32-byte key for ``purpose`` derived from ``root`` with HKDF-SHA-256."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"steward/{purpose}/1".encode()
    ).derive(root)


def check_plan(loaded: LoadedPlan) -> None:
    """Refuse a plan with check errors, naming them.

    Raises:
        PlanHasErrors: at least one check fails with severity error.
    """
    errors = [f for f in run_checks(loaded).findings if f.severity is Severity.ERROR]
    if errors:
        listed = "; ".join(f"{f.rule} at line {f.line}: {f.message}" for f in errors[:10])
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise PlanHasErrors(
            f"{loaded.source} fails {len(errors)} checks: {listed}{more}. "
            "Fix them (steward policy check) before serving."
        )


def build_vault(plan_path: Path, keys_dir: Path) -> Vault:
    """Load the plan and keys and assemble a vault.

    Raises:
        PlanUnreadableError, PlanLoadError, PlanHasErrors: the plan cannot be used.
        KeyStoreError: the keys are missing or unsafe (run ``steward keys init``).
    """
    loaded = load_plan(plan_path)
    check_plan(loaded)
    keyring = open_keyring(keys_dir)
    root = keyring.provider.index_key()
    intake_file = keys_dir / INTAKE_KEY_FILE
    return Vault(
        loaded=loaded,
        keyring=keyring,
        indexer=BlindIndexer(root),
        audit=AuditLog(DatabaseAuditStore(), ReferenceHasher(derive_key(root, "audit-references"))),
        access_code_key=derive_key(root, "access-codes"),
        intake_public_key=read_public_key(intake_file) if intake_file.exists() else None,
        ledger=FileErasureLedger(keys_dir / LEDGER_FILE),
    )


_lock = threading.Lock()
_vault: Vault | None = None


def get_vault() -> Vault:
    """The process's vault, built on first use from the server configuration."""
    global _vault
    if _vault is None:
        with _lock:
            if _vault is None:
                from django.conf import settings

                _vault = build_vault(settings.CONFIG.plan, settings.CONFIG.keys_dir)
    return _vault


def use_vault(vault: Vault | None) -> None:
    """Replace the process's vault (tests, or after reloading the plan)."""
    global _vault
    with _lock:
        _vault = vault
