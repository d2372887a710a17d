"""The lockout settings read from the environment, and ``serve`` refusing bad ones."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from steward.errors import StewardError
from steward.server.config import ServerConfig, lockout_policy
from steward.vault.rules.sign_in import LockoutPolicy
from tests.server.stack import CITY, clean_env, steward


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, LockoutPolicy(5, 50, timedelta(minutes=30))),
        (
            {
                "STEWARD_LOCKOUT_ACCOUNT_FAILURES": "3",
                "STEWARD_LOCKOUT_ADDRESS_FAILURES": " 200 ",
                "STEWARD_LOCKOUT_MINUTES": "15",
            },
            LockoutPolicy(3, 200, timedelta(minutes=15)),
        ),
        ({"STEWARD_LOCKOUT_MINUTES": "10080"}, LockoutPolicy(cool_off=timedelta(days=7))),
        ({"STEWARD_LOCKOUT_ACCOUNT_FAILURES": ""}, LockoutPolicy()),
    ],
)
def test_lockout_settings(env: dict[str, str], expected: LockoutPolicy) -> None:
    assert lockout_policy(env) == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STEWARD_LOCKOUT_ACCOUNT_FAILURES", "0"),
        ("STEWARD_LOCKOUT_ACCOUNT_FAILURES", "-1"),
        ("STEWARD_LOCKOUT_ADDRESS_FAILURES", "fifty"),
        ("STEWARD_LOCKOUT_ADDRESS_FAILURES", "5.5"),
        ("STEWARD_LOCKOUT_ADDRESS_FAILURES", "²"),
        ("STEWARD_LOCKOUT_MINUTES", "10081"),
        ("STEWARD_LOCKOUT_MINUTES", "9" * 40),
    ],
)
def test_bad_lockout_settings_are_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(StewardError, match=name):
        ServerConfig.from_environ({name: value})


def test_serve_refuses_a_bad_lockout_setting_with_exit_2(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    assert steward("keys", "init", "--keys-dir", str(keys), "--no-intake-key").returncode == 0
    result = steward(
        "serve", "--plan", str(CITY), "--keys-dir", str(keys), "--data-dir", str(tmp_path / "d"),
        "--check-only", env=clean_env(STEWARD_LOCKOUT_MINUTES="half an hour"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "STEWARD_LOCKOUT_MINUTES must be a whole number from 1 to 10080" in result.stderr
    assert "Traceback" not in result.stderr
