"""``steward audit``: verify, checkpoint and prove from the command line."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner

from steward.audit import (
    AuditEvent,
    AuditLog,
    FileAuditStore,
    ReferenceHasher,
    canonical_json,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from steward.cli.main import app

runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    keys, log = tmp_path / "keys", tmp_path / "audit"
    init = _run("keys", "init", "--keys-dir", str(keys), "--no-intake-key")
    assert init.exit_code == 0, init.output
    audit_log = AuditLog(FileAuditStore(log), ReferenceHasher(b"r" * 32))
    for i in range(12):
        audit_log.append(
            AuditEvent(
                actor=f"staff/{i % 3}",
                action="field.reveal",
                object=f"client/{i}",
                fields=["phone"],
                purpose="returning a call",
            )
        )
    return keys, log


def _checkpoint(keys: Path, log: Path, out: Path) -> None:
    result = _run(
        "audit", "checkpoint", "--log", str(log), "--keys-dir", str(keys), "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("steward-audit\n12\n")
    assert "\u2014 steward-audit " in result.output


def test_verify_an_intact_log_with_a_signed_checkpoint(
    setup: tuple[Path, Path], tmp_path: Path
) -> None:
    keys, log = setup
    note = tmp_path / "checkpoint.txt"
    _checkpoint(keys, log, note)
    result = _run(
        "audit",
        "verify",
        "--log",
        str(log),
        "--checkpoint",
        str(note),
        "--public-key",
        str(keys / "audit-signing.pub"),
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] is True
    assert report["entries"] == 12
    assert report["signatures_checked"] is True


def test_verify_finds_a_cut_tail_only_with_the_retained_checkpoint(
    setup: tuple[Path, Path], tmp_path: Path
) -> None:
    keys, log = setup
    note = tmp_path / "checkpoint.txt"
    _checkpoint(keys, log, note)
    (log / "checkpoints.jsonl").unlink()  # the attacker removes the server's copies too
    entries = log / "entries.jsonl"
    entries.write_bytes(b"".join(entries.read_bytes().splitlines(keepends=True)[:9]))
    assert _run("audit", "verify", "--log", str(log)).exit_code == 0
    result = _run("audit", "verify", "--log", str(log), "--checkpoint", str(note), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert (report["problem"], report["first_bad_index"]) == ("truncated", 9)


def test_verify_reports_the_first_changed_entry(setup: tuple[Path, Path]) -> None:
    _, log = setup
    entries = log / "entries.jsonl"
    lines = entries.read_bytes().splitlines(keepends=True)
    lines[4] = lines[4].replace(b"returning a call", b"returning a cell")
    entries.write_bytes(b"".join(lines))
    for strict in ([], ["--strict"]):
        result = _run("audit", "verify", "--log", str(log), *strict)
        assert result.exit_code == 1
        assert "damaged at entry 4" in result.output


def test_verify_strict_parses_every_entry(setup: tuple[Path, Path]) -> None:
    _, log = setup
    entries = log / "entries.jsonl"
    lines = entries.read_bytes().splitlines()
    # An entry *written* malformed (as only a faulty writer could), with every later
    # link recomputed: the chain is intact, only a full parse of entry 5 sees it.
    value = json.loads(lines[5])
    value["action"] = "Not A Token"
    lines[5] = canonical_json(value)
    for position in range(6, len(lines)):
        value = json.loads(lines[position])
        value["prev"] = leaf_hash(lines[position - 1]).hex()
        lines[position] = canonical_json(value)
    entries.write_bytes(b"".join(line + b"\n" for line in lines))
    assert _run("audit", "verify", "--log", str(log)).exit_code == 0
    result = _run("audit", "verify", "--log", str(log), "--strict", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert (report["problem"], report["first_bad_index"], report["strict"]) == (
        "malformed",
        5,
        True,
    )
    text = _run("audit", "verify", "--log", str(log), "--strict")
    assert text.exit_code == 1
    assert "damaged at entry 5" in text.output


def test_a_checkpoint_signed_by_another_key_is_refused(
    setup: tuple[Path, Path], tmp_path: Path
) -> None:
    keys, log = setup
    note = tmp_path / "checkpoint.txt"
    _checkpoint(keys, log, note)
    other = tmp_path / "other-keys"
    _run("keys", "init", "--keys-dir", str(other), "--no-intake-key")
    result = _run(
        "audit",
        "verify",
        "--log",
        str(log),
        "--checkpoint",
        str(note),
        "--public-key",
        str(other / "audit-signing.pub"),
    )
    assert result.exit_code == 1
    assert "bad-checkpoint" in result.output


def test_prove_inclusion_and_consistency(setup: tuple[Path, Path]) -> None:
    keys, log = setup
    where = ["--log", str(log), "--keys-dir", str(keys)]
    inclusion = json.loads(_run("audit", "prove", *where, "--index", "5").output)
    verify_inclusion(
        inclusion["index"],
        inclusion["tree_size"],
        bytes.fromhex(inclusion["leaf_hash"]),
        [bytes.fromhex(h) for h in inclusion["path"]],
        bytes.fromhex(inclusion["root"]),
    )
    consistency = json.loads(_run("audit", "prove", *where, "--old-size", "7").output)
    verify_consistency(
        consistency["old_size"],
        consistency["new_size"],
        bytes.fromhex(consistency["old_root"]),
        bytes.fromhex(consistency["new_root"]),
        [bytes.fromhex(h) for h in consistency["path"]],
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--index", "99"], "cannot prove entry 99: the log holds 12 entries"),
        (["--old-size", "13"], "the log holds 12 entries"),
        (["--index", "3", "--size", "11"], "no stored checkpoint covers exactly 11 entries"),
        ([], "exactly one of --index or --old-size"),
        (["--index", "1", "--old-size", "2"], "exactly one"),
    ],
)
def test_prove_misuse_is_a_clear_error(
    setup: tuple[Path, Path], args: list[str], message: str
) -> None:
    _, log = setup
    result = _run("audit", "prove", "--log", str(log), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_missing_log_and_missing_keys(tmp_path: Path) -> None:
    result = _run("audit", "verify", "--log", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "no audit log here" in result.output
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "entries.jsonl").write_text("")
    result = _run(
        "audit", "checkpoint", "--log", str(tmp_path / "log"), "--keys-dir", str(tmp_path / "k")
    )
    assert result.exit_code == 2


# Which log: a file log (--log) or the vault's own (the options of serve)
# -----------------------------------------------------------------------


NO_URL: dict[str, str | None] = {"STEWARD_DATABASE_URL": None}  # the suite sets one


def _run_env(env: Mapping[str, str | None], *args: str):
    result = runner.invoke(app, list(args), env={**NO_URL, **env})
    assert "Traceback" not in result.output
    return result


def test_naming_both_kinds_of_log_is_refused(setup: tuple[Path, Path], tmp_path: Path) -> None:
    _, log = setup
    result = _run("audit", "verify", "--log", str(log), "--data-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "either --log" in result.output
    result = _run_env(
        {"STEWARD_AUDIT_DIR": str(log), "STEWARD_DATA_DIR": str(tmp_path)}, "audit", "verify"
    )
    assert result.exit_code == 2
    assert "both STEWARD_AUDIT_DIR and the vault's" in result.output


def test_the_command_line_wins_over_the_environment(
    setup: tuple[Path, Path], tmp_path: Path
) -> None:
    _, log = setup
    env = {"STEWARD_DATA_DIR": str(tmp_path / "vault-data")}
    assert _run_env(env, "audit", "verify", "--log", str(log)).exit_code == 0
    result = _run_env({"STEWARD_AUDIT_DIR": str(log)}, "audit", "verify", "--data-dir",
                      str(tmp_path / "nothing"))  # fmt: skip
    assert result.exit_code == 2
    assert f"{tmp_path / 'nothing' / 'steward.sqlite3'}: no vault database here" in result.output


def test_a_folder_without_a_vault_is_refused_and_left_untouched(tmp_path: Path) -> None:
    for command in ("verify", "checkpoint", "checkpoints", "prove --index 0"):
        result = _run_env({}, "audit", *command.split(), "--data-dir", str(tmp_path / "data"))
        assert result.exit_code == 2, command
        assert "steward.sqlite3: no vault database here" in result.output
    assert list(tmp_path.iterdir()) == []


def test_if_due_is_only_for_the_vault(setup: tuple[Path, Path]) -> None:
    keys, log = setup
    result = _run("audit", "checkpoint", "--if-due", "--log", str(log), "--keys-dir", str(keys))
    assert result.exit_code == 2
    assert "a file log has none" in result.output


def test_a_file_log_checkpoint_export_and_offline_proof(
    setup: tuple[Path, Path], tmp_path: Path
) -> None:
    keys, log = setup
    where = ["--log", str(log), "--keys-dir", str(keys)]
    proof = tmp_path / "proof.json"
    assert _run("audit", "prove", *where, "--index", "4", "--out", str(proof)).exit_code == 0
    exported = tmp_path / "copies"
    listed = _run("audit", "checkpoints", *where, "--out", str(exported))
    assert listed.exit_code == 0, listed.output
    assert "1 checkpoints stored" in listed.output
    assert [p.name for p in exported.iterdir()] == ["checkpoint-000000000012.note"]
    public = str(keys / "audit-signing.pub")
    checked = _run("audit", "check-proof", str(proof), "--public-key", public, "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)["valid"] is True
    kept = _run("audit", "check-proof", str(proof), "--public-key", public,
                "--checkpoint", str(exported))  # fmt: skip
    assert kept.exit_code == 0
    assert "checkpoint-000000000012.note" in kept.output
    missing = _run("audit", "check-proof", str(tmp_path / "none.json"), "--public-key", public)
    assert missing.exit_code == 2
    assert "cannot be read" in missing.output
