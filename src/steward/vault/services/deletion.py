"""The one deletion service: every purge, anonymization and erasure goes through here.

The retention sweep, case closing and erasure decide *what* goes (the retention rule,
:mod:`steward.vault.rules.retention`, or a person's request); this service carries it
out, one transaction per batch:

- the ciphertexts (with their blind indexes), consents, sealed submissions and clear
  values go; with ``aggregate`` the records are first counted into the aggregate table;
- the record keeps a marker of what was purged (``purged``, ``purged_fields``), so no
  later plan can bring the data back;
- each action is audited with ids and field names only, never a value;
- each is written to the erasure ledger (kept with the keys) before the transaction
  commits, so a restored backup can be brought back to it (:mod:`.ledger_replay`);
- a person's data key is shredded once nothing of theirs is kept encrypted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final
from uuid import UUID

from django.db import transaction

from steward.crypto import LedgerEntry
from steward.vault.audit_actions import AuditAction
from steward.vault.models import (
    AccessCode,
    Consent,
    FieldValue,
    PersonSession,
    Record,
    RightsRequest,
    SealedSubmission,
    Subject,
)
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.aggregates import add_counts, cells_of, countable_fields
from steward.vault.services.auditing import audit

__all__ = [
    "BATCH_SIZE",
    "SYSTEM_ACTOR",
    "PurgeResult",
    "anonymize_records",
    "erase_subject",
    "purge_fields",
    "purge_records",
    "shred_unused_keys",
]

BATCH_SIZE = 500
"""Records purged per transaction."""
SYSTEM_ACTOR = "system/retention"
"""The audit actor of deletions nobody asked for in person (the sweep, a replay)."""


@dataclass
class PurgeResult:
    """What a deletion did, in counts (and the ids it touched; no values).

    Attributes:
        records: records purged whole (or anonymized) now.
        fields: stored values deleted (ciphertexts and clear values).
        consents: consent rows deleted.
        sealed: sealed submissions deleted.
        keys_shredded: subject data keys shredded.
        aggregated: records counted into the aggregate table first.
        subjects: subjects erased.
        skipped: records asked for that were already purged or do not exist.
    """

    records: int = 0
    fields: int = 0
    consents: int = 0
    sealed: int = 0
    keys_shredded: int = 0
    aggregated: int = 0
    subjects: int = 0
    skipped: int = 0
    record_ids: list[str] = field(default_factory=list)

    def add(self, other: PurgeResult) -> None:
        """Add ``other``'s counts to these."""
        for name in (
            "records",
            "fields",
            "consents",
            "sealed",
            "keys_shredded",
            "aggregated",
            "subjects",
            "skipped",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.record_ids.extend(other.record_ids)


def _actor_ref(actor: Actor | None) -> str:
    return actor.ref if actor is not None else SYSTEM_ACTOR


def _batches(ids: Sequence[UUID | str], size: int) -> Iterable[list[UUID | str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def purge_records(
    vault: Vault,
    record_ids: Iterable[UUID | str],
    *,
    reason: str,
    actor: Actor | None,
    now: datetime,
    aggregate: bool,
    ledger: bool = True,
) -> PurgeResult:
    """Purge whole records: their ciphertexts, blind indexes, consents, sealed
    submissions and clear values; count them first into the aggregate table when
    ``aggregate``. Records already purged, or unknown, are skipped (idempotent).

    ``reason`` is written to the audit log and must hold no personal values (e.g.
    ``"retention"``, ``"case closure"``). One transaction per :data:`BATCH_SIZE`
    records; the subjects' keys are shredded once nothing of theirs is kept.

    Raises:
        AuditUnavailable: the audit entry could not be written; that batch is undone.
        KeyStoreError: the ledger could not be written; that batch is undone.
    """
    return _purge(
        vault, list(record_ids), reason=reason, actor=actor, now=now, aggregate=aggregate,
        anonymize=False, ledger=ledger,
    )  # fmt: skip


def anonymize_records(
    vault: Vault,
    record_ids: Iterable[UUID | str],
    *,
    reason: str,
    actor: Actor | None,
    now: datetime,
    ledger: bool = True,
) -> PurgeResult:
    """Anonymize whole records: as :func:`purge_records`, but the clear values of fields
    that identify nobody stay, and each record moves to a new subject of its own (marked
    erased, with no key), so nothing links them to the person any more.

    Raises:
        AuditUnavailable, KeyStoreError: as :func:`purge_records`.
    """
    return _purge(
        vault, list(record_ids), reason=reason, actor=actor, now=now, aggregate=False,
        anonymize=True, ledger=ledger,
    )  # fmt: skip


def _purge(
    vault: Vault,
    ids: list[UUID | str],
    *,
    reason: str,
    actor: Actor | None,
    now: datetime,
    aggregate: bool,
    anonymize: bool,
    ledger: bool,
) -> PurgeResult:
    total = PurgeResult()
    for batch in _batches(ids, BATCH_SIZE):
        with transaction.atomic():
            result, subjects = _purge_batch(
                vault, batch, reason=reason, actor=actor, now=now, aggregate=aggregate,
                anonymize=anonymize, ledger=ledger,
            )  # fmt: skip
            result.keys_shredded = shred_unused_keys(vault, subjects, actor=actor)
        total.add(result)
    return total


def _purge_batch(
    vault: Vault,
    batch: list[UUID | str],
    *,
    reason: str,
    actor: Actor | None,
    now: datetime,
    aggregate: bool,
    anonymize: bool,
    ledger: bool,
) -> tuple[PurgeResult, set[str]]:
    result = PurgeResult()
    records = list(
        Record.objects.select_for_update().filter(id__in=batch, purged__isnull=True).order_by("id")
    )
    result.skipped = len(batch) - len(records)
    if not records:
        return result, set()
    ids = [r.id for r in records]
    stored: dict[UUID, set[str]] = {r.id: set() for r in records}
    for record_id, name in FieldValue.objects.filter(record_id__in=ids).values_list(
        "record_id", "field"
    ):
        stored[record_id].add(name)
    if aggregate:
        add_counts(cells_of(vault.plan, records))
        result.aggregated = len(records)
    result.fields = FieldValue.objects.filter(record_id__in=ids).delete()[0]
    result.consents = Consent.objects.filter(record_id__in=ids).delete()[0]
    result.sealed = SealedSubmission.objects.filter(record_id__in=ids).delete()[0]
    subjects = {str(r.subject_id) for r in records}
    entries: list[LedgerEntry] = []
    for record in records:
        clear = record.clear_values if isinstance(record.clear_values, dict) else {}
        kept = _anonymous_values(vault, record.dataset, clear) if anonymize else {}
        gone = sorted(stored[record.id] | (set(clear) - set(kept)) | set(record.purged_fields))
        result.fields += len(set(clear) - set(kept))
        record.purged = now
        record.purged_fields = gone
        record.clear_values = kept
        record.anonymized = anonymize
        if anonymize:
            record.subject = Subject.objects.create(erased=now)
        record.save(
            update_fields=["purged", "purged_fields", "clear_values", "anonymized", "subject"]
        )
        audit(
            vault,
            actor=_actor_ref(actor),
            action=AuditAction.RECORD_PURGE,
            obj=f"record/{record.id}",
            fields=gone,
            purpose=f"{reason} ({_mode(aggregate=aggregate, anonymize=anonymize)})",
        )
        entries.append(
            LedgerEntry(
                kind="anonymized" if anonymize else "record",
                at=now,
                record=str(record.id),
                subject=str(record.subject_id) if not anonymize else "",
                counted=aggregate,
            )
        )
        result.record_ids.append(str(record.id))
    result.records = len(records)
    if ledger:
        vault.erasure_ledger().append(entries)
    return result, subjects


def _mode(*, aggregate: bool, anonymize: bool) -> str:
    if anonymize:
        return "anonymized"
    return "counted, then deleted" if aggregate else "deleted"


def _anonymous_values(vault: Vault, dataset: str, clear: Mapping[str, object]) -> dict[str, object]:
    try:
        allowed = set(countable_fields(vault.plan.dataset(dataset)))
    except KeyError:
        allowed = set()
    return {name: value for name, value in clear.items() if name in allowed}


def purge_fields(
    vault: Vault,
    fields_by_record: Mapping[UUID | str, Iterable[str]],
    *,
    reason: str,
    actor: Actor | None,
    now: datetime,
    ledger: bool = True,
) -> PurgeResult:
    """Purge some fields of records whose other fields are still kept: their ciphertexts
    (and blind indexes) or clear values; the fields join the record's purged marker.
    Records already purged whole are skipped. One transaction per batch.

    Raises:
        AuditUnavailable, KeyStoreError: as :func:`purge_records`.
    """
    total = PurgeResult()
    ids = list(fields_by_record)
    for batch in _batches(ids, BATCH_SIZE):
        result = PurgeResult()
        with transaction.atomic():
            records = list(
                Record.objects.select_for_update().filter(id__in=batch, purged__isnull=True)
            )
            result.skipped = len(batch) - len(records)
            entries: list[LedgerEntry] = []
            by_id = {str(k): set(v) for k, v in fields_by_record.items()}
            subjects: set[str] = set()
            for record in records:
                names = by_id.get(str(record.id), set())
                if not names:
                    continue
                deleted = FieldValue.objects.filter(record=record, field__in=names).delete()[0]
                clear = dict(record.clear_values) if isinstance(record.clear_values, dict) else {}
                dropped = [n for n in names if n in clear]
                for name in dropped:
                    del clear[name]
                record.clear_values = clear
                record.purged_fields = sorted(set(record.purged_fields) | names)
                record.save(update_fields=["clear_values", "purged_fields"])
                result.fields += deleted + len(dropped)
                audit(
                    vault,
                    actor=_actor_ref(actor),
                    action=AuditAction.RECORD_FIELDS_PURGE,
                    obj=f"record/{record.id}",
                    fields=sorted(names),
                    purpose=reason,
                )
                entries.append(
                    LedgerEntry(
                        kind="fields", at=now, record=str(record.id), fields=tuple(sorted(names))
                    )
                )
                subjects.add(str(record.subject_id))
            if ledger:
                vault.erasure_ledger().append(entries)
            result.keys_shredded = shred_unused_keys(vault, subjects, actor=actor)
        total.add(result)
    return total


def shred_unused_keys(vault: Vault, subjects: Iterable[str], *, actor: Actor | None) -> int:
    """Shred the data key of each subject none of whose values is still kept encrypted.

    Call inside the deletion's transaction (the shred itself is in the key store and
    cannot be undone, so it comes last). The keys go in one write of the key store;
    the audit log gets one ``key.shred`` entry (naming the subject when there is one).
    Returns how many keys were shredded.
    """
    wanted = sorted(set(subjects))
    if not wanted:
        return 0
    still_kept = {
        str(pk)
        for pk in FieldValue.objects.filter(record__subject_id__in=wanted)
        .values_list("record__subject_id", flat=True)
        .distinct()
    }
    unused = [subject for subject in wanted if subject not in still_kept]
    shredded = vault.keyring.shred_many(unused)
    if len(shredded) == 1:
        audit(
            vault, actor=_actor_ref(actor), action=AuditAction.KEY_SHRED,
            obj=f"subject/{shredded[0]}",
        )  # fmt: skip
    elif shredded:
        # One entry per batch: the records' own purge entries name each record, and
        # the erasure ledger names each subject.
        audit(
            vault, actor=_actor_ref(actor), action=AuditAction.KEY_SHRED,
            obj="subjects/batch", purpose=f"{len(shredded)} data keys shredded",
        )  # fmt: skip
    return len(shredded)


ERASED_DECISION: Final = "closed: the person's data was erased"


def erase_subject(
    vault: Vault,
    subject_id: UUID | str,
    *,
    reason: str,
    actor: Actor | None,
    now: datetime,
    ledger: bool = True,
) -> PurgeResult:
    """Erase a person: every record's ciphertexts, blind indexes, consents and clear
    values, their sealed submissions, access code and open pages; close their open
    rights requests; shred their key; mark the subject
    erased. The subject row and the purged record rows stay (with their markers), so
    counts of what was held and the audit log stay whole. Erasing again is harmless.

    ``reason`` goes to the audit log and must hold no personal values.

    Raises:
        Subject.DoesNotExist: no such subject.
        AuditUnavailable, KeyStoreError: nothing was erased.
    """
    result = PurgeResult()
    with transaction.atomic():
        subject = Subject.objects.select_for_update().get(id=subject_id)
        records = list(Record.objects.select_for_update().filter(subject=subject))
        ids = [r.id for r in records]
        stored: dict[UUID, set[str]] = {r.id: set() for r in records}
        for record_id, name in FieldValue.objects.filter(record_id__in=ids).values_list(
            "record_id", "field"
        ):
            stored[record_id].add(name)
        result.fields = FieldValue.objects.filter(record_id__in=ids).delete()[0]
        result.consents = Consent.objects.filter(subject=subject).delete()[0]
        result.sealed = SealedSubmission.objects.filter(subject=subject).delete()[0]
        AccessCode.objects.filter(subject=subject).delete()
        PersonSession.objects.filter(subject=subject).delete()
        # Nothing is left to answer: open rights requests close, proposals go.
        RightsRequest.objects.filter(subject=subject, status=RightsRequest.Status.OPEN).update(
            status=RightsRequest.Status.DONE, decided_at=now, decision=ERASED_DECISION
        )
        RightsRequest.objects.filter(subject=subject, proposed__isnull=False).update(proposed=None)
        for record in records:
            clear = record.clear_values if isinstance(record.clear_values, dict) else {}
            if record.purged is None or clear or stored[record.id]:
                result.fields += len(clear)
                record.purged_fields = sorted(
                    stored[record.id] | set(clear) | set(record.purged_fields)
                )
                record.clear_values = {}
                if record.purged is None:
                    record.purged = now
                    result.records += 1
                    result.record_ids.append(str(record.id))
                record.save(update_fields=["purged", "purged_fields", "clear_values"])
        first = subject.erased is None
        if first:
            subject.erased = now
            subject.save(update_fields=["erased"])
            result.subjects = 1
        audit(
            vault,
            actor=_actor_ref(actor),
            action=AuditAction.SUBJECT_ERASE,
            obj=f"subject/{subject.id}",
            purpose=reason,
        )
        if ledger:
            vault.erasure_ledger().append(
                [LedgerEntry(kind="subject", at=now, subject=str(subject.id))]
            )
        if vault.keyring.shred(str(subject.id)):
            result.keys_shredded = 1
    return result
