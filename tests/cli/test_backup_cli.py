"""``steward backup``: create, list, restore, verify and prune, and every way they refuse.

Each command runs as a real process on a demo vault. Damaged backups, a wrong key and
a non-empty target fail with a clear message and exit 2, never a traceback, and leave
nothing behind.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.live_vault import CITY, make_keys, steward


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo vault with 20 residents, and one backup of it in ``backups``."""
    root = tmp_path_factory.mktemp("backup-cli")
    made = steward("demo", "--no-serve", "--residents", "20", "--dir", str(root / "demo"), cwd=root)
    assert made.returncode == 0, made.stderr
    created = steward("backup", "create", *_options(root), cwd=root)
    assert created.returncode == 0, created.stderr
    return root


def _options(root: Path, backups: Path | None = None) -> list[str]:
    return [
        "--plan", str(CITY), "--keys-dir", str(root / "demo" / "keys"),
        "--data-dir", str(root / "demo" / "data"), "--backup-dir", str(backups or root / "backups"),
    ]  # fmt: skip


def _backup(root: Path) -> Path:
    (path,) = (root / "backups").glob("*.stwbk")
    return path


def _failed(result, message: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_backup_is_owner_only_and_names_what_it_holds_but_no_key(vault: Path) -> None:
    folder = vault / "backups"
    path = _backup(vault)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    manifest_file = path.with_name(path.name.replace(".stwbk", ".manifest.json"))
    for file in (path, manifest_file):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    manifest = json.loads(manifest_file.read_text())
    assert manifest["tables"]["vault_record"] == 20
    assert manifest["audit"]["size"] >= 20
    assert len(manifest["audit"]["root"]) == 64
    assert manifest["keys"] == {"backup": 1, "data_keys": {"1": 20}}
    assert manifest["plan_version"] == "2026.2"
    kek = json.loads((vault / "demo" / "keys" / "kek.json").read_text())
    secrets = [v for v in _strings(kek) if len(v) >= 40]
    assert secrets
    blob = path.read_bytes() + manifest_file.read_bytes()
    assert not [s for s in secrets if s.encode() in blob]
    assert b"Testperson" not in blob
    assert b"vault_record" not in path.read_bytes()


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_list_shows_the_backups(vault: Path) -> None:
    result = steward("backup", "list", "--backup-dir", str(vault / "backups"), "--json", cwd=vault)
    assert result.returncode == 0, result.stderr
    (listed,) = json.loads(result.stdout)
    assert listed["manifest"]["tables"]["vault_record"] == 20
    plain = steward("backup", "list", "--backup-dir", str(vault / "backups"), cwd=vault)
    assert _backup(vault).name.removesuffix(".stwbk")[:20] in plain.stdout


def test_restore_into_an_empty_folder_then_verify(vault: Path, tmp_path: Path) -> None:
    target = tmp_path / "restored"
    result = steward(
        "backup", "restore", str(_backup(vault)), "--keys-dir", str(vault / "demo" / "keys"),
        "--data-dir", str(target), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with closing(sqlite3.connect(target / "steward.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM vault_record").fetchone() == (20,)
    assert stat.S_IMODE((target / "steward.sqlite3").stat().st_mode) == 0o600
    assert [p.name for p in target.iterdir()] == ["steward.sqlite3"]
    checked = steward("backup", "verify", *_options(vault), cwd=vault)
    assert checked.returncode == 0, checked.stderr
    assert "20 of 20 sampled records decrypted" in checked.stdout
    status = steward("jobs", "status", *_options(vault)[:6], cwd=vault)
    assert "restore-drill (Restore drill): ok" in status.stdout


@pytest.mark.parametrize("command", ["restore", "verify"])
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        # one chunk here (the file is under 1 MiB): cut inside it, it fails to authenticate
        (lambda data: data[: len(data) - 5000], "does not authenticate"),
        (lambda data: data[:3000] + bytes([data[3000] ^ 1]) + data[3001:], "does not authenticate"),
        (lambda data: b"not a backup at all" * 10, "not a Steward encrypted backup"),
    ],
    ids=["truncated", "tampered", "not-a-backup"],
)
def test_a_damaged_backup_restores_nothing(
    vault: Path, tmp_path: Path, command: str, damage, message: str
) -> None:
    broken = tmp_path / "broken.stwbk"
    broken.write_bytes(damage(_backup(vault).read_bytes()))
    target = tmp_path / "restored"
    if command == "restore":
        result = steward(
            "backup", "restore", str(broken), "--keys-dir", str(vault / "demo" / "keys"),
            "--data-dir", str(target), cwd=tmp_path,
        )  # fmt: skip
    else:
        result = steward("backup", "verify", str(broken), *_options(vault), cwd=vault)
    _failed(result, message)
    assert not target.exists() or not any(target.iterdir())


def test_a_wrong_key_restores_nothing(vault: Path, tmp_path: Path) -> None:
    other = make_keys(tmp_path / "other-keys", tmp_path)
    result = steward(
        "backup", "restore", str(_backup(vault)), "--keys-dir", str(other),
        "--data-dir", str(tmp_path / "restored"), cwd=tmp_path,
    )  # fmt: skip
    _failed(result, "does not authenticate under this KEK")
    assert not any((tmp_path / "restored").iterdir())


@pytest.mark.parametrize("occupied", ["a file", "a database"])
def test_restore_refuses_a_target_that_is_not_empty(
    vault: Path, tmp_path: Path, occupied: str
) -> None:
    target = tmp_path / "data"
    target.mkdir()
    if occupied == "a file":
        (target / "notes.txt").write_text("keep me")
        args = ["--data-dir", str(target)]
        message = "is not empty"
    else:
        shutil.copy(vault / "demo" / "data" / "steward.sqlite3", target / "steward.sqlite3")
        args = ["--database-url", f"sqlite:///{target / 'steward.sqlite3'}"]
        message = "is not empty; restore only into an empty database"
    before = sorted((p.name, p.stat().st_size) for p in target.iterdir())
    result = steward(
        "backup", "restore", str(_backup(vault)), "--keys-dir", str(vault / "demo" / "keys"),
        *args, cwd=tmp_path,
    )  # fmt: skip
    _failed(result, message)
    assert sorted((p.name, p.stat().st_size) for p in target.iterdir()) == before


def test_misuse_is_refused_clearly(vault: Path, tmp_path: Path) -> None:
    keys = ["--keys-dir", str(vault / "demo" / "keys")]
    _failed(
        steward("backup", "restore", str(_backup(vault)), *keys, cwd=tmp_path),
        "give exactly one target",
    )
    _failed(
        steward(
            "backup",
            "restore",
            str(tmp_path / "nope.stwbk"),
            *keys,
            "--data-dir",
            str(tmp_path / "x"),
            cwd=tmp_path,
        ),
        "no such backup file",
    )
    open_folder = tmp_path / "open"
    open_folder.mkdir(mode=0o755)
    open_folder.chmod(0o755)
    _failed(
        steward("backup", "create", *_options(vault, open_folder), cwd=vault),
        "open to other users",
    )
    _failed(
        steward("backup", "list", "--backup-dir", str(tmp_path / "none"), cwd=tmp_path),
        "no backup folder",
    )


def test_the_old_file_copy_commands_are_gone(tmp_path: Path) -> None:
    for old in ("encrypt", "decrypt"):
        result = steward("backup", old, "x", "--out", "y", cwd=tmp_path)
        assert result.returncode == 2
        assert "No such command" in result.stderr


def test_retiring_a_kek_that_backups_need_is_refused(tmp_path: Path) -> None:
    made = steward(
        "demo", "--no-serve", "--residents", "3", "--dir", str(tmp_path / "demo"), cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    options = _options(tmp_path)
    keys = ["--keys-dir", str(tmp_path / "demo" / "keys")]
    assert steward("backup", "create", *options, cwd=tmp_path).returncode == 0
    assert steward("keys", "rotate", *keys, cwd=tmp_path).returncode == 0
    assert steward("keys", "rewrap", *keys, cwd=tmp_path).returncode == 0
    retire = ["keys", "retire", "--below", "2", *keys, "--backup-dir", str(tmp_path / "backups")]
    refused = steward(*retire, cwd=tmp_path)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    text = " ".join(refused.stderr.split())
    assert "1 backups in" in text
    assert "(KEK version 1)" in text
    assert "Traceback" not in refused.stderr
    assert '"1"' in (tmp_path / "demo" / "keys" / "kek.json").read_text()  # nothing retired
    # the backup still restores and checks out, then may be given up on purpose
    assert steward("backup", "verify", *options, cwd=tmp_path).returncode == 0
    given_up = steward(*retire, "--abandon-backups", cwd=tmp_path)
    assert given_up.returncode == 0, given_up.stderr
    assert "1 backups encrypted under them can no longer be restored" in given_up.stdout
    unreadable = steward("backup", "verify", *options, cwd=tmp_path)
    assert unreadable.returncode != 0
    assert "Traceback" not in unreadable.stderr
