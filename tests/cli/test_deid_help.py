"""The ``deid`` commands' help shows its bracketed words (defaults, the extra's name):
Rich would take ``[spark]`` or ``[default: ...]`` for markup and print nothing."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from steward.cli.main import app


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("anonymize", ["steward[spark]", "[default: detected]", "[default: FILE's folder]"]),
        ("risk", ["steward[spark]", "[default: 1/k]", "[default: local]"]),
        ("apply", ["steward[spark]", "[default: detected]"]),
        ("scan", ["steward[spark]"]),
    ],
)
def test_bracketed_words_are_shown(command: str, shown: list[str]) -> None:
    result = CliRunner().invoke(app, ["deid", command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for words in shown:
        assert words in text, words
