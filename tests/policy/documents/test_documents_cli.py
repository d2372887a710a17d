"""``steward policy docs`` writes the documents and reports user errors plainly."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from steward.cli.main import app

from .conftest import CITY


def test_docs_command_lists_written_files(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    result = CliRunner().invoke(app, ["policy", "docs", str(CITY), "--out", str(out)])
    assert result.exit_code == 0, result.output
    listed = [Path(line) for line in result.stdout.splitlines() if line.strip()]
    assert out / "management-plan.html" in listed
    assert out / "index.html" in listed
    assert all(path.is_file() for path in listed)


def test_docs_command_on_missing_plan_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-plan.yaml"
    result = CliRunner().invoke(app, ["policy", "docs", str(missing), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "no such file" in result.output
    assert not list(tmp_path.iterdir())


def test_docs_command_on_unwritable_output_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(app, ["policy", "docs", str(CITY), "--out", str(blocker / "d")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "cannot create the folder" in result.output


def test_a_failing_plan_gets_documents_only_as_marked_drafts(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(Path("examples/city-constituent-services.yaml").read_text())
    data["datasets"][0]["fields"][0]["purposes"] = []
    plan = tmp_path / "failing.yaml"
    plan.write_text(yaml.safe_dump(data))
    out = tmp_path / "docs"
    refused = CliRunner().invoke(app, ["policy", "docs", str(plan), "--out", str(out)])
    assert refused.exit_code == 1
    assert "--draft" in refused.output
    assert not out.exists()
    drafted = CliRunner().invoke(app, ["policy", "docs", str(plan), "--out", str(out), "--draft"])
    assert drafted.exit_code == 0, drafted.output
    for name in ("privacy-notice-service_request.html", "management-plan.md", "index.html"):
        assert "Draft, not for publication" in (out / name).read_text()
