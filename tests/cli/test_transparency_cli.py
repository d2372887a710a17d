"""``steward transparency report``, as a real process on a demo vault: both files written,
regenerated on every run, and bad dates refused with a message and no traceback."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.cli.live_vault import CITY, steward


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("transparency-cli")
    made = steward("demo", "--no-serve", "--residents", "2", "--dir", str(root / "demo"), cwd=root)
    assert made.returncode == 0, made.stderr
    return root


def _options(root: Path) -> list[str]:
    return [
        "--plan", str(CITY), "--keys-dir", str(root / "demo" / "keys"),
        "--data-dir", str(root / "demo" / "data"),
    ]  # fmt: skip


def test_the_report_is_written_as_html_and_json(demo: Path) -> None:
    out = demo / "report"
    for _ in range(2):  # regenerated, never edited: a second run rewrites both
        done = steward("transparency", "report", "--from", "2026-01-01", "--to", "2026-03-31",
                       "--out", str(out), *_options(demo), cwd=demo)  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert "0 requests" in done.stdout
    data = json.loads((out / "report.json").read_text())
    assert data["period"] == {"slug": "2026-01-01--2026-03-31", "start": "2026-01-01",
                              "end": "2026-03-31"}  # fmt: skip
    html = (out / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "Transparency report" in html
    assert "<link" not in html
    digest = hashlib.sha256(CITY.read_bytes()).hexdigest()
    assert data["plan_sha256"] == digest
    for stated in ("Plan version", f"Plan SHA-256: <span>{digest}</span>", "Steward version"):
        assert stated in html


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-13-01", "2026-03-31", "--from must be a date"),
        ("2026-01-01", "tomorrow", "--to must be a date"),
        ("2026-03-31", "2026-01-01", "ends (2026-01-01) before it starts"),
    ],
)
def test_bad_dates_are_refused_plainly(demo: Path, start: str, end: str, message: str) -> None:
    out = demo / "bad"
    done = steward("transparency", "report", "--from", start, "--to", end, "--out", str(out),
                   *_options(demo), cwd=demo)  # fmt: skip
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not out.exists()
