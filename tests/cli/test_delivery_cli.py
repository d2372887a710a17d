"""``steward delivery``: a recipient makes a key pair and opens packages; every error is
a plain message and a non-zero exit. No database is needed."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from steward.cli.delivery import KEY_FILE, PASSPHRASE_VARIABLE, PUBLIC_FILE
from steward.cli.main import app
from steward.crypto import pack_for_key, pack_with_passphrase, public_key_from_text
from steward.crypto.sealed import Argon2Parameters

KEY_PASSPHRASE = "the recipient's own long passphrase"
PACKAGE_PASSPHRASE = "k7qf-2mxa-9dpt-wq3e-hh5n-zr8c-b1vy"
PAYLOAD = b'{"records": [{"name": "Ana Lima"}]}'
FAST = Argon2Parameters(memory_kib=64, iterations=1, lanes=1)
ENV = {PASSPHRASE_VARIABLE: KEY_PASSPHRASE}
runner = CliRunner()


def _run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    result = runner.invoke(app, ["delivery", *args], env=env, input=input)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("recipient") / "keys"
    result = _run("keygen", "--out", str(folder), env=ENV)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def other_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("other") / "keys"
    assert _run("keygen", "--out", str(folder), env=ENV).exit_code == 0
    return folder


def _key_package(folder: Path, keys: Path, context: str = "disclosure/7") -> Path:
    public = public_key_from_text((keys / PUBLIC_FILE).read_text())
    path = folder / "records.json.stwpkg"
    path.write_bytes(pack_for_key(PAYLOAD, public, context=context, filename="records.json"))
    return path


def _passphrase_package(folder: Path) -> Path:
    path = folder / "extract.stwpkg"
    package = pack_with_passphrase(
        PAYLOAD, PACKAGE_PASSPHRASE, context="extract/3", parameters=FAST
    )
    path.write_bytes(package)
    return path


def test_keygen_writes_an_owner_only_key_and_prints_the_public_key(keys: Path) -> None:
    assert stat.S_IMODE((keys / KEY_FILE).stat().st_mode) == 0o600
    public = (keys / PUBLIC_FILE).read_text().strip()
    public_key_from_text(public)
    assert KEY_PASSPHRASE not in (keys / KEY_FILE).read_text()
    again = _run("keygen", "--out", str(keys), env=ENV)
    assert again.exit_code == 2
    assert "exists" in again.output


def test_keygen_asks_for_the_passphrase_twice_and_refuses_a_short_one(tmp_path: Path) -> None:
    short = _run("keygen", "--out", str(tmp_path / "k"), input="short\nshort\n")
    assert short.exit_code == 2
    assert "at least 12 characters" in short.output
    assert not (tmp_path / "k" / KEY_FILE).exists()


def test_open_with_the_key_writes_the_payload_owner_only(keys: Path, tmp_path: Path) -> None:
    package = _key_package(tmp_path, keys)
    out = tmp_path / "records.json"
    result = _run("open", str(package), "--key", str(keys / KEY_FILE), "--out", str(out), env=ENV)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == PAYLOAD
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "disclosure/7" in result.output
    assert "'records.json'" in result.output
    checked = tmp_path / "checked.json"
    args = ("open", str(package), "--key", str(keys / KEY_FILE), "--out", str(checked))
    assert _run(*args, "--context", "disclosure/7", env=ENV).exit_code == 0


def test_open_asks_for_the_key_passphrase(keys: Path, tmp_path: Path) -> None:
    package = _key_package(tmp_path, keys)
    out = tmp_path / "o"
    args = ("open", str(package), "--key", str(keys / KEY_FILE), "--out", str(out))
    assert _run(*args, input=KEY_PASSPHRASE + "\n").exit_code == 0
    assert out.read_bytes() == PAYLOAD


def test_open_with_a_passphrase_file(tmp_path: Path) -> None:
    package = _passphrase_package(tmp_path)
    phrase = tmp_path / "phrase.txt"
    phrase.write_text(PACKAGE_PASSPHRASE + "\n")
    out = tmp_path / "extract.csv"
    result = _run("open", str(package), "--passphrase-file", str(phrase), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == PAYLOAD


def _cases(keys: Path, other: Path, tmp: Path) -> list[tuple[list[str], dict[str, str], int, str]]:
    key_pkg = _key_package(tmp, keys)
    phrase_pkg = _passphrase_package(tmp)
    wrong_phrase = tmp / "wrong.txt"
    wrong_phrase.write_text("not-the-right-passphrase")
    good_phrase = tmp / "good.txt"
    good_phrase.write_text(PACKAGE_PASSPHRASE)
    not_a_package = tmp / "notes.txt"
    not_a_package.write_text("hello")
    altered = tmp / "altered.stwpkg"
    data = bytearray(key_pkg.read_bytes())
    data[-5] ^= 1
    altered.write_bytes(bytes(data))
    not_a_key = tmp / "notakey.json"
    not_a_key.write_text("{}")
    not_a_key.chmod(0o600)
    key = str(keys / KEY_FILE)
    wrong_env = {PASSPHRASE_VARIABLE: "a wrong passphrase!"}
    return [
        ([str(key_pkg)], ENV, 2, "exactly one of --key"),
        ([str(key_pkg), "--key", key, "--passphrase-file", str(good_phrase)], ENV, 2, "exactly"),
        ([str(tmp / "missing.stwpkg"), "--key", key], ENV, 2, "cannot be read"),
        ([str(not_a_package), "--key", key], ENV, 2, "not a Steward delivery package"),
        ([str(key_pkg), "--key", str(other / KEY_FILE)], ENV, 1, "does not open with this key"),
        ([str(key_pkg), "--key", key], wrong_env, 1, "wrong passphrase for this key file"),
        ([str(key_pkg), "--key", str(not_a_key)], ENV, 2, "not a Steward key file"),
        ([str(key_pkg), "--key", str(tmp / "nokey.json")], ENV, 2, "nokey.json"),
        ([str(altered), "--key", key], ENV, 1, "altered"),
        ([str(key_pkg), "--key", key, "--context", "extract/1"], ENV, 1, "not for 'extract/1'"),
        ([str(key_pkg), "--passphrase-file", str(good_phrase)], {}, 1, "private key"),
        ([str(phrase_pkg), "--key", key], ENV, 1, "opened with a passphrase"),
        ([str(phrase_pkg), "--passphrase-file", str(wrong_phrase)], {}, 1, "wrong passphrase"),
        ([str(phrase_pkg), "--passphrase-file", str(tmp / "none.txt")], {}, 2, "cannot be read"),
    ]


def test_bad_input_is_a_plain_message_and_a_non_zero_exit(
    keys: Path, other_keys: Path, tmp_path: Path
) -> None:
    for args, env, code, message in _cases(keys, other_keys, tmp_path):
        out = tmp_path / "out.bin"
        result = _run("open", *args, "--out", str(out), env=env)
        assert (result.exit_code, message in result.output) == (code, True), (args, result.output)
        assert not out.exists()


def test_an_existing_output_file_is_never_replaced(keys: Path, tmp_path: Path) -> None:
    package = _key_package(tmp_path, keys)
    out = tmp_path / "kept.txt"
    out.write_text("mine")
    result = _run("open", str(package), "--key", str(keys / KEY_FILE), "--out", str(out), env=ENV)
    assert result.exit_code == 2
    assert "exists" in result.output
    assert out.read_text() == "mine"
