"""Replaying the erasure ledger onto the database, so a restored backup forgets again.

A backup taken before a deletion still holds what was deleted. The erasure ledger,
kept with the keys, lists every deletion since the vault began; :func:`replay_ledger`
carries out again each one the database does not show yet, through the one deletion
service. It runs at the end of ``steward backup restore --plan`` and whenever
``steward serve`` starts, before the vault serves. Replaying twice changes nothing.

The keys need no replay: shredded keys stay shredded in the key store, which backups
of the database do not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.crypto import LedgerEntry
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record, Subject
from steward.vault.runtime import Vault
from steward.vault.services.auditing import audit
from steward.vault.services.deletion import (
    BATCH_SIZE,
    PurgeResult,
    anonymize_records,
    erase_subject,
    purge_fields,
    purge_records,
)

REPLAY_ACTOR = "system/ledger-replay"
REASON = "erasure ledger replay"


@dataclass(frozen=True)
class ReplayReport:
    """What a replay found and did again (counts only).

    Attributes:
        entries: ledger entries read.
        records: records purged or anonymized again.
        fields: stored values deleted again.
        subjects: people erased again.
    """

    entries: int
    records: int
    fields: int
    subjects: int

    @property
    def changed(self) -> bool:
        """Whether the database held anything the ledger says was deleted."""
        return bool(self.records or self.fields or self.subjects)


def _chunks(items: Sequence[str], size: int = BATCH_SIZE) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _live_records(ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` that exist and are not purged."""
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(
            str(pk)
            for pk in Record.objects.filter(id__in=chunk, purged__isnull=True).values_list(
                "id", flat=True
            )
        )
    return found


def _runs(entries: Iterable[LedgerEntry]) -> Iterable[list[LedgerEntry]]:
    """Consecutive entries of one kind (and one ``counted``), in ledger order."""
    run: list[LedgerEntry] = []
    for entry in entries:
        if run and (run[-1].kind, run[-1].counted) != (entry.kind, entry.counted):
            yield run
            run = []
        run.append(entry)
    if run:
        yield run


def replay_ledger(vault: Vault, *, now: datetime | None = None) -> ReplayReport:
    """Carry out again every ledger entry the database does not reflect; idempotent.

    Records still unpurged are purged (counted first if they were the first time) or
    anonymized; fields still stored are purged; people not marked erased are erased.
    When anything was done, a ``ledger.replay`` audit entry says how much (counts).

    Raises:
        KeyStoreError: the ledger cannot be read or is damaged.
        AuditUnavailable: a deletion could not be audited (that batch is undone).
    """
    moment = now or clock.now()
    total = PurgeResult()
    count = 0
    for run in _runs(vault.erasure_ledger().entries()):
        count += len(run)
        total.add(_apply(vault, run, moment))
    report = ReplayReport(count, total.records, total.fields, total.subjects)
    if report.changed:
        with transaction.atomic():
            audit(
                vault,
                actor=REPLAY_ACTOR,
                action=AuditAction.LEDGER_REPLAY,
                obj="erasure-ledger",
                purpose=(
                    f"{report.entries} entries; again: {report.records} records, "
                    f"{report.fields} values, {report.subjects} people"
                ),
            )
    return report


def _apply(vault: Vault, run: list[LedgerEntry], now: datetime) -> PurgeResult:
    kind = run[0].kind
    if kind == "subject":
        result = PurgeResult()
        people = sorted({e.subject for e in run if e.subject})
        for chunk in _chunks(people):
            for subject in Subject.objects.filter(id__in=chunk, erased__isnull=True):
                result.add(
                    erase_subject(
                        vault, subject.id, reason=REASON, actor=None, now=now, ledger=False
                    )
                )
        return result
    if kind == "fields":
        live = _live_records([e.record for e in run])
        wanted: dict[str, set[str]] = {}
        for entry in run:
            if entry.record in live:
                wanted.setdefault(entry.record, set()).update(entry.fields)
        stale: dict[UUID | str, set[str]] = {}
        for chunk in _chunks(sorted(wanted)):
            for record in Record.objects.filter(id__in=chunk).only("id", "purged_fields"):
                missing = wanted[str(record.id)] - set(record.purged_fields)
                if missing:
                    stale[record.id] = missing
        if not stale:
            return PurgeResult()
        return purge_fields(vault, stale, reason=REASON, actor=None, now=now, ledger=False)
    live_ids = sorted(_live_records([e.record for e in run]))
    if not live_ids:
        return PurgeResult()
    if kind == "anonymized":
        return anonymize_records(vault, live_ids, reason=REASON, actor=None, now=now, ledger=False)
    return purge_records(
        vault, live_ids, reason=REASON, actor=None, now=now, aggregate=run[0].counted, ledger=False
    )
