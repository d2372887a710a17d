"""The retention sweep: carry out, every day, what the plan's retention says must go.

Every record not yet purged is read in batches (ids, dates, field names and consent
dates; never a value), its fate decided by the one pure rule
(:func:`~steward.vault.rules.retention.decide_retention`) and carried out by the one
deletion service (:mod:`.deletion`): whole records purged (counted first for ``then:
aggregate``, or anonymized), or only the fields whose time is up. Running it twice
does nothing more. A dry run decides the same and deletes nothing. Reports are counts
by dataset, purpose and action, never a value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.policy import Plan
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Consent, FieldValue, Record
from steward.vault.rules.retention import Fate, RecordFate, RetentionFacts, decide_retention
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.deletion import (
    SYSTEM_ACTOR,
    anonymize_records,
    purge_fields,
    purge_records,
)
from steward.vault.services.jobs import Job, JobContext, Schedule

__all__ = [
    "HORIZON",
    "RETENTION_JOB_NAME",
    "RETENTION_SWEEP",
    "SCAN_BATCH",
    "SweepReport",
    "apply_retention",
    "due_soon",
    "facts_of",
    "sweep_retention",
]

SCAN_BATCH: Final = 2000
"""Records read (and decided) per batch."""
HORIZON: Final = timedelta(days=30)
"""How far ahead "due soon" looks."""
REASON: Final = "retention"


@dataclass
class SweepReport:
    """What a sweep did (or, dry, would do): counts only.

    Attributes:
        examined: records looked at (not yet purged).
        records: whole records purged, by ``(dataset, action)``.
        values: stored values purged, by ``(dataset, purpose, action)``.
        due_soon: records due within :data:`HORIZON` after ``now``, by dataset.
        keys_shredded: subject keys shredded.
        undecided: records of a dataset the plan no longer declares (left alone).
    """

    now: datetime
    dry_run: bool
    examined: int = 0
    records: Counter[tuple[str, str]] = field(default_factory=Counter)
    values: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    due_soon: Counter[str] = field(default_factory=Counter)
    keys_shredded: int = 0
    undecided: int = 0

    def summary(self) -> str:
        """One sentence of counts, for the job record and the audit log."""
        verb = "would purge" if self.dry_run else "purged"
        records = sum(self.records.values())
        values = sum(self.values.values())
        text = (
            f"examined {self.examined} records; {verb} {records} whole records and {values} values"
        )
        if records:
            parts = ", ".join(f"{n} {d} ({a})" for (d, a), n in sorted(self.records.items()))
            text += f" [{parts}]"
        if not self.dry_run:
            text += f"; {self.keys_shredded} keys shredded"
        if self.undecided:
            text += f"; {self.undecided} records of datasets the plan no longer declares"
        return text

    def lines(self) -> list[str]:
        """One line per dataset, purpose and action (counts only)."""
        rows = [
            f"{dataset}: {n} whole records ({action})"
            for (dataset, action), n in sorted(self.records.items())
        ]
        rows += [
            f"{dataset} / {purpose or 'no purpose'}: {n} values ({action})"
            for (dataset, purpose, action), n in sorted(self.values.items())
        ]
        return rows


_FACT_COLUMNS: Final = (
    "id", "dataset", "subject_id", "created", "closed", "last_contact", "clear_values",
    "purged_fields",
)  # fmt: skip


def _facts_batches(plan: Plan, batch: int) -> Iterator[list[tuple[Record, RetentionFacts]]]:
    """Records not purged, in id order, with the facts the rule needs (no values)."""
    del plan
    last: UUID | None = None
    while True:
        query = Record.objects.filter(purged__isnull=True).order_by("id")
        if last is not None:
            query = query.filter(id__gt=last)
        records = list(query.only(*_FACT_COLUMNS)[:batch])
        if not records:
            return
        last = records[-1].id
        yield facts_of(records)


def facts_of(records: list[Record]) -> list[tuple[Record, RetentionFacts]]:
    """The retention facts of ``records`` (three queries; no values read).

    A consent refused at collection counts as withdrawn when the record was created.
    The latest answer wins: a yes given later (privacy settings) ends the withdrawal.
    """
    ids = [r.id for r in records]
    stored: dict[UUID, set[str]] = {r.id: set() for r in records}
    for record_id, name in FieldValue.objects.filter(record_id__in=ids).values_list(
        "record_id", "field"
    ):
        stored[record_id].add(name)
    withdrawn: dict[UUID, dict[str, datetime]] = {r.id: {} for r in records}
    created = {r.id: r.created for r in records}
    answers = Consent.objects.filter(record_id__in=ids).order_by("id")
    for record_id, purpose, granted, when in answers.values_list(
        "record_id", "purpose", "granted", "withdrawn"
    ):
        if when is not None:
            withdrawn[record_id][purpose] = when
        elif not granted:
            withdrawn[record_id][purpose] = created[record_id]
        else:
            withdrawn[record_id].pop(purpose, None)
    out = []
    for r in records:
        clear = r.clear_values if isinstance(r.clear_values, dict) else {}
        facts = RetentionFacts(
            dataset=r.dataset,
            created=r.created,
            closed=r.closed,
            last_contact=r.last_contact,
            withdrawn=withdrawn[r.id],
            stored=frozenset(stored[r.id] | set(clear)),
            purged=frozenset(r.purged_fields or ()),
        )
        out.append((r, facts))
    return out


def _decide(plan: Plan, facts: RetentionFacts, now: datetime) -> RecordFate | None:
    try:
        return decide_retention(plan, facts, now)
    except KeyError:
        return None


def sweep_retention(
    vault: Vault,
    *,
    now: datetime,
    dry_run: bool = False,
    actor: Actor | None = None,
    batch: int = SCAN_BATCH,
) -> SweepReport:
    """Purge everything whose retention has ended at ``now`` (or, ``dry_run``, only count).

    Idempotent: what is purged is marked, and a second sweep finds nothing more. The
    deletions are audited one by one by the deletion service; a real sweep adds one
    ``retention.sweep`` entry with the counts.

    Raises:
        AuditUnavailable, KeyStoreError: a batch could not be audited or written to the
            ledger; it was undone, and the batches before it stay done.
    """
    plan = vault.plan
    report = SweepReport(now=now, dry_run=dry_run)
    for chunk in _facts_batches(plan, batch):
        _sweep_chunk(vault, chunk, report, actor=actor)
    if not dry_run:
        with transaction.atomic():
            audit(
                vault,
                actor=actor.ref if actor is not None else SYSTEM_ACTOR,
                action=AuditAction.RETENTION_SWEEP,
                obj="retention",
                purpose=report.summary(),
            )
    return report


def _sweep_chunk(
    vault: Vault,
    chunk: list[tuple[Record, RetentionFacts]],
    report: SweepReport,
    *,
    actor: Actor | None,
) -> None:
    """Decide a batch of records at ``report.now``, count, and (unless dry) carry out."""
    now = report.now
    soon = now + HORIZON
    whole: dict[str, list[UUID]] = {"aggregate": [], "delete": [], "anonymize": []}
    partial: dict[UUID | str, list[str]] = {}
    for record, facts in chunk:
        report.examined += 1
        decision = _decide(vault.plan, facts, now)
        if decision is None:
            report.undecided += 1
            continue
        if any(
            f.fate is Fate.KEEP and f.due is not None and f.due <= soon for f in decision.fields
        ):
            report.due_soon[record.dataset] += 1
        for fate in decision.expiring:
            report.values[(record.dataset, fate.purpose, fate.fate.value)] += 1
        if decision.purge:
            action = (
                "anonymize"
                if decision.anonymize
                else "aggregate"
                if decision.aggregate
                else "delete"
            )
            whole[action].append(record.id)
            report.records[(record.dataset, action)] += 1
        elif decision.expiring:
            partial[record.id] = [f.field for f in decision.expiring]
    if not report.dry_run:
        report.keys_shredded += _carry_out(vault, whole, partial, now=now, actor=actor)


def apply_retention(
    vault: Vault, record_ids: list[UUID], *, now: datetime, actor: Actor | None
) -> SweepReport:
    """Carry out at once what retention decides for these records at ``now`` (closing a
    case whose purposes keep nothing after closure). Call inside the closing's
    transaction: the deletions commit or roll back with it.

    Raises:
        AuditUnavailable, KeyStoreError: as :func:`sweep_retention`.
    """
    report = SweepReport(now=now, dry_run=False)
    records = list(
        Record.objects.filter(id__in=record_ids, purged__isnull=True).only(*_FACT_COLUMNS)
    )
    if records:
        _sweep_chunk(vault, facts_of(records), report, actor=actor)
    return report


def _carry_out(
    vault: Vault,
    whole: dict[str, list[UUID]],
    partial: dict[UUID | str, list[str]],
    *,
    now: datetime,
    actor: Actor | None,
) -> int:
    """Purge one batch's decisions through the deletion service; keys shredded."""
    shredded = purge_records(
        vault, whole["aggregate"], reason=REASON, actor=actor, now=now, aggregate=True
    ).keys_shredded
    shredded += purge_records(
        vault, whole["delete"], reason=REASON, actor=actor, now=now, aggregate=False
    ).keys_shredded
    shredded += anonymize_records(
        vault, whole["anonymize"], reason=REASON, actor=actor, now=now
    ).keys_shredded
    shredded += purge_fields(vault, partial, reason=REASON, actor=actor, now=now).keys_shredded
    return shredded


def _due_within(decision: RecordFate, now: datetime, limit: datetime) -> bool:
    """Whether something of the record goes before ``limit`` (or is already past due)."""
    if decision.purge or decision.expiring:
        return True
    return any(
        f.fate is Fate.KEEP and f.due is not None and now <= f.due <= limit for f in decision.fields
    )


def due_soon(vault: Vault, *, now: datetime, horizon: timedelta = HORIZON) -> Counter[str]:
    """How many records of each dataset fall due within ``horizon`` after ``now`` (or
    are already past due and waiting for the sweep). Counts only."""
    counts: Counter[str] = Counter()
    limit = now + horizon
    for chunk in _facts_batches(vault.plan, SCAN_BATCH):
        for record, facts in chunk:
            decision = _decide(vault.plan, facts, now)
            if decision is None:
                continue
            if _due_within(decision, now, limit):
                counts[record.dataset] += 1
    return counts


RETENTION_JOB_NAME: Final = "retention-sweep"


def retention_schedule(plan: Plan) -> Schedule:
    """Daily, whenever a purpose of the plan states a retention; else not scheduled."""
    if not any(p.retention is not None for p in plan.purposes):
        return Schedule(None, "no purpose of the plan states a retention")
    return Schedule(timedelta(days=1), "daily, by the retention of each purpose in the plan")


def run_retention_sweep(context: JobContext) -> str:
    """Sweep now (the scheduled job); one sentence of counts for the record."""
    return sweep_retention(context.vault, now=clock.now()).summary()


RETENTION_SWEEP: Final = Job(
    RETENTION_JOB_NAME, "Retention sweep", retention_schedule, run_retention_sweep
)
