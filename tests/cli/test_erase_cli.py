"""``steward erase``: one person asks, another approves with their own password and code;
user errors exit 2 with a plain message and no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from steward.cli.main import app
from steward.vault.models import ErasureRequest, FieldValue, Record, Subject
from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import CITY, make_vault
from tests.vault.test_staff_support import PASSWORD, add_case, code_for, make_staff

runner = CliRunner()
REASON = "asked in writing to be erased"


@pytest.fixture
def vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    """The city vault, with Django already set up by pytest-django, and two privacy
    officers with a second factor each."""
    made, _ = make_vault(CITY, tmp_path / "keys")
    use_vault(made)
    for name in ("ana.lima", "ben.okafor"):
        user, _ = make_staff(made, name, "privacy_officer")
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with mock.patch("steward.cli.django_setup.setup_django"):
        yield made
    use_vault(None)


def code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return code_for(device)


def erase(*args: str, password: str = PASSWORD, also: str = ""):
    result = runner.invoke(app, ["erase", *args, "--plan", str(CITY)], input=f"{password}\n{also}")
    assert "Traceback" not in result.output
    return result


def test_one_asks_another_approves_and_the_person_is_erased(vault: Vault) -> None:
    case = add_case(vault)
    asked = erase(str(case.id), "--reason", REASON, "--as", "ana.lima", "--code", code("ana.lima"))
    assert asked.exit_code == 0, asked.output
    request = ErasureRequest.objects.get()
    assert f"Filed erasure request {request.id}" in asked.output
    assert f"steward erase approve {request.id}" in asked.output

    own = erase("approve", str(request.id), "--as", "ana.lima", "--code", code("ana.lima"))
    assert own.exit_code == 2
    assert "someone other than the person who asked must approve" in own.output
    assert Subject.objects.get(pk=case.subject_id).erased is None

    listed = erase("list", "--as", "ben.okafor", "--code", code("ben.okafor"))
    assert listed.exit_code == 0, listed.output
    assert "requested" in listed.output
    assert "ana.lima" in listed.output

    approved = erase("approve", str(request.id), "--as", "ben.okafor", "--code", code("ben.okafor"))
    assert approved.exit_code == 0, approved.output
    assert "is done" in approved.output
    assert Subject.objects.get(pk=case.subject_id).erased is not None
    assert not FieldValue.objects.filter(record=case).exists()
    assert Record.objects.filter(pk=case.pk).exists()


def test_find_asks_for_the_value_and_prints_case_references(vault: Vault) -> None:
    case = add_case(vault)
    found = erase(
        "find", "service_request", "email", "--as", "ana.lima", "--code", code("ana.lima"),
        also="zephyrine.q@example.org\n",
    )  # fmt: skip
    assert found.exit_code == 0, found.output
    assert str(case.id) in found.output
    assert "zephyrine" not in found.output.split("look for")[-1]
    none = erase(
        "find", "service_request", "email", "--as", "ana.lima", "--code", code("ana.lima"),
        also="nobody@example.org\n",
    )  # fmt: skip
    assert (none.exit_code, "No case matches." in none.output) == (1, True)


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("not-a-case", "--reason", REASON, "--as", "ana.lima"), PASSWORD, "no such case"),
        (
            ("5b0c1f3e-0000-4000-8000-000000000000", "--reason", REASON, "--as", "ana.lima"),
            PASSWORD,
            "no such case",
        ),
        (("approve", "999", "--as", "ben.okafor"), PASSWORD, "no such erasure request"),
        (("approve", "1", "--as", "ben.okafor"), "wrong password", "user name or password"),
        (("list", "--as", "nobody"), PASSWORD, "user name or password"),
    ],
)
def test_user_errors_exit_2_with_a_message(
    vault: Vault, args: tuple[str, ...], password: str, message: str
) -> None:
    username = args[args.index("--as") + 1]
    extra = ("--code", code(username)) if User.objects.filter(username=username).exists() else ()
    result = erase(*args, *extra, password=password)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_missing_second_factor_code_is_refused(vault: Vault) -> None:
    case = add_case(vault)
    result = erase(str(case.id), "--reason", REASON, "--as", "ana.lima")
    assert result.exit_code == 2
    assert "second-factor code is missing or wrong" in result.output
    assert not ErasureRequest.objects.exists()


def test_a_reason_naming_the_person_is_refused(vault: Vault) -> None:
    case = add_case(vault)
    result = erase(
        str(case.id), "--reason", "Zephyrine Quockenbush wrote to us", "--as", "ana.lima",
        "--code", code("ana.lima"),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "repeats one of the person's own values" in result.output
