"""Writing fails cleanly: a clear StewardError, and no half-written file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from steward.errors import StewardError
from steward.policy import LoadedPlan
from steward.policy.documents import write_documents
from steward.policy.documents.writer import write_atomically


def test_output_inside_a_file_is_a_clear_error(city: LoadedPlan, tmp_path: Path) -> None:
    blocker = tmp_path / "plan.txt"
    blocker.write_text("not a folder")
    with pytest.raises(StewardError, match="cannot create the folder"):
        write_documents(city, blocker / "docs")


def test_output_that_is_a_file_is_a_clear_error(city: LoadedPlan, tmp_path: Path) -> None:
    blocker = tmp_path / "docs"
    blocker.write_text("a file")
    with pytest.raises(StewardError, match="not a folder"):
        write_documents(city, blocker)
    assert blocker.read_text() == "a file"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder_is_a_clear_error(city: LoadedPlan, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(StewardError, match="cannot write"):
            write_documents(city, out)
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o755)


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "notice.md"
    target.write_text("old and complete")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StewardError, match="No space left on device"):
        write_atomically(target, "new")
    assert target.read_text() == "old and complete"
    assert [p.name for p in tmp_path.iterdir()] == ["notice.md"]


def test_rewrites_existing_documents(city: LoadedPlan, tmp_path: Path) -> None:
    (tmp_path / "index.md").write_text("stale")
    write_documents(city, tmp_path)
    assert "stale" not in (tmp_path / "index.md").read_text()
