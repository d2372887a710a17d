"""Text a user chose (file names, plan values, error messages) never crashes the CLI.

Rich reads ``[...]`` as markup; an unmatched ``[/b]`` in a file name used to end
``steward policy check`` in a traceback. Every command must print such text as it is.
"""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from steward.cli.main import app

runner = CliRunner()

MARKUP_BITS = ["[", "]", "[/]", "[/b]", "[bold]", "[red]x[/red]", "[link=x]", "\\[", ":smile:"]
"""Pieces that Rich would read as markup, emoji codes or escapes."""

name_text = st.lists(
    st.one_of(
        st.sampled_from(MARKUP_BITS),
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
            min_size=1,
            max_size=6,
        ),
    ),
    min_size=1,
    max_size=6,
).map("".join)
"""A file path (no NUL) with plenty of markup-like pieces."""

plan_text = st.lists(st.sampled_from(MARKUP_BITS) | st.text(string.printable, max_size=5)).map(
    "".join
)
"""Text to put into a plan's values and keys."""

PROFILE = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _run(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    return result


def _path(folder: Path, name: str) -> Path:
    """``name`` as a path in a new folder under ``folder`` (one per Hypothesis example);
    ``/`` separates folders, which are created."""
    parts = [p.encode("utf-8")[:200].decode("utf-8", "ignore") for p in name.split("/")]
    parts = [p for p in parts if p not in ("", ".", "..")] or ["x"]
    path = Path(tempfile.mkdtemp(dir=folder)).joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@PROFILE
@given(name=name_text)
@example(name="no[/b]such.yaml")
def test_a_missing_plan_of_any_name_exits_2_and_is_named(tmp_path: Path, name: str) -> None:
    path = _path(tmp_path, name)
    for command in (["policy", "check"], ["policy", "docs", "--out", str(path.parent / "o")]):
        result = _run(*command, str(path))
        assert result.exit_code == 2
        assert f"{path}: no such file" in result.output.replace("\n", "")


@PROFILE
@given(name=name_text, value=plan_text, key=plan_text)
@example(name="[/b].yaml", value="[/red]", key="[/]")
def test_plan_values_and_names_are_printed_as_they_are(
    tmp_path: Path, name: str, value: str, key: str
) -> None:
    path = _path(tmp_path, name)
    text = (
        'steward: 1\nversion: "1"\norganization:\n'
        f"  name: {value!r}\n  {key!r}: 1\n  website: {value!r}\n"
    )
    path.write_text(text, encoding="utf-8")
    result = _run("policy", "check", str(path))
    assert result.exit_code in (0, 1, 2)
    assert str(path) in result.output.replace("\n", "")


@PROFILE
@given(name=name_text)
@example(name="answers[/b].yaml")
def test_init_with_an_answers_file_of_any_name_never_crashes(tmp_path: Path, name: str) -> None:
    answers = _path(tmp_path, name)
    answers.write_text("organization: [/b]\nkind: [/red]\n", encoding="utf-8")
    result = _run("init", str(tmp_path / "plan"), "--answers", str(answers))
    assert result.exit_code == 2
    assert "error:" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["deid", "scan"],
        ["deid", "risk", "--qi", "a"],
        ["keys", "status", "--keys-dir"],
    ],
)
def test_other_commands_print_bracketed_paths_as_they_are(
    tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "no[/b]such"
    result = _run(*command, str(path))
    assert result.exit_code == 2
    assert "[/b]" in result.output


def test_invalid_yaml_exits_2_with_its_line(tmp_path: Path) -> None:
    path = _path(tmp_path, "plan[/b].yaml")
    path.write_text("steward: 1\nversion: [1\norganization: {name: X}\n", encoding="utf-8")
    for command in (["policy", "check"], ["policy", "docs", "--out", str(path.parent / "o")]):
        result = _run(*command, str(path))
        assert result.exit_code == 2
        assert f"{path}:3:" in result.output
        assert "not valid YAML" in result.output
