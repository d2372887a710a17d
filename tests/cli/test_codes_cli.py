"""``steward codes reissue``: a privacy officer gives a person a new code with their own
password and second factor; refusals exit 2 with a plain message and no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from steward.cli.main import app
from steward.vault.models import RightsRequest
from steward.vault.runtime import Vault, use_vault
from steward.vault.services.code_sign_in import CodeRefused, sign_in
from tests.vault.conftest import CITY, make_vault
from tests.vault.test_code_sign_in import HOME, new_code
from tests.vault.test_staff_support import PASSWORD, code_for, make_staff

runner = CliRunner()
REASON = "lost the receipt; identity checked at the front desk"


@pytest.fixture
def vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    made, _ = make_vault(CITY, tmp_path / "keys")
    use_vault(made)
    user, _ = make_staff(made, "ana.lima", "privacy_officer")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with mock.patch("steward.cli.django_setup.setup_django"):
        yield made
    use_vault(None)


def _code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return code_for(device)


def codes(*args: str):
    result = runner.invoke(app, ["codes", *args, "--plan", str(CITY)], input=f"{PASSWORD}\n")
    assert "Traceback" not in result.output
    return result


def test_an_officer_issues_a_new_code(vault: Vault) -> None:
    record, old = new_code(vault)
    done = codes(
        "reissue", record, "--reason", REASON, "--identity-checked",
        "--as", "ana.lima", "--code", _code("ana.lima"),
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    new = done.output.split("New access code for case ", 1)[1].split(": ", 1)[1].split()[0]
    assert sign_in(vault, new, HOME).subject_id
    with pytest.raises(CodeRefused):
        sign_in(vault, old, HOME)
    assert RightsRequest.objects.get().kind == "code_reissue"


def test_refusals_exit_2(vault: Vault) -> None:
    record, _ = new_code(vault)
    unchecked = codes("reissue", record, "--reason", REASON, "--as", "ana.lima")
    assert unchecked.exit_code == 2
    assert "--identity-checked" in unchecked.output
    vague = codes(
        "reissue", record, "--reason", "x", "--identity-checked",
        "--as", "ana.lima", "--code", _code("ana.lima"),
    )  # fmt: skip
    assert vague.exit_code == 2
    assert "error:" in vague.output
    assert not RightsRequest.objects.exists()
