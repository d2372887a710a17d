"""Pruning the backup folder by the plan's ``backups.retention`` (35 days in the city plan),
with time moved by a ManualClock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from steward.clock import ManualClock, use_clock
from steward.vault.runtime import Vault
from steward.vault.services.backups_create import prune_backups
from steward.vault.services.backups_format import (
    AuditSummary,
    KeyVersions,
    Manifest,
    backup_path,
    manifest_path,
    stored_backups,
)
from steward.vault.services.jobs import JobContext

T0 = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)


def _fake_backup(folder: Path, name: str, created: datetime) -> None:
    manifest = Manifest(
        name=name,
        created=created.isoformat(),
        engine="sqlite",
        plan_version="2026.2",
        plan_digest="0" * 64,
        tables={"vault_record": 1},
        audit=AuditSummary(1, "0" * 64),
        keys=KeyVersions(1, {"1": 1}),
    )
    path = backup_path(folder, name)
    path.write_bytes(b"encrypted bytes")
    manifest_path(path).write_bytes(manifest.to_json())


def test_backups_past_retention_are_deleted_but_never_the_newest(
    city_vault: Vault, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o700)
    ages = {"old": 40, "older-than-35": 36, "recent": 10, "newest": 0}
    for name, days in ages.items():
        _fake_backup(folder, name, T0 - timedelta(days=days))
    (folder / "undated.stwbk").write_bytes(b"no manifest beside it")
    context = JobContext(city_vault, tmp_path / "keys", folder)
    clock = ManualClock(T0)
    with use_clock(clock):
        first = prune_backups(context)
        assert first.deleted == ("old", "older-than-35")
        assert first.kept_past_retention is None
        assert first.undated == ("undated",)
        assert {b.name for b in stored_backups(folder)} == {"recent", "newest", "undated"}
        clock.advance(days=30)  # no backup for a month
        assert prune_backups(context).deleted == ("recent",)
        clock.advance(days=6)
        late = prune_backups(context)
        assert late.deleted == ()
        assert late.kept_past_retention == "newest"
    assert {p.name for p in folder.iterdir()} == {
        "newest.stwbk",
        "newest.manifest.json",
        "undated.stwbk",
    }
    pruned = [e for e in city_vault.audit.entries() if e.action == "backup.prune"]
    assert len(pruned) == 3
