"""The vault's own checkpoints: the schedule (moved by a ManualClock), refusing a damaged
log, witness copies, and the staff verifier page showing checkpoints and truncation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from pytest_django.fixtures import Settings

from steward.audit import AuditLog, AuditWriteError, open_checkpoint, parse_checkpoint
from steward.audit.checkpoint_files import read_checkpoint_notes
from steward.audit.schedule import CheckpointSchedule, LastCheckpoint, checkpoint_due
from steward.cli.keys import create_signing_key
from steward.clock import ManualClock, use_clock
from steward.server.config import AuditCheckpointConfig
from steward.vault.audit_actions import AuditAction
from steward.vault.audit_store import DatabaseAuditStore
from steward.vault.models import AuditCheckpointRow, AuditEntryRow
from steward.vault.runtime import Vault
from steward.vault.services.auditing import audit
from steward.vault.services.checkpoints import (
    CheckpointRefused,
    checkpoint_if_due,
    crossed_entry_threshold,
    signing_key,
)
from tests.vault.test_staff_support import body, signed_in

START = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def schedule(settings: Settings, tmp_path: Path) -> Path:
    """Checkpoints every 5 entries or 10 minutes, a signing key, and a witness folder."""
    keys = tmp_path / "keys"
    create_signing_key(keys)
    settings.CONFIG = replace(settings.CONFIG, keys_dir=keys)
    settings.AUDIT_CHECKPOINTS = AuditCheckpointConfig(5, 10, tmp_path / "witness")
    return keys


def _act(vault: Vault, count: int = 1) -> None:
    for number in range(count):
        with transaction.atomic():
            audit(vault, actor="test/actor", action=AuditAction.RECORD_READ, obj=f"record/{number}")


def _sizes(vault: Vault) -> list[int]:
    return [parse_checkpoint(note).size for note in vault.audit.store.checkpoints()]


def test_checkpoints_follow_the_schedule_as_the_clock_moves(
    city_vault: Vault, schedule: Path
) -> None:
    clock = ManualClock(START)
    with use_clock(clock):
        assert checkpoint_if_due(city_vault) is None  # an empty log needs none
        _act(city_vault, 2)
        first = checkpoint_if_due(city_vault)  # the first one at once
        assert first is not None
        assert checkpoint_if_due(city_vault) is None  # idempotent
        _act(city_vault)
        clock.advance(minutes=9, seconds=59)
        assert checkpoint_if_due(city_vault) is None  # too soon, too few
        clock.advance(seconds=1)
        assert checkpoint_if_due(city_vault) is not None  # ten minutes and something new
        clock.advance(hours=5)
        assert checkpoint_if_due(city_vault) is None  # nothing new
        _act(city_vault, 5)
        assert checkpoint_if_due(city_vault, clock.now()) is not None  # five new entries
    assert _sizes(city_vault) == [2, 3, 8]
    key = signing_key(schedule)
    assert open_checkpoint(first, key.verifier).size == 2
    times = [when for _, when in DatabaseAuditStore().checkpoint_times()]
    assert times == [START, START.replace(minute=10), START.replace(hour=14, minute=10)]


@pytest.mark.parametrize(
    ("size", "last", "minutes", "due"),
    [
        (0, None, 0, False),
        (1, None, 0, True),
        (7, LastCheckpoint(7, START), 999, False),
        (6, LastCheckpoint(7, START), 999, False),  # shorter: for the verifier to report
        (11, LastCheckpoint(7, START), 0, False),
        (12, LastCheckpoint(7, START), 0, True),
        (8, LastCheckpoint(7, START), 9, False),
        (8, LastCheckpoint(7, START), 10, True),
        (8, LastCheckpoint(7, None), 0, True),
    ],
)
def test_when_a_checkpoint_is_due(
    size: int, last: LastCheckpoint | None, minutes: int, due: bool
) -> None:
    schedule = CheckpointSchedule(every_entries=5, every_minutes=10)
    now = START + timedelta(minutes=minutes)
    assert checkpoint_due(schedule, size, last, now) is due


def test_either_rule_can_be_turned_off() -> None:
    later = START.replace(hour=23)
    by_count = CheckpointSchedule(every_entries=5, every_minutes=0)
    by_time = CheckpointSchedule(every_entries=0, every_minutes=10)
    assert not checkpoint_due(by_count, 8, LastCheckpoint(7, START), later)
    assert checkpoint_due(by_count, 12, LastCheckpoint(7, START), START)
    assert not checkpoint_due(by_time, 9999, LastCheckpoint(7, START), START)
    assert checkpoint_due(by_time, 8, LastCheckpoint(7, START), later)


def test_every_checkpoint_is_copied_to_the_witness_folder(
    city_vault: Vault, schedule: Path, tmp_path: Path
) -> None:
    with use_clock(ManualClock(START)):
        _act(city_vault, 3)
        checkpoint_if_due(city_vault)
        _act(city_vault, 5)
        checkpoint_if_due(city_vault)
    notes = [note for _, note in read_checkpoint_notes(tmp_path / "witness")]
    assert notes == city_vault.audit.store.checkpoints()
    assert sorted(p.name for p in (tmp_path / "witness").iterdir()) == [
        "checkpoint-000000000003.note",
        "checkpoint-000000000008.note",
    ]


def test_a_witness_copy_that_disagrees_is_an_alarm(
    city_vault: Vault, schedule: Path, tmp_path: Path
) -> None:
    witness = tmp_path / "witness"
    witness.mkdir()
    other = "steward-audit\n3\n" + "A" * 43 + "=\n\n\u2014 steward-audit AAAAAAAA\n"
    (witness / "checkpoint-000000000003.note").write_text(other)
    _act(city_vault, 3)
    with pytest.raises(AuditWriteError, match="different checkpoint of the same size"):
        checkpoint_if_due(city_vault, START)
    assert (witness / "checkpoint-000000000003.note").read_text() == other


def test_no_checkpoint_is_signed_over_a_log_cut_short(city_vault: Vault, schedule: Path) -> None:
    _act(city_vault, 6)
    assert checkpoint_if_due(city_vault, START) is not None
    _act(city_vault, 6)
    AuditEntryRow.objects.filter(seq__gte=4).delete()
    _act(city_vault, 8)  # the vault keeps writing after the cut
    with pytest.raises(CheckpointRefused, match="entry 5 is not the entry verified before"):
        checkpoint_if_due(city_vault, START)
    assert _sizes(city_vault) == [6]
    # A new process (a fresh store) finds it against the stored checkpoint...
    fresh = replace(city_vault, audit=AuditLog(DatabaseAuditStore(), city_vault.audit.hasher))
    with pytest.raises(CheckpointRefused, match="do not match stored checkpoint 1"):
        checkpoint_if_due(fresh, START)


def test_the_signer_remembers_what_it_verified(city_vault: Vault, schedule: Path) -> None:
    _act(city_vault, 6)
    assert checkpoint_if_due(city_vault, START) is not None
    AuditEntryRow.objects.filter(seq__gte=3).delete()
    AuditCheckpointRow.objects.all().delete()  # the stored checkpoints go too
    with pytest.raises(CheckpointRefused, match="entries from 3 on were removed"):
        checkpoint_if_due(city_vault, START)
    assert AuditCheckpointRow.objects.count() == 0


def test_no_checkpoint_is_signed_over_a_changed_entry(city_vault: Vault, schedule: Path) -> None:
    _act(city_vault, 6)
    row = AuditEntryRow.objects.get(seq=2)
    row.record = bytes(row.record).replace(b"record.read", b"record.list")
    row.save()
    with pytest.raises(CheckpointRefused, match="entry 2 was changed"):
        checkpoint_if_due(city_vault, START)
    assert AuditCheckpointRow.objects.count() == 0


def test_the_entries_that_sign_a_checkpoint_inline(city_vault: Vault, schedule: Path) -> None:
    assert [crossed_entry_threshold(seq) for seq in range(11)] == [
        seq in (4, 9) for seq in range(11)
    ]


def test_the_verifier_page_counts_checkpoints_and_names_a_truncation(
    city_vault: Vault, schedule: Path
) -> None:
    officer, _ = signed_in(city_vault, "dana.ortiz", "privacy_officer")
    with use_clock(ManualClock(START)):
        checkpoint_if_due(city_vault)
        _act(city_vault, 5)
        checkpoint_if_due(city_vault)
    intact = body(officer.post("/staff/audit/verify/"))
    size = _sizes(city_vault)[-1]
    assert "The log is intact" in intact
    assert "<dt>Checkpoints stored in the vault</dt><dd>2;" in intact
    assert f"the newest covers {size} entries, signed 2031-03-04 09:00 UTC" in intact
    assert "2 in <code>" in intact  # the witness copies
    AuditEntryRow.objects.filter(seq__gte=size - 2).delete()
    damaged = body(officer.post("/staff/audit/verify/"))
    assert "The log is damaged" in damaged
    # The cut took the verification's own entry too; this look wrote one again.
    assert f"covers {size} entries but the log holds {size - 1}" in damaged
    assert "<dd>truncated</dd>" in damaged


def test_the_job_runner_signs_checkpoints_on_the_configured_minutes(
    city_vault: Vault, schedule: Path, tmp_path: Path
) -> None:
    from steward.vault.models import JobRun
    from steward.vault.services.jobs import JobContext, JobRegistry
    from steward.vault.services.jobs_catalogue import AUDIT_CHECKPOINT, standard_jobs
    from steward.vault.services.jobs_runner import run_due

    assert "audit-checkpoint" in standard_jobs()
    registry = JobRegistry([AUDIT_CHECKPOINT])
    context = JobContext(city_vault, schedule, tmp_path / "backups")
    clock = ManualClock(START)
    with use_clock(clock):
        _act(city_vault, 2)
        first = run_due(registry, context, "test runner")
        assert [r.message for r in first.ran] == ["signed a checkpoint of 2 audit entries"]
        _act(city_vault)
        clock.advance(minutes=9)
        assert run_due(registry, context, "test runner").ran == ()  # not due for the runner
        clock.advance(minutes=1)
        assert [r.message for r in run_due(registry, context, "test runner").ran] == [
            "signed a checkpoint of 3 audit entries"
        ]
        clock.advance(minutes=10)
        quiet = run_due(registry, context, "test runner").ran
        assert [r.message for r in quiet] == [
            "no checkpoint due: nothing was added since the last one"
        ]
    assert _sizes(city_vault) == [2, 3]
    assert JobRun.objects.filter(job="audit-checkpoint", outcome="succeeded").count() == 3


def test_the_checkpoint_job_fails_visibly_over_a_cut_log(
    city_vault: Vault, schedule: Path, tmp_path: Path
) -> None:
    from steward.vault.services.jobs import JobContext
    from steward.vault.services.jobs_catalogue import AUDIT_CHECKPOINT
    from steward.vault.services.jobs_runner import run_job

    clock = ManualClock(START)
    with use_clock(clock):
        _act(city_vault, 4)
        assert checkpoint_if_due(city_vault) is not None
        AuditEntryRow.objects.filter(seq__gte=2).delete()
        _act(city_vault)
        clock.advance(hours=2)
        result = run_job(AUDIT_CHECKPOINT, JobContext(city_vault, schedule, tmp_path / "b"), "r")
    assert not result.succeeded
    assert "cut short" in result.message
