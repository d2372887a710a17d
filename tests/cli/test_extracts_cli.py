"""``steward extracts``: a privacy officer makes an extract for the civic data lab and
for the analyst role, lists them; user errors exit 2 with a plain message, a withheld
extract exits 1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from steward.cli.main import app
from steward.vault.models_egress import Extract
from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import CITY, make_vault
from tests.vault.extract_support import bulk_records, city_rows
from tests.vault.test_staff_support import PASSWORD, code_for, make_staff

runner = CliRunner()


@pytest.fixture
def vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    made, _ = make_vault(CITY, tmp_path / "keys")
    use_vault(made)
    user, _ = make_staff(made, "dana.ortiz", "privacy_officer")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with mock.patch("steward.cli.django_setup.setup_django"):
        yield made
    use_vault(None)


def extracts(*args: str) -> Any:
    device = TOTPDevice.objects.get(user__username="dana.ortiz")
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    signed = ["--as", "dana.ortiz", "--code", code_for(device), "--plan", str(CITY)]
    result = runner.invoke(app, ["extracts", *args, *signed], input=f"{PASSWORD}\n")
    assert "Traceback" not in result.output
    return result


def test_make_and_list(vault: Vault) -> None:
    bulk_records(vault, "service_request", city_rows(200))
    made = extracts("make", "service_request", "--for", "civic_data_lab")
    assert made.exit_code == 0, made.output
    assert "Released" in made.output
    assert "k target 10" in made.output
    assert "/deliveries/" in made.output
    assert "passphrase" in made.output
    listed = extracts("list")
    assert listed.exit_code == 0, listed.output
    assert "civic_data_lab" in listed.output
    assert "released" in listed.output


def test_a_withheld_extract_exits_1(vault: Vault) -> None:
    bulk_records(vault, "service_request", city_rows(4))
    made = extracts("make", "service_request", "--role", "analyst")
    assert made.exit_code == 1, made.output
    assert "Withheld" in made.output
    assert Extract.objects.get().state == "withheld"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--for", "nobody"], "no recipient 'nobody'"),
        (["--for", "civic_data_lab", "--k", "3"], "below the least"),
        (["--for", "civic_data_lab", "--recipe", "/nonexistent/r.yaml"], "no such recipe"),
        (["--role", "caseworker"], "identified data"),
    ],
)
def test_bad_input_exits_2(vault: Vault, args: list[str], message: str) -> None:
    made = extracts("make", "service_request", *args)
    assert made.exit_code == 2, made.output
    assert message in " ".join(made.output.split())
    assert not Extract.objects.exists()
