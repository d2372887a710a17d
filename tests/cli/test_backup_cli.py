"""``steward backup``: encrypt and restore a file; damage and misuse are clear errors."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from steward.cli.main import app

runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def _keys(tmp_path: Path) -> Path:
    keys = tmp_path / "keys"
    assert _run("keys", "init", "--keys-dir", str(keys), "--no-intake-key").exit_code == 0
    return keys


def test_encrypt_and_restore(tmp_path: Path) -> None:
    keys = _keys(tmp_path)
    plain = tmp_path / "db.sqlite3"
    plain.write_bytes(b"resident Ana Lima, 12 Elm Street\n" * 50_000)
    sealed, restored = tmp_path / "db.enc", tmp_path / "restored"
    result = _run("backup", "encrypt", str(plain), "--out", str(sealed), "--keys-dir", str(keys))
    assert result.exit_code == 0, result.output
    assert b"Ana Lima" not in sealed.read_bytes()
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    result = _run("backup", "decrypt", str(sealed), "--out", str(restored), "--keys-dir", str(keys))
    assert result.exit_code == 0, result.output
    assert restored.read_bytes() == plain.read_bytes()


def test_a_damaged_backup_restores_nothing(tmp_path: Path) -> None:
    keys = _keys(tmp_path)
    plain, sealed, restored = tmp_path / "db", tmp_path / "db.enc", tmp_path / "restored"
    plain.write_bytes(b"x" * 3_000_000)
    _run("backup", "encrypt", str(plain), "--out", str(sealed), "--keys-dir", str(keys))
    sealed.write_bytes(sealed.read_bytes()[:-1000])
    result = _run("backup", "decrypt", str(sealed), "--out", str(restored), "--keys-dir", str(keys))
    assert result.exit_code == 2
    assert "cut short" in result.output or "does not authenticate" in result.output
    assert not restored.exists()


def test_misuse(tmp_path: Path) -> None:
    keys = _keys(tmp_path)
    missing = _run(
        "backup",
        "encrypt",
        str(tmp_path / "nope"),
        "--out",
        str(tmp_path / "o"),
        "--keys-dir",
        str(keys),
    )
    assert missing.exit_code == 2
    assert "no such file" in missing.output
    plain = tmp_path / "f"
    plain.write_bytes(b"data")
    same = _run("backup", "encrypt", str(plain), "--out", str(plain), "--keys-dir", str(keys))
    assert same.exit_code == 2
    assert plain.read_bytes() == b"data"
    not_backup = _run(
        "backup", "decrypt", str(plain), "--out", str(tmp_path / "o"), "--keys-dir", str(keys)
    )
    assert not_backup.exit_code == 2
    assert "not a Steward encrypted backup" in not_backup.output
