"""Erasure reaches every backup, through the erasure workflow itself: take a backup, have
one privacy officer ask for a person's erasure and another approve it (``steward erase``,
each with their own password and code), then restore the backup into a fresh place. The
person cannot be read, searched or counted as live there, the others are untouched, and
the audit log verifies. On SQLite and on PostgreSQL, as real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.cli.erasure_steps import OFFICERS, PASSWORD
from tests.cli.live_vault import (
    CITY,
    clean_env,
    make_keys,
    postgres_answers,
    postgres_database,
    steward_command,
)
from tests.cli.live_vault import steward as run_steward

STEPS = Path(__file__).with_name("erasure_steps.py")
REASON = "written request received by post"


def step(name: str, keys: Path, where: tuple[Path | None, str], *args: str) -> dict[str, Any]:
    data_dir, url = where
    result = subprocess.run(
        [sys.executable, str(STEPS), name, str(CITY), str(keys), str(data_dir or ""), url, *args],
        cwd=keys.parent, env=clean_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def erase(keys: Path, where: tuple[Path | None, str], source: list[str], *args: str) -> str:
    """``steward erase ARGS --as USER --code CODE``, typing USER's password."""
    username = args[args.index("--as") + 1]
    code = step("code", keys, where, username)["code"]
    result = subprocess.run(
        steward_command(
            "erase", *args, "--code", code, "--plan", str(CITY), "--keys-dir", str(keys), *source
        ),
        cwd=keys.parent, env=clean_env(), input=f"{PASSWORD}\n", capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def scenario(tmp_path: Path, source: list[str], target: list[str], urls: tuple[str, str]) -> None:
    keys = make_keys(tmp_path / "keys", tmp_path)
    live = (tmp_path / "data" if not urls[0] else None, urls[0])
    restored = (tmp_path / "restored" if not urls[1] else None, urls[1])
    people = step("populate", keys, live)["people"]
    gone = people[0]["record"]
    backups = tmp_path / "backups"
    made = run_steward(
        "backup", "create", "--plan", str(CITY), "--keys-dir", str(keys), *source,
        "--backup-dir", str(backups), cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (backup,) = backups.glob("*.stwbk")

    filed = erase(keys, live, source, gone, "--reason", REASON, "--as", OFFICERS[0])
    assert "Filed erasure request 1" in filed
    approved = erase(keys, live, source, "approve", "1", "--as", OFFICERS[1])
    assert "is done" in approved
    before = step("check", keys, live, gone)

    result = run_steward(
        "backup", "restore", str(backup), "--keys-dir", str(keys), *target,
        "--plan", str(CITY), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    after = step("check", keys, restored, gone)
    for checked in (before, after):
        assert checked["shown"] == ["South", "Pothole"] or all(
            "Philomena" not in s and "Marigold" not in s for s in checked["shown"]
        )
        assert checked["revealed"] == "erased"
        assert {k: v for k, v in checked["found"].items() if k.startswith("0.")} == {
            "0.full_name": 0,
            "0.email": 0,
            "0.phone": 0,
        }
        assert {k: v for k, v in checked["found"].items() if not k.startswith("0.")} == {
            f"{n}.{f}": 1 for n in (1, 2) for f in ("full_name", "email", "phone")
        }
        assert (checked["values"], checked["access_code"]) == (0, 0)
        assert (checked["records"], checked["live"]) == (3, 2)
        assert checked["audit_ok"] is True
        assert checked["secrets_in_audit"] == []


@pytest.mark.slow
def test_an_erasure_approved_after_a_backup_holds_in_the_restored_sqlite_vault(
    tmp_path: Path,
) -> None:
    restored = tmp_path / "restored"
    scenario(
        tmp_path, ["--data-dir", str(tmp_path / "data")], ["--data-dir", str(restored)], ("", "")
    )


@pytest.mark.slow
@pytest.mark.skipif(not postgres_answers(), reason="no PostgreSQL on 127.0.0.1:5432")
def test_an_erasure_approved_after_a_backup_holds_in_the_restored_postgresql_vault(
    tmp_path: Path,
) -> None:
    with ExitStack() as stack:
        live = stack.enter_context(postgres_database("steward_erasure_live"))
        target = stack.enter_context(postgres_database("steward_erasure_restore"))
        scenario(tmp_path, ["--database-url", live], ["--database-url", target], (live, target))
