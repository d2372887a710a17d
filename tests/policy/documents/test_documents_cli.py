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


def test_several_plans_each_get_a_folder_and_an_index(tmp_path: Path) -> None:
    from .conftest import EXAMPLES

    out = tmp_path / "docs"
    result = CliRunner().invoke(app, ["policy", "docs", *map(str, EXAMPLES), "--out", str(out)])
    assert result.exit_code == 0, result.output
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == [
        "city-of-riverton-office-of-constituent-services",
        "harbor-community-food-bank",
        "open-shield-exchange",
    ]
    index = (out / "index.md").read_text()
    for folder in folders:
        assert (out / folder / "record-of-processing.html").is_file()
        assert f"({folder}/index.html)" in index
    assert "| Harbor Community Food Bank | 2026.1 | nonprofit-data-project.yaml |" in index
    assert (out / "index.html").read_text().count("<a href=") == 3


def test_two_plans_of_one_organization_get_distinct_folders(tmp_path: Path) -> None:
    second = tmp_path / "city-next.yaml"
    second.write_text(CITY.read_text().replace('version: "2026.2"', 'version: "2026.3"'))
    out = tmp_path / "docs"
    result = CliRunner().invoke(app, ["policy", "docs", str(CITY), str(second), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [
        "city-of-riverton-office-of-constituent-services-city-constituent-services",
        "city-of-riverton-office-of-constituent-services-city-next",
    ]


def test_each_bad_plan_is_refused_alone(tmp_path: Path) -> None:
    import yaml

    broken = tmp_path / "broken.yaml"
    broken.write_text("steward: 1\nversion: [\n")
    failing_data = yaml.safe_load(CITY.read_text())
    failing_data["organization"]["name"] = "Failing Office"
    failing_data["datasets"][0]["fields"][0]["purposes"] = []
    failing = tmp_path / "failing.yaml"
    failing.write_text(yaml.safe_dump(failing_data))
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("steward: 1\nversion: '1'\n")
    missing = tmp_path / "missing.yaml"
    out = tmp_path / "docs"
    plans = [CITY, broken, failing, invalid, missing]
    result = CliRunner().invoke(app, ["policy", "docs", *map(str, plans), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 4, result.stderr
    for plan in (broken, failing, missing):
        assert any(str(plan) in line for line in result.stderr.splitlines()), plan
    assert "missing required key 'organization'" in result.stderr
    assert [p.name for p in out.iterdir() if p.is_dir()] == [
        "city-of-riverton-office-of-constituent-services"
    ]
    index = (out / "index.md").read_text()
    assert "Failing Office" not in index
    assert "broken.yaml" not in index


def test_a_lone_failing_plan_among_several_exits_1(tmp_path: Path) -> None:
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("steward: 1\nversion: '1'\n")
    out = tmp_path / "docs"
    result = CliRunner().invoke(app, ["policy", "docs", str(CITY), str(invalid), "--out", str(out)])
    assert result.exit_code == 1
    assert (out / "index.html").is_file()


def test_only_bad_plans_write_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "a.yaml", tmp_path / "b.yaml"
    out = tmp_path / "docs"
    result = CliRunner().invoke(app, ["policy", "docs", *map(str, missing), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.count("no such file") == 2
    assert not out.exists()
