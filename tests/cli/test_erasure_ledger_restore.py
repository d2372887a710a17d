"""Erasure reaches every backup: back up, erase and purge, restore the backup into a fresh
place; the ledger kept with the keys is replayed before the vault serves, so nothing of
the erased person is readable, findable through a blind index or linked by a clear value,
and the audit log still verifies. On SQLite and on PostgreSQL, as real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.cli.live_vault import CITY, clean_env, make_keys, postgres_answers, postgres_database
from tests.cli.live_vault import steward as run_steward

STEPS = Path(__file__).with_name("retention_steps.py")


def step(name: str, keys: Path, data_dir: Path | None, url: str, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(STEPS), name, str(CITY), str(keys), str(data_dir or ""), url, *args],
        cwd=keys.parent,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def scenario(tmp_path: Path, source: list[str], target: list[str], urls: tuple[str, str]) -> None:
    keys = make_keys(tmp_path / "keys", tmp_path)
    data = tmp_path / "data" if not urls[0] else None
    restored = tmp_path / "restored" if not urls[1] else None
    people = step("populate", keys, data, urls[0])["people"]
    backups = tmp_path / "backups"
    made = run_steward(
        "backup", "create", "--plan", str(CITY), "--keys-dir", str(keys), *source,
        "--backup-dir", str(backups), cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (backup,) = backups.glob("*.stwbk")
    deleted = step("delete", keys, data, urls[0], people[0]["subject"], people[1]["record"])
    assert deleted == {"erased": 1, "purged": 1}
    ledger = (keys / "erasure-ledger.jsonl").read_text()
    assert "Ottoline" not in ledger
    assert people[0]["subject"] in ledger

    result = run_steward(
        "backup", "restore", str(backup), "--keys-dir", str(keys), *target,
        "--plan", str(CITY), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2 records" in result.stdout
    assert "1 people deleted again" in result.stdout
    checked = step(
        "check", keys, restored, urls[1],
        people[0]["subject"], people[0]["record"], people[1]["record"],
    )  # fmt: skip
    assert set(checked["found_by_index"].values()) == {0}
    assert checked["values_left"] == 0
    assert checked["clear_left"] == [{}, {}]
    assert checked["purged"] == [True, True]
    assert checked["erased"] is True
    assert checked["access_code"] == 0
    assert checked["consents"] == 0
    assert checked["live_records"] == 4
    assert checked["aggregated"] == 1
    assert checked["audit_ok"] is True
    assert checked["values_in_audit"] == []
    assert checked["has_key"] is False

    again = run_steward(
        "serve", "--plan", str(CITY), "--keys-dir", str(keys), *target, "--check-only",
        cwd=tmp_path,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "replayed" not in again.stdout


@pytest.mark.slow
def test_a_restored_sqlite_backup_forgets_the_erased_again(tmp_path: Path) -> None:
    restored = tmp_path / "restored"
    scenario(
        tmp_path, ["--data-dir", str(tmp_path / "data")], ["--data-dir", str(restored)], ("", "")
    )


@pytest.mark.slow
@pytest.mark.skipif(not postgres_answers(), reason="no PostgreSQL on 127.0.0.1:5432")
def test_a_restored_postgresql_backup_forgets_the_erased_again(tmp_path: Path) -> None:
    with ExitStack() as stack:
        live = stack.enter_context(postgres_database("steward_retention_live"))
        target = stack.enter_context(postgres_database("steward_retention_restore"))
        scenario(tmp_path, ["--database-url", live], ["--database-url", target], (live, target))
