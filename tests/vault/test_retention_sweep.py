"""The retention sweep, the statistics that survive it, its daily job and its status."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from steward.audit import verify_log
from steward.clock import ManualClock, use_clock
from steward.vault.models import AuditEntryRow, Consent, FieldValue, JobRun, Record
from steward.vault.runtime import Vault
from steward.vault.services import (
    JobContext,
    dataset_counts,
    read_retention_status,
    standard_jobs,
    sweep_retention,
)
from steward.vault.services.jobs_runner import run_job
from steward.vault.services.retention_sweep import RETENTION_SWEEP
from tests.vault.conftest import CITY
from tests.vault.test_api_support import VALUES, make_case

T0 = datetime(2026, 1, 10, tzinfo=UTC)
DAY = timedelta(days=1)
MONTH = timedelta(days=30.44)
YEAR = timedelta(days=365.25)


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    moving = ManualClock(T0)
    with use_clock(moving):
        yield moving


def case(vault: Vault, *, closed: datetime | None = None, district: str = "North") -> Record:
    record = make_case(vault)
    clear = dict(record.clear_values)
    clear["district"] = district
    Record.objects.filter(pk=record.pk).update(
        created=T0,
        closed=closed,
        status="closed" if closed else "open",
        clear_values=clear,
    )
    record.refresh_from_db()
    return record


def fields_of(record: Record) -> set[str]:
    return set(FieldValue.objects.filter(record=record).values_list("field", flat=True))


def test_the_sweep_follows_each_purpose_to_its_end(city_vault: Vault) -> None:
    closed = case(city_vault, closed=T0 + DAY)
    still_open = case(city_vault)
    Consent.objects.filter(record=closed, purpose="service_updates").update(granted=False)

    report = sweep_retention(city_vault, now=T0 + 5 * MONTH + 5 * DAY)
    assert sum(report.records.values()) == 0
    assert sum(report.values.values()) == 0
    assert report.due_soon["service_request"] == 1

    report = sweep_retention(city_vault, now=T0 + 7 * MONTH)
    assert report.values[("service_request", "follow_up", "delete")] == 2
    assert fields_of(closed) >= {"full_name", "details"}
    assert not fields_of(closed) & {"phone", "email"}
    assert {"phone", "email"} <= fields_of(still_open)

    report = sweep_retention(city_vault, now=T0 + 2 * YEAR)
    assert fields_of(closed) == {"age_band"}
    assert set(Record.objects.get(pk=closed.pk).clear_values) == {"district", "request_type"}

    report = sweep_retention(city_vault, now=T0 + 6 * YEAR)
    assert report.records[("service_request", "aggregate")] == 1
    closed.refresh_from_db()
    assert closed.purged == T0 + 6 * YEAR
    assert not city_vault.keyring.has_key(str(closed.subject_id))
    assert city_vault.keyring.has_key(str(still_open.subject_id))
    assert fields_of(still_open) == {
        "full_name", "email", "phone", "street_address", "details",
    }  # fmt: skip

    again = sweep_retention(city_vault, now=T0 + 6 * YEAR)
    assert sum(again.records.values()) == 0
    assert sum(again.values.values()) == 0
    assert verify_log(city_vault.audit.store).ok
    text = b"\n".join(bytes(row.record) for row in AuditEntryRow.objects.all())
    assert VALUES["full_name"].encode() not in text
    assert VALUES["details"].encode() not in text
    assert b"retention.sweep" in text


def test_a_dry_run_counts_the_same_and_deletes_nothing(city_vault: Vault) -> None:
    closed = case(city_vault, closed=T0 + DAY)
    before = fields_of(closed)
    dry = sweep_retention(city_vault, now=T0 + 6 * YEAR, dry_run=True)
    assert dry.records[("service_request", "aggregate")] == 1
    assert fields_of(closed) == before
    assert Record.objects.get(pk=closed.pk).purged is None
    assert "would purge 1 whole records" in dry.summary()
    assert any("service_request" in line for line in dry.lines())
    for value in VALUES.values():
        assert value not in dry.summary()
    real = sweep_retention(city_vault, now=T0 + 6 * YEAR)
    assert real.records == dry.records
    assert real.values == dry.values


def test_a_shorter_plan_retention_reaches_existing_records(city_vault: Vault) -> None:
    from steward.policy import load_plan_text

    record = case(city_vault, closed=T0 + DAY)
    source = CITY.read_text(encoding="utf-8")
    shorter = source.replace(
        "{keep: 5y, from: collection, then: aggregate}",
        "{keep: 1y, from: collection, then: aggregate}",
    )
    city_vault.loaded = load_plan_text(shorter)
    report = sweep_retention(city_vault, now=T0 + 2 * YEAR)
    assert report.records[("service_request", "aggregate")] == 1
    record.refresh_from_db()
    assert record.purged is not None


def test_counts_are_the_same_before_and_after_a_case_is_reduced_to_counts(
    city_vault: Vault,
) -> None:
    for district in ("North", "North", "South"):
        case(city_vault, closed=T0 + DAY, district=district)
    case(city_vault, district="East")
    before = dataset_counts("service_request", "district")
    total = dataset_counts("service_request")
    assert before.total == 4
    sweep_retention(city_vault, now=T0 + 6 * YEAR)
    assert Record.objects.filter(purged__isnull=False).count() == 3
    after = dataset_counts("service_request", "district")
    assert after.cells == before.cells
    assert after.from_aggregates == 3
    assert dataset_counts("service_request").cells == total.cells


def test_the_sweep_is_a_daily_job_that_records_its_run(
    city_vault: Vault, clock: ManualClock
) -> None:
    assert "retention-sweep" in standard_jobs().names()
    schedule = RETENTION_SWEEP.schedule(city_vault.plan)
    assert schedule.interval == DAY
    state = read_retention_status(city_vault, now=T0)
    assert state.warning
    case(city_vault, closed=T0 - 7 * YEAR)
    Record.objects.update(created=T0 - 7 * YEAR)
    context = JobContext(city_vault, Path("unused-keys"), Path("unused-backups"))
    result = run_job(RETENTION_SWEEP, context, "test")
    assert result.outcome == "succeeded"
    assert "purged 1 whole records" in result.message
    assert JobRun.objects.filter(job="retention-sweep").count() == 1
    state = read_retention_status(city_vault, now=T0 + timedelta(hours=1))
    assert state.warning == ""
    assert state.last_success is not None
    assert "purged 1 whole records" in state.last_success.message
    clock.advance(days=3)
    late = read_retention_status(city_vault, now=T0 + 3 * DAY)
    assert "needs attention" in late.warning
    second = run_job(RETENTION_SWEEP, context, "test")
    assert "purged 0 whole records" in second.message


def test_due_soon_counts_what_goes_within_30_days(city_vault: Vault) -> None:
    case(city_vault, closed=T0 + DAY)
    case(city_vault)
    state = read_retention_status(city_vault, now=T0 + 5 * MONTH + 10 * DAY)
    assert state.due == {"service_request": 1}
    assert state.horizon_days == 30


def test_a_plan_that_anonymizes_closed_cases_keeps_no_link(city_vault: Vault) -> None:
    from steward.policy import load_plan_text

    record = case(city_vault, closed=T0 + DAY, district="South")
    person = record.subject_id
    source = CITY.read_text(encoding="utf-8")
    city_vault.loaded = load_plan_text(
        source.replace("on_account_closure: delete", "on_account_closure: anonymize")
    )
    report = sweep_retention(city_vault, now=T0 + 6 * YEAR)
    assert sum(report.records.values()) == 1
    record.refresh_from_db()
    assert record.purged is not None
    assert record.anonymized
    assert record.subject_id != person
    assert not FieldValue.objects.filter(record=record).exists()
    assert record.clear_values.get("district") == "South"
    assert not city_vault.keyring.has_key(str(person))
