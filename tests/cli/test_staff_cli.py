"""``steward staff``: add, disable, reset-password and list accounts from the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from typer.testing import CliRunner

from steward.cli.main import app
from steward.vault.models import StaffMember
from steward.vault.runtime import use_vault
from tests.vault.conftest import make_vault

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "city-constituent-services.yaml"
runner = CliRunner()
PASSWORD_LINE = re.compile(r"^[A-Za-z0-9]{20}$", re.MULTILINE)


@pytest.fixture
def setup_calls(db: None, tmp_path: Path):
    """Django is already set up by pytest-django: record what the commands would pass."""
    vault, _ = make_vault(PLAN, tmp_path / "keys")
    use_vault(vault)
    with mock.patch("steward.cli.django_setup.setup_django") as fake:
        yield fake
    use_vault(None)


def _run(*args: str):
    result = runner.invoke(app, ["staff", *args])
    assert "Traceback" not in result.output
    return result


def test_add_prints_the_one_time_password_once(setup_calls: mock.MagicMock) -> None:
    result = _run(
        "add", "ana.lima", "--role", "caseworker", "--team", "north", "--plan", str(PLAN),
        "--keys-dir", "/k", "--database-url", "sqlite:///x.db",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (password,) = PASSWORD_LINE.findall(result.output)
    user = User.objects.get(username="ana.lima")
    assert user.check_password(password)
    member = StaffMember.objects.get(user=user)
    assert (member.role, member.team, member.must_change_password) == ("caseworker", "north", True)
    setup_calls.assert_called_once_with(PLAN, Path("/k"), "sqlite:///x.db", None)


def test_add_with_an_end_date(setup_calls: mock.MagicMock) -> None:
    result = _run("add", "sam.temp", "--role", "caseworker", "--until", "2099-12-31")
    assert result.exit_code == 0, result.output
    until = StaffMember.objects.get(user__username="sam.temp").access_until
    assert until is not None
    assert until.date().isoformat() == "2099-12-31"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "ana.lima", "--role", "janitor"), "no role 'janitor'"),
        (("add", "ana.lima", "--role", "resident"), "not a staff role"),
        (("add", "frontdesk", "--role", "caseworker"), "names a function"),
        (("add", "ana.lima", "--role", "caseworker", "--until", "soon"), "--until must be a date"),
        (("add", "ana.lima", "--role", "caseworker", "--until", "2001-01-01"), "future"),
        (("disable", "nobody"), "no staff account named 'nobody'"),
        (("reset-password", "nobody"), "no staff account named 'nobody'"),
        (("unlock", "nobody"), "no staff account named 'nobody'"),
    ],
)
def test_user_errors_exit_2_with_a_message(
    setup_calls: mock.MagicMock, args: tuple[str, ...], message: str
) -> None:
    result = _run(*args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not StaffMember.objects.exists()


def test_a_duplicate_user_name_exits_2(setup_calls: mock.MagicMock) -> None:
    assert _run("add", "ana.lima", "--role", "caseworker").exit_code == 0
    result = _run("add", "ana.lima", "--role", "supervisor")
    assert result.exit_code == 2
    assert "exists already" in result.output


def test_disable_reset_and_list(setup_calls: mock.MagicMock) -> None:
    first = _run("add", "ana.lima", "--role", "caseworker", "--team", "north")
    (one_time,) = PASSWORD_LINE.findall(first.output)
    reset = _run("reset-password", "ana.lima")
    assert reset.exit_code == 0
    (new,) = PASSWORD_LINE.findall(reset.output)
    assert new != one_time
    assert User.objects.get(username="ana.lima").check_password(new)
    disabled = _run("disable", "ana.lima")
    assert disabled.exit_code == 0
    assert "ended 0 sessions" in disabled.output
    listed = _run("list")
    assert listed.exit_code == 0
    assert "ana.lima" in listed.output
    assert "caseworker" in listed.output
    assert "disabled" in listed.output
    assert new not in listed.output
    assert one_time not in listed.output


def test_add_warns_when_a_team_scoped_role_gets_no_team(setup_calls: mock.MagicMock) -> None:
    alone = _run("add", "lee.chen", "--role", "supervisor")
    assert alone.exit_code == 0, alone.output
    text = " ".join(alone.output.split())
    assert (
        "warning: the role 'supervisor' sees only its team's records: "
        "without --team this account will reach no records"
    ) in text
    assert StaffMember.objects.get(user__username="lee.chen").team == ""
    with_team = _run("add", "lee.park", "--role", "supervisor", "--team", "north")
    assert with_team.exit_code == 0
    assert "warning" not in with_team.output
    assigned = _run("add", "sam.rivera", "--role", "caseworker")  # scope: assigned
    assert "warning" not in assigned.output


def test_unlock_lifts_a_lock_and_says_what_it_lifted(setup_calls: mock.MagicMock) -> None:
    first = _run("add", "ana.lima", "--role", "caseworker", "--team", "north")
    (password,) = PASSWORD_LINE.findall(first.output)
    browser = Client()
    for i in range(5):
        browser.post("/staff/login/", {"username": "ana.lima", "password": f"wrong {i}"})
    right = {"username": "ana.lima", "password": password}
    assert browser.post("/staff/login/", right).status_code == 429
    lifted = _run("unlock", "ana.lima")
    assert lifted.exit_code == 0, lifted.output
    text = " ".join(lifted.output.split())
    assert "Lifted the lock on 'ana.lima' (it was locked until " in text
    assert "forgot 5 failed sign-ins" in text
    assert browser.post("/staff/login/", right).status_code == 302
    again = _run("unlock", "ana.lima")
    assert "'ana.lima' was not locked; forgot 0 failed sign-ins." in again.output


def test_an_empty_list_says_how_to_add(setup_calls: mock.MagicMock) -> None:
    assert "steward staff add" in _run("list").output


def _steward(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from steward.cli.main import run; run()", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_end_to_end_in_a_fresh_process(tmp_path: Path) -> None:
    """The real set-up: environment, Django, migrations on a new SQLite file, the vault."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEWARD_", "DJANGO_"))}
    keys, data = tmp_path / "keys", tmp_path / "data"
    init = _steward("keys", "init", "--keys-dir", str(keys), "--no-intake-key", env=env)
    assert init.returncode == 0, init.stderr
    common = ["--plan", str(PLAN), "--keys-dir", str(keys), "--data-dir", str(data)]
    added = _steward("staff", "add", "ana.lima", "--role", "supervisor", *common, env=env)
    assert added.returncode == 0, added.stderr
    assert len(PASSWORD_LINE.findall(added.stdout)) == 1
    again = _steward("staff", "add", "ana.lima", "--role", "supervisor", *common, env=env)
    assert again.returncode == 2
    assert "exists already" in again.stderr
    assert "Traceback" not in again.stderr
    env["STEWARD_PLAN"], env["STEWARD_KEYS_DIR"], env["STEWARD_DATA_DIR"] = (
        str(PLAN),
        str(keys),
        str(data),
    )
    listed = _steward("staff", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "ana.lima" in listed.stdout
    assert "supervisor" in listed.stdout
    assert (data / "steward.sqlite3").exists()


def test_add_refuses_a_team_the_plan_does_not_declare(setup_calls: mock.MagicMock) -> None:
    refused = _run("add", "lee.chen", "--role", "supervisor", "--team", "nroth")
    assert refused.exit_code == 2
    text = " ".join(refused.output.split())
    assert "the plan declares no team 'nroth'" in text
    assert "north" in text
    assert not User.objects.filter(username="lee.chen").exists()
