"""The vault's web log through the real Django stack: each page or API request leaves one
line with exactly the plan's fields, and the scheduled job deletes the days past the
plan's retention. Time is a ManualClock; nothing sleeps."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client

from steward.clock import ManualClock, use_clock
from steward.policy import load_plan
from steward.vault.models import JobRun
from steward.vault.runtime import Vault, use_vault
from steward.vault.services.jobs import JobContext, JobRegistry
from steward.vault.services.jobs_catalogue import standard_jobs
from steward.vault.services.jobs_runner import run_due
from tests.server.test_log_privacy import written
from tests.vault.conftest import CITY, make_vault
from tests.vault.test_api_support import bearer, make_case, token_for

__all__ = ["written"]

AFTERNOON = datetime(2026, 11, 30, 15, 47, 12, tzinfo=UTC)
PUBLIC = "81.2.69.160"  # a London address in the bundled database


@pytest.fixture
def folder(settings: object, tmp_path: Path) -> Path:
    """The web log folder, for this test only."""
    path = tmp_path / "web-log"
    settings.STEWARD_WEB_LOG_DIR = path  # type: ignore[attr-defined]
    return path


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(AFTERNOON)
    with use_clock(manual):
        yield manual


def plan_keeping(tmp_path: Path, keep: str, retention: str = "90d") -> Path:
    """The city plan with ``web_logs.keep: [keep]`` and its ``retention``."""
    text = CITY.read_text()
    old = "  web_logs:\n    keep: [date, country]\n    retention: 90d\n"
    assert text.count(old) == 1
    path = tmp_path / f"plan-{keep.replace(', ', '-') or 'nothing'}.yaml"
    path.write_text(
        text.replace(old, f"  web_logs:\n    keep: [{keep}]\n    retention: {retention}\n")
    )
    return path


@pytest.fixture
def vault_keeping(db: None, tmp_path: Path) -> Iterator[object]:
    """Install a vault whose plan keeps the fields given: ``vault_keeping("path, status")``."""

    def install(keep: str, retention: str = "90d") -> Vault:
        vault, _ = make_vault(plan_keeping(tmp_path, keep, retention), tmp_path / "keys")
        use_vault(vault)
        return vault

    yield install
    use_vault(None)


def lines(folder: Path, day: str = "2026-11-30") -> list[dict[str, object]]:
    path = folder / f"{day}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_city_plan_keeps_date_and_country_only(
    city_vault: Vault, folder: Path, clock: ManualClock
) -> None:
    client = Client(
        REMOTE_ADDR=PUBLIC, HTTP_USER_AGENT="Probe/1.0", HTTP_REFERER="https://ref.example/"
    )
    record = make_case(city_vault)
    assert client.get("/").status_code == 200
    assert client.get("/intake/service_request/").status_code == 200
    assert client.get(f"/staff/records/{record.id}/").status_code == 302
    assert client.get("/static/steward/steward.css").status_code == 200  # not a visit
    Client().get("/")  # the test client's own address, 127.0.0.1
    assert lines(folder) == [{"date": "2026-11-30", "country": "GB"}] * 3 + [
        {"date": "2026-11-30", "country": "local"}
    ]
    text = (folder / "2026-11-30.jsonl").read_text()
    for absent in (PUBLIC, "127.0.0.1", "Probe", "ref.example", "15:47", str(record.id), "/staff"):
        assert absent not in text
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "2026-11-30.jsonl").stat().st_mode & 0o777 == 0o600


def test_a_plan_that_keeps_path_and_status_gets_patterns_never_ids(
    vault_keeping: object, folder: Path, clock: ManualClock
) -> None:
    vault = vault_keeping("date, country, path, status")  # type: ignore[operator]
    record = make_case(vault)
    client = Client(REMOTE_ADDR=PUBLIC)
    headers = bearer(token_for(vault, "privacy_officer", team=""))
    assert client.get(f"/api/records/{record.id}", headers=headers).status_code == 200
    assert client.get(f"/staff/records/{record.id}/reveal/email/").status_code == 302
    assert client.get(f"/no/such/page/{uuid.uuid4()}/").status_code == 404
    assert client.get("/api/records/not-an-id", headers=headers).status_code in (404, 422)
    got = lines(folder)
    assert got[:3] == [
        {"date": "2026-11-30", "country": "GB", "path": "/api/records/<record_id>", "status": 200},
        {
            "date": "2026-11-30",
            "country": "GB",
            "path": "/staff/records/<record_id>/reveal/<field>/",
            "status": 302,
        },
        {"date": "2026-11-30", "country": "GB", "path": "unmatched", "status": 404},
    ]
    assert all(list(line) == ["date", "country", "path", "status"] for line in got)
    assert str(record.id) not in (folder / "2026-11-30.jsonl").read_text()


@pytest.mark.parametrize(
    ("keep", "fields"),
    [("status", ["status"]), ("path", ["path"]), ("country, status", ["country", "status"])],
)
def test_each_field_appears_only_when_the_plan_lists_it(
    vault_keeping: object, folder: Path, clock: ManualClock, keep: str, fields: list[str]
) -> None:
    vault_keeping(keep)  # type: ignore[operator]
    Client(REMOTE_ADDR=PUBLIC).get("/")
    (line,) = lines(folder)
    assert list(line) == fields


def test_a_plan_that_keeps_nothing_writes_nothing(
    vault_keeping: object, folder: Path, clock: ManualClock
) -> None:
    vault_keeping("")  # type: ignore[operator]
    assert Client(REMOTE_ADDR=PUBLIC).get("/").status_code == 200
    assert not folder.exists()


def test_errors_and_busy_answers_are_logged_with_their_final_status(
    vault_keeping: object, folder: Path, clock: ManualClock
) -> None:
    from django.db import OperationalError

    vault = vault_keeping("path, status")  # type: ignore[operator]
    record = make_case(vault)
    headers = bearer(token_for(vault, "privacy_officer", team=""))
    client = Client(REMOTE_ADDR=PUBLIC, raise_request_exception=False)
    target = "steward.vault.services.access.AccessService.get_record"
    with mock.patch(target, side_effect=RuntimeError("Zebulon Quartermaine")):
        assert client.get(f"/api/records/{record.id}", headers=headers).status_code == 500
    with mock.patch(target, side_effect=OperationalError("database is locked")):
        assert client.get(f"/api/records/{record.id}", headers=headers).status_code == 503
    assert lines(folder) == [
        {"path": "/api/records/<record_id>", "status": 500},
        {"path": "/api/records/<record_id>", "status": 503},
    ]


def test_a_log_that_cannot_be_written_never_fails_the_request(
    city_vault: Vault, settings: object, tmp_path: Path, written: io.StringIO
) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    settings.STEWARD_WEB_LOG_DIR = blocked / "web-log"  # type: ignore[attr-defined]
    assert Client(REMOTE_ADDR=PUBLIC).get("/").status_code == 200
    text = written.getvalue()
    assert "a web log line was not written (NotADirectoryError)" in text
    assert str(tmp_path) not in text


def test_the_day_is_the_clocks_day_in_utc(
    city_vault: Vault, folder: Path, clock: ManualClock
) -> None:
    client = Client(REMOTE_ADDR=PUBLIC)
    client.get("/")
    clock.advance(hours=9)  # 00:47 the next day, UTC
    client.get("/")
    assert lines(folder) == [{"date": "2026-11-30", "country": "GB"}]
    assert lines(folder, "2026-12-01") == [{"date": "2026-12-01", "country": "GB"}]


# -- retention ------------------------------------------------------------------------------


def test_the_scheduled_job_deletes_the_days_past_retention(
    city_vault: Vault, folder: Path, clock: ManualClock, tmp_path: Path
) -> None:
    """The city plan keeps web logs 90 days; the job runs hourly from the standard list."""
    client = Client(REMOTE_ADDR=PUBLIC)
    for _ in range(3):  # three days of visits
        client.get("/")
        clock.advance(days=1)
    (folder / "notes.txt").write_text("not part of the log")
    assert sorted(p.name for p in folder.iterdir()) == [
        "2026-11-30.jsonl", "2026-12-01.jsonl", "2026-12-02.jsonl", "notes.txt",
    ]  # fmt: skip
    job = standard_jobs().get("web-log-pruning")
    registry = JobRegistry([job])
    context = JobContext(city_vault, tmp_path / "keys", tmp_path / "backups")
    schedule = job.schedule(city_vault.plan)
    assert (schedule.interval, schedule.source) == (
        timedelta(hours=1),
        "hourly, to operations.web_logs.retention: 90 days",
    )

    clock.advance(days=86, hours=7, minutes=43)  # 2027-02-27 23:30: 89 days and a half
    run_due(registry, context, "test")
    assert (folder / "2026-11-30.jsonl").exists()
    clock.advance(minutes=40)  # 00:10: that day is 90 days old, but the job ran 40 min ago
    assert run_due(registry, context, "test").ran == ()
    assert (folder / "2026-11-30.jsonl").exists()
    clock.advance(minutes=30)  # due again: the day goes, 40 minutes past its 90 days
    run_due(registry, context, "test")
    assert sorted(p.name for p in folder.iterdir()) == [
        "2026-12-01.jsonl", "2026-12-02.jsonl", "notes.txt",
    ]  # fmt: skip
    runs = list(JobRun.objects.filter(job="web-log-pruning").order_by("started"))
    assert [r.outcome for r in runs] == ["succeeded", "succeeded"]
    assert runs[0].message == "no day of the web log is past 90 days; 3 kept"
    assert runs[1].message == (
        "deleted 1 day of the web log past 90 days (oldest 2026-11-30); 2 kept"
    )


def test_without_a_retention_the_job_is_not_scheduled(tmp_path: Path) -> None:
    unlimited = load_plan(plan_keeping(tmp_path, "date, country", retention="null")).plan
    assert unlimited.operations.web_logs.retention is None
    schedule = standard_jobs().get("web-log-pruning").schedule(unlimited)
    assert schedule.interval is None
    assert "no operations.web_logs.retention" in schedule.source
