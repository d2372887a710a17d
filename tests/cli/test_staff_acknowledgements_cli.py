"""``steward staff acknowledgements``: who acknowledged the plan text in force, and the history."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from typer.testing import CliRunner

from steward.cli import staff as staff_cli
from steward.cli.main import app
from steward.clock import ManualClock, use_clock
from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import make_vault
from tests.vault.test_api_support import staff_user
from tests.vault.test_plan_acknowledgement import changed_plan, under
from tests.vault.test_staff_support import acknowledge_plan

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "city-constituent-services.yaml"
runner = CliRunner()


@pytest.fixture
def vault(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Vault]:
    """The city vault; Django is already set up by pytest-django. The tables print on a
    wide console, so each row stays on one line."""
    monkeypatch.setattr(staff_cli.stdout, "_width", 200)
    monkeypatch.setattr(staff_cli.stdout, "_height", 50)
    made, _ = make_vault(PLAN, tmp_path / "keys")
    use_vault(made)
    with mock.patch("steward.cli.django_setup.setup_django"):
        yield made
    use_vault(None)


def _run(*args: str):
    result = runner.invoke(app, ["staff", "acknowledgements", *args])
    assert "Traceback" not in result.output
    return result


def test_the_list_says_who_must_still_acknowledge(vault: Vault, tmp_path: Path) -> None:
    with use_clock(ManualClock(datetime(2026, 10, 1, 8, 0, tzinfo=UTC))):
        staff_user("ana.lima", "caseworker")
        staff_user("kim.park", "supervisor")
    changed = under(vault, changed_plan(tmp_path))
    with use_clock(ManualClock(datetime(2026, 11, 2, 14, 5, tzinfo=UTC))):
        acknowledge_plan(User.objects.get(username="kim.park"), "supervisor", changed)
    staff_user("sam.new", "caseworker", acknowledged=False)
    result = _run()
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Plan version {changed.plan.version} (SHA-256 {changed.loaded.digest})" in out
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("│ ")}
    assert "plan changed" in lines["ana.lima"]
    assert f"({vault.loaded.digest[:12]}), 2026-10-01 08:00" in lines["ana.lima"]
    assert "2026-11-02 14:05" in lines["kim.park"]
    assert "never acknowledged" in lines["sam.new"]
    assert "2 of 3 accounts that can sign in must still acknowledge this version" in out

    history = _run("--history")
    assert history.exit_code == 0, history.output
    rows = [line for line in history.output.splitlines() if "│ 2026-" in line]
    assert [row.split()[4] for row in rows] == ["kim.park", "kim.park", "ana.lima"]


def test_a_plan_that_asks_for_none(vault: Vault, tmp_path: Path) -> None:
    never = ("team_acknowledgement: true", "team_acknowledgement: false")
    under(vault, changed_plan(tmp_path, replace=never))
    staff_user("sam.new", "caseworker", acknowledged=False)
    result = _run()
    assert result.exit_code == 0, result.output
    assert "does not ask its team to acknowledge it" in result.output
    assert "not asked" in result.output
    assert "must still acknowledge" not in result.output


def test_no_accounts_yet(vault: Vault) -> None:
    result = _run()
    assert result.exit_code == 0
    assert "No staff accounts yet" in result.output
    assert "No acknowledgements recorded yet" in _run("--history").output


def test_in_a_fresh_process(tmp_path: Path) -> None:
    """The real set-up: Django, migrations on a new SQLite file, an account with none."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEWARD_", "DJANGO_"))}
    env |= {
        "STEWARD_PLAN": str(PLAN),
        "STEWARD_KEYS_DIR": str(tmp_path / "keys"),
        "STEWARD_DATA_DIR": str(tmp_path / "data"),
        "COLUMNS": "200",
    }

    def steward(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", "from steward.cli.main import run; run()", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip

    assert steward("keys", "init", "--no-intake-key").returncode == 0
    assert steward("staff", "add", "ana.lima", "--role", "caseworker").returncode == 0
    listed = steward("staff", "acknowledgements")
    assert listed.returncode == 0, listed.stderr
    assert "ana.lima" in listed.stdout
    assert "never acknowledged" in listed.stdout
    wrong = steward("staff", "acknowledgements", "--plan", str(tmp_path / "missing.yaml"))
    assert wrong.returncode == 2
    assert "Traceback" not in wrong.stderr
