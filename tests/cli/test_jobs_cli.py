"""``steward jobs``: due jobs run once, by one runner at a time, and their state is shown.

Two runner processes race on the same database (SQLite, then PostgreSQL): exactly one
runs the job, the other finds the lock taken. ``jobs run-due`` runs the backup and the
restore drill the plan asks for, and ``jobs status`` says when something needs attention.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.live_vault import (
    CITY,
    clean_env,
    make_keys,
    postgres_answers,
    postgres_database,
    steward,
)

RUNNER = """
import sys, time
from datetime import timedelta
from pathlib import Path
from steward.cli.django_setup import setup_django

plan, keys, url, folder, me, other = sys.argv[1:]
marks = Path(folder)
setup_django(Path(plan), Path(keys), url, None)
from steward.vault.runtime import get_vault
from steward.vault.services.jobs import Job, JobContext, JobRegistry, Schedule
from steward.vault.services.jobs_runner import run_due

def wait_for(name):
    deadline = time.monotonic() + 60
    while not (marks / name).exists() and time.monotonic() < deadline:
        time.sleep(0.02)

def work(context):
    (marks / f"{me}.ran").touch()
    wait_for(f"{other}.tried")  # hold the lock until the other runner has tried
    return "ran while the other runner tried"

daily = lambda plan: Schedule(timedelta(days=1), "daily")
registry = JobRegistry([Job("race", "Race", daily, work)])
context = JobContext(get_vault(), Path(keys), marks / "backups")
(marks / f"{me}.ready").touch()
wait_for(f"{other}.ready")
report = run_due(registry, context, me)
(marks / f"{me}.tried").touch()
print("locked out" if report.locked_out else f"ran {len(report.ran)}")
"""


def _race(tmp_path: Path, url: str) -> None:
    keys = make_keys(tmp_path / "keys", tmp_path)
    ready = steward(
        "serve", "--plan", str(CITY), "--keys-dir", str(keys), "--database-url", url,
        "--check-only", cwd=tmp_path,
    )  # fmt: skip
    assert ready.returncode == 0, ready.stderr
    marks = tmp_path / "marks"
    marks.mkdir()
    runners = [
        subprocess.Popen(
            [sys.executable, "-c", RUNNER, str(CITY), str(keys), url, str(marks), me, other],
            cwd=tmp_path,
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me, other in (("a", "b"), ("b", "a"))
    ]
    outputs = [runner.communicate(timeout=180) for runner in runners]
    assert [r.returncode for r in runners] == [0, 0], outputs
    said = sorted(out.strip() for out, _ in outputs)
    assert said == ["locked out", "ran 1"]
    assert len(list(marks.glob("*.ran"))) == 1


def test_two_runners_on_sqlite_run_a_job_once(tmp_path: Path) -> None:
    _race(tmp_path, f"sqlite:///{tmp_path / 'data' / 'steward.sqlite3'}")


@pytest.mark.skipif(not postgres_answers(), reason="no PostgreSQL on 127.0.0.1:5432")
def test_two_runners_on_postgresql_run_a_job_once(tmp_path: Path) -> None:
    with postgres_database("steward_backups_race") as url:
        _race(tmp_path, url)


def test_run_due_takes_the_backup_and_the_drill_the_plan_asks_for(tmp_path: Path) -> None:
    made = steward(
        "demo", "--no-serve", "--residents", "5", "--dir", str(tmp_path / "d"), cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    options = [
        "--plan", str(CITY), "--keys-dir", str(tmp_path / "d" / "keys"),
        "--data-dir", str(tmp_path / "d" / "data"),
    ]  # fmt: skip
    before = steward("jobs", "status", *options, cwd=tmp_path)
    assert before.returncode == 1, before.stderr
    assert "backup (Backup): never run  <- needs attention" in before.stdout
    first = steward("jobs", "run-due", *options, "--backup-dir", str(tmp_path / "b"), cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "backup: succeeded: backup steward-" in first.stdout
    assert "restore-drill: succeeded: backup steward-" in first.stdout
    assert "restores whole" in first.stdout
    assert len(list((tmp_path / "b").glob("*.stwbk"))) == 1
    again = steward("jobs", "run-due", *options, "--backup-dir", str(tmp_path / "b"), cwd=tmp_path)
    assert again.stdout.strip() == "no job is due"
    after = steward("jobs", "status", *options, cwd=tmp_path)
    assert after.returncode == 0, after.stdout
    assert "backup (Backup): ok" in after.stdout
    assert "next due:" in after.stdout


def test_a_failing_backup_is_recorded_and_exits_1(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys", tmp_path)
    options = ["--plan", str(CITY), "--keys-dir", str(keys), "--data-dir", str(tmp_path / "data")]
    blocked = tmp_path / "backups"
    blocked.write_text("a file where the backup folder should be")
    result = steward("jobs", "run-due", *options, "--backup-dir", str(blocked), cwd=tmp_path)
    assert result.returncode == 1
    assert "backup: failed:" in result.stdout
    assert "is not a folder" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    status = steward("jobs", "status", *options, cwd=tmp_path)
    assert status.returncode == 1
    assert "it has never succeeded: the runs failed" in status.stdout
