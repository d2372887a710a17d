"""``steward rights``: the privacy officer lists the queue and decides with their own
password and code; other roles are refused; user errors exit 2 with a plain message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from steward.cli.main import app
from steward.vault.models import RightsRequest
from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import CITY, make_vault
from tests.vault.rights_queue_support import REASON, open_request
from tests.vault.test_staff_support import PASSWORD, add_case, code_for, make_staff

runner = CliRunner()
Kind = RightsRequest.Kind


@pytest.fixture
def vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    """The city vault, with a privacy officer and a caseworker, each with a second factor."""
    made, _ = make_vault(CITY, tmp_path / "keys")
    use_vault(made)
    for name, role in (("ana.lima", "privacy_officer"), ("carl.diaz", "caseworker")):
        user, _ = make_staff(made, name, role, team="north")
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with mock.patch("steward.cli.django_setup.setup_django"):
        yield made
    use_vault(None)


def code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return code_for(device)


def rights(*args: str, who: str = "ana.lima"):
    result = runner.invoke(
        app,
        ["rights", *args, "--as", who, "--code", code(who), "--plan", str(CITY)],
        input=f"{PASSWORD}\n",
    )
    assert "Traceback" not in result.output
    return result


def test_list_overdue_and_decide(vault: Vault) -> None:
    record = add_case(vault, team="north")
    late = open_request(vault, record, Kind.ERASURE)
    RightsRequest.objects.filter(pk=late.pk).update(due=late.received - timedelta(days=1))
    fresh = open_request(vault, record, Kind.ACCESS)

    listed = rights("list")
    assert listed.exit_code == 0, listed.output
    lines = [line for line in listed.output.splitlines() if line[:1].isdigit()]
    assert lines[0].startswith(f"{late.id} ")
    assert "OVERDUE" in lines[0]
    assert lines[1].startswith(f"{fresh.id} ")

    only = rights("list", "--overdue")
    assert only.exit_code == 0
    starts = [line.split()[0] for line in only.output.splitlines() if line[:1].isdigit()]
    assert starts == [str(late.id)]

    done = rights("decide", str(fresh.id), "--decision", "answered", "--reason", REASON)
    assert done.exit_code == 0, done.output
    assert f"Rights request {fresh.id} (access) is now done." in done.output
    assert RightsRequest.objects.get(pk=fresh.pk).status == "done"

    again = rights("decide", str(fresh.id), "--decision", "refuse", "--reason", REASON)
    assert again.exit_code == 2
    assert "final" in again.output
    short = rights("decide", str(late.id), "--decision", "carry_out", "--reason", "x")
    assert short.exit_code == 2
    assert RightsRequest.objects.get(pk=late.pk).status == "open"


def test_other_roles_are_refused(vault: Vault) -> None:
    made = open_request(vault, add_case(vault, team="north"), Kind.ACCESS)
    listed = rights("list", who="carl.diaz")
    assert listed.exit_code == 2
    assert "caseworker" in listed.output
    decided = rights(
        "decide", str(made.id), "--decision", "answered", "--reason", REASON, who="carl.diaz"
    )
    assert decided.exit_code == 2
    assert RightsRequest.objects.get(pk=made.pk).status == "open"
