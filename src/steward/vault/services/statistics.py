"""Counts that survive deletion: the aggregate table plus the records still held.

A record purged with ``then: aggregate`` was counted into the aggregate table first
(:mod:`.aggregates`); records still held (and anonymized ones, which keep their
non-identifying clear values) are counted from the database. So the totals of a
dataset are the same before and after a case is closed and reduced to counts. Records
deleted outright (``then: delete``) or erased are counted nowhere, as promised.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from steward.vault.models import AggregateCount, Record
from steward.vault.services.aggregates import VALUE_LENGTH, month_of

__all__ = ["DatasetCounts", "dataset_counts"]


@dataclass(frozen=True)
class DatasetCounts:
    """How many records a dataset has had, by month, and by value of one clear field.

    Attributes:
        dataset: the dataset id.
        field: the clear field counted by (empty: records only).
        cells: ``(month, value) -> count``; ``value`` is empty when ``field`` is.
        from_aggregates: how much of the total comes from the aggregate table.
    """

    dataset: str
    field: str
    cells: dict[tuple[date, str], int]
    from_aggregates: int

    @property
    def total(self) -> int:
        """All records counted."""
        return sum(self.cells.values())


def dataset_counts(dataset: str, field: str = "") -> DatasetCounts:
    """Count ``dataset``'s records by month (and by ``field``'s clear value, if given):
    the aggregate table plus records not purged, plus anonymized records.

    Records without a value for ``field`` are counted under the empty value when
    counting live records; the aggregate table holds only the values it was given.
    """
    cells: Counter[tuple[date, str]] = Counter()
    aggregated = 0
    for month, value, count in AggregateCount.objects.filter(
        dataset=dataset, field=field
    ).values_list("month", "value", "count"):
        cells[(month, value if field else "")] += count
        aggregated += count
    held = Record.objects.filter(dataset=dataset).filter(
        Q(purged__isnull=True) | Q(anonymized=True)
    )
    for created, clear in held.values_list("created", "clear_values").iterator(chunk_size=2000):
        value = ""
        if field:
            raw = clear.get(field) if isinstance(clear, dict) else None
            value = "" if raw is None else str(raw)[:VALUE_LENGTH]
        cells[(month_of(created), value)] += 1
    return DatasetCounts(dataset, field, dict(cells), aggregated)
