"""``steward disclosures``: one officer opens a court-order disclosure, another approves
it with their own password and code; user errors exit 2 with a plain message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from steward.cli.main import app
from steward.clock import ManualClock
from steward.vault.models_egress import DisclosureRequest
from steward.vault.runtime import Vault, use_vault
from tests.vault.conftest import CITY, make_vault
from tests.vault.disclosure_support import OBJECTION_TIME, clock
from tests.vault.test_staff_support import PASSWORD, add_case, code_for, make_staff

runner = CliRunner()
__all__ = ["clock"]


@pytest.fixture
def vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    """The city vault and two privacy officers with a second factor each."""
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


def run(*args: str, who: str, password: str = PASSWORD):
    result = runner.invoke(
        app,
        ["disclosures", *args, "--as", who, "--code", code(who), "--plan", str(CITY)],
        input=f"{password}\n",
    )
    assert "Traceback" not in result.output
    return result


def test_one_opens_another_approves(vault: Vault, tmp_path: Path, clock: ManualClock) -> None:
    case = add_case(vault)
    order = tmp_path / "order.pdf"
    order.write_bytes(b"%PDF order")
    opened = run(
        "open", "service_request", "--ground", "court_order",
        "--party", "Riverton Superior Court", "--legal-reference", "CV-9",
        "--document", str(order), "--record", str(case.id), "--field", "full_name",
        who="ana.lima",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    made = DisclosureRequest.objects.get()
    assert f"disclosure {made.id}" in opened.output
    assert made.document_name == "order.pdf"

    own = run("decide", str(made.id), "approve", "--reason", "ok", who="ana.lima")
    assert own.exit_code == 2
    assert "nobody approves their own request" in own.output
    listed = run("list", who="ben.okafor")
    assert str(made.id) in listed.output
    assert "requested" in listed.output
    done = run(
        "decide", str(made.id), "approve", "--reason", "the order is valid", who="ben.okafor"
    )
    assert done.exit_code == 0, done.output
    assert "is approved" in done.output
    made.refresh_from_db()
    assert made.state == "approved"
    early = run("deliver", str(made.id), who="ben.okafor")
    assert early.exit_code == 2
    assert "time the plan gives them to object" in early.output
    clock.advance(OBJECTION_TIME)
    own_delivery = run("deliver", str(made.id), who="ana.lima")
    assert own_delivery.exit_code == 2
    sent = run("deliver", str(made.id), who="ben.okafor")
    assert sent.exit_code == 0, sent.output
    assert "/deliveries/" in sent.output
    assert "Passphrase, shown once" in sent.output
    made.refresh_from_db()
    assert made.state == "delivered"
    bad = run("deliver", str(made.id), "--confirm", "no-reason", who="ben.okafor")
    assert bad.exit_code == 2
    assert "CASE_REFERENCE=REASON" in bad.output


def test_user_errors_exit_2_with_a_plain_message(vault: Vault, tmp_path: Path) -> None:
    case = add_case(vault)
    missing = run(
        "open", "service_request", "--ground", "court_order", "--party", "Court",
        "--legal-reference", "CV-9", "--document", str(tmp_path / "nope.pdf"),
        "--record", str(case.id), "--field", "full_name", who="ana.lima",
    )  # fmt: skip
    assert missing.exit_code == 2
    assert "cannot read the document" in missing.output
    refused = run(
        "open", "service_request", "--ground", "subpoena", "--party", "Court",
        "--legal-reference", "CV-9", "--record", str(case.id), "--field", "full_name",
        who="ana.lima",
    )  # fmt: skip
    assert refused.exit_code == 2
    assert "does not allow 'subpoena'" in refused.output
    wrong = run("decide", "not-an-id", "approve", "--reason", "x", who="ben.okafor")
    assert wrong.exit_code == 2
    assert "no such disclosure request" in wrong.output
    bad = run("list", who="ben.okafor", password="wrong")
    assert bad.exit_code == 2
