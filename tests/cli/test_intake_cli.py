"""``steward intake unseal``: staff holding the private key open sealed submissions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from steward.cli.main import app
from steward.vault.models import Record, SealedSubmission
from steward.vault.rules.intake import Submission, consent_purposes
from steward.vault.runtime import Vault, build_vault, use_vault
from steward.vault.services.collect import submit
from tests.vault.conftest import HELP_DESK

PASSPHRASE = "the help desk's intake passphrase"
runner = CliRunner()


@pytest.fixture
def desk(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Vault, Path]]:
    keys = tmp_path / "keys"
    env = {"STEWARD_INTAKE_PASSPHRASE": PASSPHRASE}
    assert runner.invoke(app, ["keys", "init", "--keys-dir", str(keys)], env=env).exit_code == 0
    vault = build_vault(HELP_DESK, keys)
    use_vault(vault)
    monkeypatch.setattr("steward.cli.django_setup.setup_django", lambda *args: None)
    yield vault, keys
    use_vault(None)


def _sealed(vault: Vault) -> str:
    dataset = next(d for d in vault.plan.datasets if d.sealed)
    answers = {}
    for spec in dataset.collected_fields:
        if spec.required:
            answers[spec.name] = str(spec.choices[0]) if spec.choices else "a sample answer"
    agreed = frozenset(consent_purposes(vault.plan, dataset))
    return submit(vault, Submission(dataset.id, answers, agreed)).reference


def _unseal(keys: Path, passphrase: str = PASSPHRASE):
    args = ["intake", "unseal", "--plan", str(HELP_DESK), "--keys-dir", str(keys)]
    result = runner.invoke(app, args, env={"STEWARD_INTAKE_PASSPHRASE": passphrase})
    assert "Traceback" not in result.output
    return result


def test_unseal_opens_every_waiting_submission(desk: tuple[Vault, Path]) -> None:
    vault, keys = desk
    first, second = _sealed(vault), _sealed(vault)
    result = _unseal(keys)
    assert result.exit_code == 0, result.output
    assert "opened 2, failed 0" in result.output
    assert Record.objects.count() == 2
    assert not SealedSubmission.objects.filter(opened__isnull=True).exists()
    assert {e.action for e in vault.audit.entries()} >= {"sealed.receive", "record.create"}
    assert first != second


def test_a_damaged_submission_is_reported_by_id_and_the_rest_opened(
    desk: tuple[Vault, Path],
) -> None:
    vault, keys = desk
    damaged, good = _sealed(vault), _sealed(vault)
    SealedSubmission.objects.filter(pk=damaged).update(sealed=b"\x00" * 64)
    result = _unseal(keys)
    assert result.exit_code == 1
    assert f"submission {damaged}" in result.output
    assert "opened 1, failed 1" in result.output
    assert SealedSubmission.objects.get(pk=good).opened is not None


def test_a_wrong_passphrase_opens_nothing(desk: tuple[Vault, Path]) -> None:
    vault, keys = desk
    _sealed(vault)
    result = _unseal(keys, "not the right passphrase")
    assert result.exit_code == 2
    assert "wrong passphrase" in result.output
    assert Record.objects.count() == 0


def test_unseal_also_opens_vulnerability_reports(desk: tuple[Vault, Path]) -> None:
    from steward.vault.models_response import VulnerabilityReport
    from steward.vault.services.vulnerabilities import receive_report

    vault, keys = desk
    made = receive_report(vault, title="", text="The export link never expires, for anyone.")
    damaged = receive_report(vault, title="", text="Another report whose box gets damaged.")
    VulnerabilityReport.objects.filter(pk=damaged).update(sealed=b"\x00" * 64)
    result = _unseal(keys)
    assert result.exit_code == 1
    assert "vulnerability reports: opened 1, failed 1" in result.output
    assert f"vulnerability report {damaged}" in result.output
    opened = VulnerabilityReport.objects.get(pk=made)
    assert (opened.sealed, bool(opened.text)) == (None, True)
