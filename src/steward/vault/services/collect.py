"""Collecting intake submissions: validate against the plan, encrypt, store, audit.

Every personal answer is encrypted under the subject's own key, bound to its record
and field, before it reaches the database; only the fields the plan stores in clear
(non-identifying ones) are kept readable. Sealed datasets are encrypted to the
organization's intake key on receipt, so the server keeps only opaque blobs.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.db import transaction
from django.utils import timezone

from steward.crypto import SealedSubmission as SealedBlob
from steward.crypto import seal_submission, unseal_batch
from steward.errors import StewardError
from steward.policy.model import Dataset
from steward.vault.audit_actions import AuditAction
from steward.vault.models import (
    AccessCode,
    Consent,
    FieldValue,
    Record,
    SealedSubmission,
    Subject,
)
from steward.vault.rules.intake import Submission, check_submission, consent_purposes
from steward.vault.rules.routing import route
from steward.vault.rules.search import spec_normalization
from steward.vault.runtime import Vault
from steward.vault.services.auditing import audit

PUBLIC_ACTOR = "public/intake"


class SubmissionRejected(StewardError):
    """The submission breaks the plan; ``problems`` says where (field name -> message)."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{k or 'submission'}: {v}" for k, v in problems.items()))


class MinorRefused(StewardError):
    """The plan does not collect data about children, and the person said they are one."""


@dataclass(frozen=True)
class Receipt:
    """What the person keeps: a reference, their consent choices and their access code."""

    reference: str
    dataset: str
    received: datetime
    plan_version: str
    consents: tuple[tuple[str, str, bool], ...]
    access_code: str
    sealed: bool


def submit(vault: Vault, submission: Submission) -> Receipt:
    """Store one intake submission, or refuse it with every problem listed.

    Raises:
        SubmissionRejected: undeclared or ``never`` fields, missing or malformed answers,
            or opt-ins that do not match; nothing is stored.
        MinorRefused: the plan refuses data about children; nothing is stored.
        AuditUnavailable: the submission could not be audited; nothing is stored.
    """
    plan = vault.plan
    verdict = check_submission(plan, submission)
    if verdict.refused_minor:
        threshold = plan.minors.age_threshold if plan.minors else 0
        raise MinorRefused(f"we do not collect data about anyone under {threshold}")
    if not verdict.accepted:
        raise SubmissionRejected(verdict.problems)
    dataset = plan.dataset(submission.dataset)
    answers = {k: v.strip() for k, v in submission.answers.items() if v is not None and v.strip()}
    code = new_access_code()
    with transaction.atomic():
        subject = Subject.objects.create()
        AccessCode.objects.create(subject=subject, lookup=access_code_lookup(vault, code))
        if dataset.sealed:
            reference = _store_sealed(vault, dataset, subject, submission, answers)
        else:
            record = store_record(vault, dataset, subject, answers, submission)
            reference = str(record.id)
    purposes = {p.id: p.label for p in plan.purposes}
    consents = tuple(
        (p, purposes[p], p in submission.consents) for p in consent_purposes(plan, dataset)
    )
    return Receipt(
        reference=reference,
        dataset=dataset.id,
        received=timezone.now(),
        plan_version=plan.version,
        consents=consents,
        access_code=code,
        sealed=dataset.sealed,
    )


def store_record(
    vault: Vault,
    dataset: Dataset,
    subject: Subject,
    answers: dict[str, str],
    submission: Submission,
    *,
    actor: str = PUBLIC_ACTOR,
) -> Record:
    """Encrypt and store checked answers as a new record; call inside a transaction.

    The record goes to the team the plan's routing rule picks from the answers
    (:func:`~steward.vault.rules.routing.route`); the audit entry says which team and why.
    """
    destination = route(vault.plan, dataset.id, answers)
    clear = {
        spec.name: answers[spec.name]
        for spec in dataset.collected_fields
        if not spec.encrypted and spec.name in answers
    }
    record = Record.objects.create(
        dataset=dataset.id,
        subject=subject,
        plan_id=vault.plan_version_id(),
        clear_values=clear,
        team=destination.team,
        guardian_consent=submission.under_age and submission.guardian_consent,
    )
    secret = {
        spec.name: answers[spec.name].encode("utf-8")
        for spec in dataset.collected_fields
        if spec.encrypted and spec.name in answers
    }
    ciphertexts = vault.keyring.encrypt_record(
        str(subject.id), secret, dataset=dataset.id, record=str(record.id)
    )
    specs = {spec.name: spec for spec in dataset.fields}
    FieldValue.objects.bulk_create(
        FieldValue(
            record=record,
            field=name,
            ciphertext=ciphertext,
            blind_index=blind_index_for(vault, dataset.id, name, answers[name])
            if specs[name].searchable
            else None,
        )
        for name, ciphertext in ciphertexts.items()
    )
    Consent.objects.bulk_create(
        Consent(
            subject=subject,
            record=record,
            purpose=purpose,
            granted=purpose in submission.consents,
            by_guardian=record.guardian_consent,
        )
        for purpose in consent_purposes(vault.plan, dataset)
    )
    audit(
        vault,
        actor=actor,
        action=AuditAction.RECORD_CREATE,
        obj=f"record/{record.id}",
        fields=sorted([*secret, *clear]),
        purpose=destination.note,
    )
    return record


def blind_index_for(vault: Vault, dataset: str, field: str, value: str) -> bytes:
    """The blind index of ``value`` in ``dataset.field``, normalized by the field's input kind."""
    spec = vault.plan.dataset(dataset).field(field)
    return vault.indexer.index(
        value, dataset=dataset, field=field, normalization=spec_normalization(spec)
    )


def _store_sealed(
    vault: Vault,
    dataset: Dataset,
    subject: Subject,
    submission: Submission,
    answers: dict[str, str],
) -> str:
    if vault.intake_public_key is None:
        raise StewardError("this form is sealed but the vault has no intake key")
    row = SealedSubmission(dataset=dataset.id, plan_id=vault.plan_version_id(), subject=subject)
    payload: dict[str, Any] = {
        "answers": answers,
        "consents": sorted(submission.consents),
        "under_age": submission.under_age,
        "guardian_consent": submission.guardian_consent,
    }
    row.sealed = seal_submission(str(row.id), dataset.id, payload, vault.intake_public_key).sealed
    row.save()
    audit(
        vault,
        actor=PUBLIC_ACTOR,
        action=AuditAction.SEALED_RECEIVE,
        obj=f"sealed/{row.id}",
        purpose="intake",
    )
    return str(row.id)


@dataclass(frozen=True)
class UnsealOutcome:
    """How opening sealed submissions went: ids opened, and failures by id."""

    opened: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]


def open_sealed(vault: Vault, private_key: X25519PrivateKey, *, actor: str) -> UnsealOutcome:
    """Open every unopened sealed submission into a normal encrypted record.

    Each failure (altered, another key, no longer valid under the plan) is reported
    by submission id; the others are still opened. Each opening is audited.
    """
    rows = {str(r.id): r for r in SealedSubmission.objects.filter(opened__isnull=True)}
    blobs = [SealedBlob(key, row.dataset, bytes(row.sealed)) for key, row in rows.items()]
    opened: list[str] = []
    failed: list[tuple[str, str]] = []
    for result in unseal_batch(blobs, private_key):
        if result.data is None:
            failed.append((result.id, result.error or "cannot be opened"))
            continue
        row = rows[result.id]
        data = result.data
        submission = Submission(
            dataset=row.dataset,
            answers=dict(data.get("answers", {})),
            consents=frozenset(data.get("consents", ())),
            under_age=bool(data.get("under_age")),
            guardian_consent=bool(data.get("guardian_consent")),
        )
        verdict = check_submission(vault.plan, submission)
        if not verdict.accepted:
            failed.append((result.id, "no longer valid under the current plan"))
            continue
        with transaction.atomic():
            record = store_record(
                vault,
                vault.plan.dataset(row.dataset),
                row.subject,
                dict(submission.answers),
                submission,
                actor=actor,
            )
            row.opened, row.record, row.sealed = timezone.now(), record, b""
            row.save(update_fields=["opened", "record", "sealed"])
        opened.append(result.id)
    return UnsealOutcome(tuple(opened), tuple(failed))


def new_access_code() -> str:
    """A random personal access code: 20 base32 characters (100 bits) in groups of four."""
    raw = base64.b32encode(secrets.token_bytes(15)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


def access_code_lookup(vault: Vault, code: str) -> str:
    """The keyed hash stored for ``code`` (case, spaces and dashes ignored)."""
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(vault.access_code_key, normalized.encode("ascii"), sha256).hexdigest()
