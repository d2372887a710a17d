"""``steward aggregates``: release and list counts as a signed-in privacy officer; user
errors exit 2 with a plain message and no traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from unittest import mock

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from steward.cli.main import app
from steward.clock import ManualClock, use_clock
from steward.vault.models_egress import AggregateRelease
from steward.vault.runtime import Vault, use_vault
from tests.vault.aggregate_support import put_records
from tests.vault.conftest import CITY, make_vault
from tests.vault.test_staff_support import PASSWORD, code_for, make_staff

runner = CliRunner()


@pytest.fixture
def vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    """The city vault with a privacy officer and a caseworker, each with a second factor."""
    made, _ = make_vault(CITY, tmp_path / "keys")
    use_vault(made)
    for name, role in (("ana.lima", "privacy_officer"), ("cas", "caseworker")):
        user, _ = make_staff(made, name, role)
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with (
        mock.patch("steward.cli.django_setup.setup_django"),
        use_clock(ManualClock(datetime(2026, 5, 10, tzinfo=UTC))),
    ):
        yield made
    use_vault(None)


def run(*args: str, user: str = "ana.lima"):
    device = TOTPDevice.objects.get(user__username=user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    where = ["--as", user, "--code", code_for(device), "--plan", str(CITY)]
    result = runner.invoke(app, ["aggregates", *args, *where], input=f"{PASSWORD}\n")
    assert "Traceback" not in result.output
    return result


def test_release_and_list(vault: Vault) -> None:
    rows = [(date(2026, 4, 2), {"district": d}) for d in ["North"] * 20 + ["South"] * 3]
    put_records(vault, rows)
    done = run("release", "service_request", "--for", "city_council", "--by", "district")
    assert done.exit_code == 0, done.output
    assert "Released:" in done.output
    table = json.loads(done.output[done.output.index("{") :])
    assert table["counts"]["North"] is None  # South (3) needs a partner: North is the cheapest
    assert table["counts"]["South"] is None
    again = run("release", "service_request", "--for", "city_council", "--by", "district")
    assert "Given again:" in again.output
    listed = run("list")
    assert listed.exit_code == 0
    assert str(AggregateRelease.objects.get().id) in listed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["release", "service_request", "--by", "district"], "either --for"),
        (["release", "service_request", "--public", "--for", "x", "--by", "district"], "either"),
        (["release", "service_request", "--public", "--by", "details"], "may not be given"),
        (["release", "nothing", "--public", "--by", "district"], "no dataset"),
        (
            ["release", "service_request", "--public", "--by", "district", "--from", "2026-05-02"],
            "has ended",
        ),
        (
            ["release", "service_request", "--public", "--by", "district", "--epsilon", "-1"],
            "positive",
        ),
    ],
)
def test_bad_input_exits_2_plainly(vault: Vault, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_caseworker_is_refused(vault: Vault) -> None:
    result = run("release", "service_request", "--public", "--by", "district", user="cas")
    assert result.exit_code == 2
    assert "approves disclosures" in result.output
