"""``steward retention sweep [--dry-run]`` and ``steward retention status``, as real
processes on a demo vault: counts only, the run recorded, a sweep that never ran shown."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.live_vault import CITY, steward


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("retention-cli")
    made = steward("demo", "--no-serve", "--residents", "6", "--dir", str(root / "demo"), cwd=root)
    assert made.returncode == 0, made.stderr
    return root


def _options(root: Path) -> list[str]:
    return [
        "--plan", str(CITY), "--keys-dir", str(root / "demo" / "keys"),
        "--data-dir", str(root / "demo" / "data"),
    ]  # fmt: skip


def _names(root: Path) -> list[str]:
    with closing(sqlite3.connect(root / "demo" / "data" / "steward.sqlite3")) as db:
        return [row[0] for row in db.execute("SELECT job FROM vault_jobrun")]


def test_status_warns_until_the_sweep_has_run_then_the_sweep_records_its_run(demo: Path) -> None:
    before = steward("retention", "status", *_options(demo), cwd=demo)
    assert before.returncode == 1, before.stderr
    assert "the sweep has never succeeded" in before.stdout
    assert "warning: The retention sweep needs attention" in before.stdout
    assert "Traceback" not in before.stderr

    dry = steward("retention", "sweep", "--dry-run", *_options(demo), cwd=demo)
    assert dry.returncode == 0, dry.stderr
    assert "examined 6 records; would purge 0 whole records and 0 values" in dry.stdout
    assert "retention-sweep" not in _names(demo)

    real = steward("retention", "sweep", *_options(demo), cwd=demo)
    assert real.returncode == 0, real.stderr
    assert real.stdout.startswith("succeeded: examined 6 records; purged 0 whole records")
    assert _names(demo).count("retention-sweep") == 1

    after = steward("retention", "status", *_options(demo), cwd=demo)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "sweep: ok" in after.stdout
    assert "last successful sweep" in after.stdout


def test_a_missing_plan_is_a_clear_error(demo: Path, tmp_path: Path) -> None:
    options = _options(demo)
    options[1] = str(tmp_path / "no-such-plan.yaml")
    result = steward("retention", "sweep", *options, cwd=demo)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "no-such-plan.yaml" in result.stderr
