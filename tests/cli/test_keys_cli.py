"""``steward keys``: the whole key lifecycle from the command line, and its errors."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from steward.cli.keys import INTAKE_KEY_FILE, KEK_FILE, open_keyring
from steward.cli.main import app
from steward.crypto import FileKeyProvider
from steward.crypto.sealed import read_public_key
from steward.crypto.sealed_batch import SealedSubmission, seal_submission

PASSPHRASE = "a long enough passphrase"
runner = CliRunner()


def _run(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    result = runner.invoke(app, list(args), env=env, input=input)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    result = _run(
        "keys", "init", "--keys-dir", str(folder), env={"STEWARD_INTAKE_PASSPHRASE": PASSPHRASE}
    )
    assert result.exit_code == 0, result.output
    return folder


def test_init_creates_owner_only_files_and_prints_no_secret(keys_dir: Path) -> None:
    for name in (KEK_FILE, INTAKE_KEY_FILE, "subject-keys.sqlite3"):
        assert stat.S_IMODE((keys_dir / name).stat().st_mode) == 0o600
    secret = json.loads((keys_dir / KEK_FILE).read_text())["versions"]["1"]["key"]
    status = _run("keys", "status", "--keys-dir", str(keys_dir))
    assert status.exit_code == 0
    assert secret not in status.output
    assert "current" in status.output


def test_init_asks_for_the_passphrase_twice(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    result = _run("keys", "init", "--keys-dir", str(folder), input=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Passphrase") >= 1
    assert "Repeat" in result.output


def test_init_refuses_to_overwrite(keys_dir: Path) -> None:
    before = (keys_dir / KEK_FILE).read_bytes()
    result = _run("keys", "init", "--keys-dir", str(keys_dir), "--no-intake-key")
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert (keys_dir / KEK_FILE).read_bytes() == before


def test_rotate_rewrap_retire(keys_dir: Path) -> None:
    keyring = open_keyring(keys_dir)
    ciphertext = keyring.encrypt("s", b"value", dataset="d", record="r", field="f")
    assert _run("keys", "rotate", "--keys-dir", str(keys_dir)).exit_code == 0
    refused = _run("keys", "retire", "--below", "2", "--keys-dir", str(keys_dir))
    assert refused.exit_code == 2
    assert "rewrap" in refused.output
    rewrap = _run("keys", "rewrap", "--keys-dir", str(keys_dir))
    assert "re-wrapped 1" in rewrap.output
    assert _run("keys", "retire", "--below", "2", "--keys-dir", str(keys_dir)).exit_code == 0
    fresh = open_keyring(keys_dir)
    assert fresh.decrypt(ciphertext, dataset="d", record="r", field="f") == b"value"


def test_status_without_keys_is_a_clear_error(tmp_path: Path) -> None:
    result = _run("keys", "status", "--keys-dir", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "steward keys init" in result.output


def test_unseal_reports_each_failure_by_id_and_keeps_going(keys_dir: Path, tmp_path: Path) -> None:
    public = read_public_key(keys_dir / INTAKE_KEY_FILE)
    good = [seal_submission(f"s{i}", "intake", {"name": f"P{i}"}, public) for i in range(3)]
    tampered = SealedSubmission(
        "s-bad", "intake", good[0].sealed[:-1] + bytes([good[0].sealed[-1] ^ 1])
    )
    moved = SealedSubmission("s-moved", "intake", good[1].sealed)  # sealed for another id
    lines = [good[0].to_line(), tampered.to_line(), "not json", moved.to_line()]
    lines += [g.to_line() for g in good[1:]]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    out = tmp_path / "opened.jsonl"
    env = {"STEWARD_INTAKE_PASSPHRASE": PASSPHRASE}
    result = _run(
        "keys", "unseal", str(batch), "--out", str(out), "--keys-dir", str(keys_dir), env=env
    )
    assert result.exit_code == 1
    assert "submission s-bad" in result.output
    assert "submission s-moved" in result.output
    assert "submission line 3" in result.output
    assert "opened 3, failed 3" in result.output
    opened = [json.loads(line) for line in out.read_text().splitlines()]
    assert [o["data"]["name"] for o in opened] == ["P0", "P1", "P2"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "P0" not in result.output


def test_unseal_with_a_wrong_passphrase(keys_dir: Path, tmp_path: Path) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text("")
    env = {"STEWARD_INTAKE_PASSPHRASE": "wrong passphrase here"}
    result = _run(
        "keys",
        "unseal",
        str(batch),
        "--out",
        str(tmp_path / "o"),
        "--keys-dir",
        str(keys_dir),
        env=env,
    )
    assert result.exit_code == 2
    assert "wrong passphrase" in result.output


def test_status_shows_data_keys_under_a_version_the_key_file_lost_and_exits_1(
    keys_dir: Path,
) -> None:
    keyring = open_keyring(keys_dir)
    for subject in ("a", "b"):
        keyring.encrypt(subject, b"value", dataset="d", record="r", field="f")
    assert _run("keys", "rotate", "--keys-dir", str(keys_dir)).exit_code == 0
    FileKeyProvider(keys_dir / KEK_FILE).retire_below(2)  # the key file alone
    result = _run("keys", "status", "--keys-dir", str(keys_dir))
    assert result.exit_code == 1
    assert "retired, erased" in result.stdout
    assert "2 data keys are wrapped under KEK version 1" in result.stderr
    assert "Restore version 1" in result.stderr
    assert "data keys: 2 live, 0 shredded" in result.stdout


def test_status_after_a_clean_rotation_exits_0_and_counts_shredded_keys(keys_dir: Path) -> None:
    keyring = open_keyring(keys_dir)
    keyring.encrypt("a", b"value", dataset="d", record="r", field="f")
    keyring.encrypt("b", b"value", dataset="d", record="r", field="f")
    keyring.shred("b")
    for step in (["rotate"], ["rewrap"], ["retire", "--below", "2"]):
        assert _run("keys", *step, "--keys-dir", str(keys_dir)).exit_code == 0
    result = _run("keys", "status", "--keys-dir", str(keys_dir))
    assert result.exit_code == 0, result.output
    assert "data keys: 1 live, 1 shredded" in result.stdout
    assert "minimum KEK version: 2 (key file)" in result.stdout
    assert "problem" not in result.output


def test_retire_above_the_current_version_is_refused(keys_dir: Path) -> None:
    result = _run("keys", "retire", "--below", "5", "--keys-dir", str(keys_dir))
    assert result.exit_code == 2
    assert "current is 1" in result.output
