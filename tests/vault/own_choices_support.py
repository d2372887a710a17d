"""Helpers for the tests of a person's own choices: people made through the intake form,
their actor, and the audit log read back as JSON. (No tests here.)"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from steward.vault.models import AuditEntryRow, FieldValue, Record, SealedSubmission
from steward.vault.rules.intake import Submission
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.collect import open_sealed, submit
from steward.vault.services.person_sessions import person_actor
from tests.vault.test_staff_support import DISTINCT

TICKET = {
    "contact_name": "Wilhelmina Farthingale",
    "contact_channel": "signal +1 555 0199 771",
    "incident_description": "Phishing mail pretending to be the Quokka Bank",
    "incident_type": "phishing",
}
PROVIDER = {
    "provider_name": "Bartholomew Quillsby",
    "provider_email": "b.quillsby@example.net",
    "expertise": "forensics",
}


def resident(
    vault: Vault, *, updates: bool = True, answers: dict[str, str] | None = None
) -> tuple[Record, Actor, str]:
    """A city resident's request (agreeing to service updates unless told otherwise):
    the record, the person's actor and their access code."""
    consents = frozenset({"service_updates"}) if updates else frozenset()
    receipt = submit(vault, Submission("service_request", answers or DISTINCT, consents))
    record = Record.objects.get(pk=receipt.reference)
    return record, person_actor(vault, record.subject_id), receipt.access_code


def sealed_person(
    vault: Vault, intake: X25519PrivateKey, dataset: str, answers: dict[str, str], purpose: str
) -> tuple[Record, Actor, str]:
    """A help-desk person's form, agreed to ``purpose`` and opened by staff."""
    receipt = submit(vault, Submission(dataset, answers, frozenset({purpose})))
    open_sealed(vault, intake, actor="test/help_desk_staff")
    record = SealedSubmission.objects.get(pk=receipt.reference).record
    assert record is not None
    return record, person_actor(vault, record.subject_id), receipt.access_code


def add_donation(vault: Vault, subject_id: UUID) -> Record:
    """A donation row of the person (as the finance officer would record it)."""
    record = Record.objects.create(
        dataset="donation",
        subject_id=subject_id,
        plan_id=vault.plan_version_id(),
        clear_values={"amount": "250", "allocation": "Riverbank Legal Aid"},
    )
    ciphertexts = vault.keyring.encrypt_record(
        str(subject_id),
        {"transaction_id": b"txn-8832-qz"},
        dataset="donation",
        record=str(record.id),
    )
    FieldValue.objects.bulk_create(
        FieldValue(record=record, field=name, ciphertext=ct) for name, ct in ciphertexts.items()
    )
    return record


def audit_entries(action: str = "") -> list[dict[str, Any]]:
    """The audit log's entries (of ``action``, if given), oldest first."""
    rows = [json.loads(bytes(r.record)) for r in AuditEntryRow.objects.all()]
    return [r for r in rows if not action or r["action"] == action]


def audit_text() -> str:
    """The whole audit log as text, to look for values that must not be there."""
    return "\n".join(bytes(r.record).decode() for r in AuditEntryRow.objects.all())
