"""The append-only file store: permissions, files, failing closed (the contract every
store keeps is in ``test_audit_store_contract.py``)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from steward.audit.errors import AuditConflictError, AuditReadError, AuditWriteError
from steward.audit.store import FileAuditStore


def test_files_are_owner_only(tmp_path: Path) -> None:
    old_umask = os.umask(0)
    try:
        store = FileAuditStore(tmp_path / "audit")
        store.append(0, b"{}")
        store.save_checkpoint("note\n")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "audit").stat().st_mode) == 0o700
    assert stat.S_IMODE(store.entries_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.checkpoints_path.stat().st_mode) == 0o600


def test_the_file_is_json_lines_and_only_grows(tmp_path: Path) -> None:
    store = FileAuditStore(tmp_path)
    store.append(0, b'{"a":1}')
    store.append(1, b'{"a":2}')
    assert store.entries_path.read_bytes() == b'{"a":1}\n{"a":2}\n'


def test_a_second_store_object_sees_appends_from_the_first(tmp_path: Path) -> None:
    first, second = FileAuditStore(tmp_path), FileAuditStore(tmp_path)
    first.append(0, b"{}")
    assert second.size() == 1
    second.append(1, b"[]")
    with pytest.raises(AuditConflictError):
        first.append(1, b"{}")
    assert list(first.read()) == [b"{}", b"[]"]


def test_multi_line_records_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AuditWriteError):
        FileAuditStore(tmp_path).append(0, b"{\n}")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_append_to_a_read_only_file_fails_closed(tmp_path: Path) -> None:
    store = FileAuditStore(tmp_path)
    store.append(0, b"{}")
    store.entries_path.chmod(0o400)
    with pytest.raises(AuditWriteError):
        store.append(1, b"{}")


def test_append_through_a_symlink_fails_closed(tmp_path: Path) -> None:
    store = FileAuditStore(tmp_path / "audit")
    (tmp_path / "elsewhere").write_bytes(b"")
    store.entries_path.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(AuditWriteError):
        store.append(0, b"{}")


def test_append_when_the_path_is_not_a_file_fails_closed(tmp_path: Path) -> None:
    store = FileAuditStore(tmp_path / "audit")
    store.entries_path.mkdir()
    with pytest.raises(AuditWriteError):
        store.append(0, b"{}")


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_disk_error_during_append_fails_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    store = FileAuditStore(tmp_path)

    def no_space(*args: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, failing, no_space)
    with pytest.raises(AuditWriteError, match="No space"):
        store.append(0, b"{}")
    with pytest.raises(AuditWriteError):
        store.save_checkpoint("note\n")


def test_an_incomplete_last_record_blocks_appends(tmp_path: Path) -> None:
    store = FileAuditStore(tmp_path)
    store.append(0, b"{}")
    with open(store.entries_path, "ab") as handle:
        handle.write(b'{"torn":')
    assert store.size() == 2
    assert list(store.read(1)) == [b'{"torn":']
    with pytest.raises(AuditWriteError, match="incomplete"):
        store.append(2, b"{}")


def test_a_shrunken_file_is_reindexed(tmp_path: Path) -> None:
    store = FileAuditStore(tmp_path)
    for number in range(3):
        store.append(number, b"{}")
    store.entries_path.write_bytes(b"{}\n")
    assert store.size() == 1


def test_a_corrupt_checkpoints_file_is_a_read_error(tmp_path: Path) -> None:
    store = FileAuditStore(tmp_path)
    store.checkpoints_path.write_text("garbage\n")
    with pytest.raises(AuditReadError):
        store.checkpoints()


def test_an_unwritable_directory_is_a_write_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(AuditWriteError):
        FileAuditStore(blocker / "audit")
