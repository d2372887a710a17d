"""Helpers for the aggregate tests: the city's plan (with its council role), records with clear
values put in fast, staff and donor actors. (No tests here.)"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from steward.clock import ManualClock, use_clock
from steward.vault.models import AggregateCount, Record, Subject
from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import CITY, make_vault

NOW = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
"""Today in these tests: April 2026 is the last whole month."""


@pytest.fixture
def council(db: None, tmp_path: Path) -> Iterator[Vault]:
    """A vault of the city (its council_viewer role acts for the council), its clock at
    :data:`NOW`."""
    vault, _ = make_vault(CITY, tmp_path / "keys")
    use_vault(vault)
    with use_clock(ManualClock(NOW)):
        yield vault
    use_vault(None)


def put_records(
    vault: Vault, rows: Sequence[tuple[date, dict[str, str]]], dataset: str = "service_request"
) -> list[Record]:
    """Store records with only clear values (no encrypted field), created on each date."""
    plan_id = vault.plan_version_id()
    subjects = Subject.objects.bulk_create([Subject() for _ in rows])
    records = Record.objects.bulk_create(
        [
            Record(dataset=dataset, subject=s, plan_id=plan_id, clear_values=dict(values))
            for s, (_, values) in zip(subjects, rows, strict=True)
        ]
    )
    for record, (day, _) in zip(records, rows, strict=True):
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        Record.objects.filter(pk=record.pk).update(created=moment)
    return records


def grid_rows(day: date, counts: dict[tuple[str, str], int]) -> list[tuple[date, dict[str, str]]]:
    """Rows for a district x request type table of ``counts``."""
    return [
        (day, {"district": d, "request_type": t}) for (d, t), n in counts.items() for _ in range(n)
    ]


def closed_counts(month: date, field: str, counts: dict[str, int]) -> None:
    """Counts of closed cases in the aggregate table."""
    for value, n in counts.items():
        AggregateCount.objects.create(
            dataset="service_request", month=month, field=field, value=value, count=n
        )
