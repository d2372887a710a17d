"""Each audit entry's own time is indexed beside it, so the entries of a period are read
without reading the whole log: the index is filled on append and, for entries written
before it existed, by the migration; a period's span holds every entry of the period
even when the clock moved back; the access statistics read only that span and count
the same as a reading of the whole log."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from django.apps import apps

from steward.audit import AuditEntry
from steward.clock import ManualClock, use_clock
from steward.vault.audit_actions import AuditAction
from steward.vault.audit_store import DatabaseAuditStore, time_of
from steward.vault.models import AuditEntryRow
from steward.vault.runtime import Vault
from steward.vault.services.auditing import audit
from steward.vault.services.oversight import AccessStatistics, count_access
from tests.vault.test_staff_support import make_staff

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _write(vault: Vault, at: datetime, actor: str = "system/test") -> None:
    with use_clock(ManualClock(at)):
        audit(vault, actor=actor, action=AuditAction.FIELD_REVEAL, obj="record/x", purpose="p")


def test_the_time_of_an_entry() -> None:
    assert time_of(b'{"time":"2026-03-02T09:00:00.000000Z","seq":0}') == T0
    for bad in (b"not json", b"[]", b'{"time": 5}', b'{"time":"yesterday"}'):
        assert time_of(bad) is None
    assert time_of(b'{"time":"2026-03-02T09:00:00"}') is None  # no time zone


def test_a_period_span_holds_its_entries_even_when_the_clock_moved_back(
    city_vault: Vault,
) -> None:
    base = AuditEntryRow.objects.count()
    for hours in (0, 1, 2, -5, 3, 30):  # the fourth entry's clock stood earlier
        _write(city_vault, T0 + timedelta(hours=hours))
    store = DatabaseAuditStore()
    assert store.seq_span(T0, T0 + timedelta(hours=3)) == (base, base + 3)
    assert store.seq_span(T0 - timedelta(hours=6), T0) == (base + 3, base + 4)
    assert store.seq_span(T0 + timedelta(hours=2), T0 + timedelta(days=2)) == (base + 2, base + 6)
    assert store.seq_span(T0 + timedelta(days=3), T0 + timedelta(days=4)) == (0, 0)
    times = dict(AuditEntryRow.objects.filter(seq__gte=base).values_list("seq", "at"))
    assert times[base + 3] == T0 - timedelta(hours=5)


def test_the_migration_fills_the_times_of_older_entries(city_vault: Vault) -> None:
    _write(city_vault, T0)
    stored = dict(AuditEntryRow.objects.values_list("seq", "at"))
    AuditEntryRow.objects.update(at=None)  # as before the migration
    migration = importlib.import_module("steward.vault.migrations.0009_audit_entry_time")
    migration.fill_entry_times(apps, None)
    assert dict(AuditEntryRow.objects.values_list("seq", "at")) == stored


def test_access_statistics_read_only_the_period_and_count_the_same(city_vault: Vault) -> None:
    user, _ = make_staff(city_vault, "cora.reyes", "caseworker")
    staff = f"staff/{user.pk}"
    for day in range(10):
        _write(city_vault, T0 + timedelta(days=day), staff)
        if day == 2:
            _write(city_vault, T0 + timedelta(days=2, hours=1), "system/other")
    read: list[tuple[int, int | None]] = []
    original = city_vault.audit.entries

    def counting(start: int = 0, stop: int | None = None) -> Iterator[AuditEntry]:
        read.append((start, stop))
        return original(start, stop)

    week = count_access_with(city_vault, counting, T0 + timedelta(days=2), T0 + timedelta(days=5))
    assert week.reveals_by_staff == {"cora.reyes": 3}
    (span,) = read
    assert span[0] > 0
    assert span[1] is not None
    assert span[1] - span[0] == 4  # three of hers and the other actor's between them
    AuditEntryRow.objects.update(at=None)  # no index: the whole log is read, same counts
    again = count_access(city_vault, T0 + timedelta(days=2), T0 + timedelta(days=5))
    assert again.reveals_by_staff == week.reveals_by_staff


def count_access_with(
    vault: Vault, entries: Callable[..., Iterator[AuditEntry]], start: datetime, end: datetime
) -> AccessStatistics:
    """:func:`count_access` with the log's reading replaced by ``entries``."""
    from unittest.mock import patch

    with patch.object(vault.audit, "entries", entries):
        return count_access(vault, start, end)
