"""Counting records into the aggregate table before they are purged.

Counts are kept by dataset, month of collection and each clear field the plan marks as
identifying nobody (``identifier: none``, ``encrypted: false``); the row with an empty
field name counts the records. Nothing else is kept: no id, no date finer than a month.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import F

from steward.policy.model import Dataset, IdentifierRole, Plan
from steward.vault.models import AggregateCount, Record

VALUE_LENGTH = 200
"""Longer clear values are cut to this many characters in the aggregate table."""


def countable_fields(dataset: Dataset) -> tuple[str, ...]:
    """The clear fields of ``dataset`` that identify nobody, which aggregates count by."""
    return tuple(
        spec.name
        for spec in dataset.collected_fields
        if not spec.encrypted and spec.identifier is IdentifierRole.NONE
    )


def month_of(moment: datetime) -> date:
    """The first day of ``moment``'s month (UTC), the finest time an aggregate keeps."""
    return date(moment.year, moment.month, 1)


def cells_of(plan: Plan, records: Iterable[Record]) -> Counter[tuple[str, date, str, str]]:
    """The aggregate cells ``(dataset, month, field, value)`` the records add one to."""
    cells: Counter[tuple[str, date, str, str]] = Counter()
    fields_by_dataset: dict[str, tuple[str, ...]] = {}
    for record in records:
        if record.dataset not in fields_by_dataset:
            try:
                fields_by_dataset[record.dataset] = countable_fields(plan.dataset(record.dataset))
            except KeyError:
                fields_by_dataset[record.dataset] = ()
        month = month_of(record.created)
        cells[(record.dataset, month, "", "")] += 1
        clear = record.clear_values if isinstance(record.clear_values, dict) else {}
        for name in fields_by_dataset[record.dataset]:
            raw = clear.get(name)
            value = "" if raw is None else str(raw)[:VALUE_LENGTH]
            cells[(record.dataset, month, name, value)] += 1
    return cells


def add_counts(cells: Counter[tuple[str, date, str, str]]) -> None:
    """Add ``cells`` to the aggregate table; call inside the purge's transaction."""
    for (dataset, month, name, value), count in sorted(cells.items()):
        updated = AggregateCount.objects.filter(
            dataset=dataset, month=month, field=name, value=value
        ).update(count=F("count") + count)
        if not updated:
            AggregateCount.objects.create(
                dataset=dataset, month=month, field=name, value=value, count=count
            )
