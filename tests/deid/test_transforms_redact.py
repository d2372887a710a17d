"""The ``redact`` recipe operation: declared, validated with lines, applied, recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from steward.cli.main import app
from steward.deid.recipe import RecipeError, load_recipe_text
from steward.deid.transforms.pipeline import apply_recipe

FRAME = pl.DataFrame(
    {
        "case_id": ["C1", "C2", "C3"],
        "notes": [
            "Maria Lopez (maria.lopez@example.org) called from (202) 456-1111.",
            None,
            "Ring 020 7946 0958 about card 4111 1111 1111 1111.",
        ],
        "hours": [1, 2, 3],
    }
)

RECIPE = """\
steward_recipe: 1
columns:
  notes: {redact: {}}
"""


def run(recipe: str) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    applied = apply_recipe(FRAME.lazy(), load_recipe_text(recipe, source="r.yaml"))
    return applied.frame.collect(), applied.operations


def test_redact_replaces_spans_and_keeps_the_rest() -> None:
    out, operations = run(RECIPE)
    assert out["notes"].to_list() == [
        "[PERSON] ([EMAIL]) called from [PHONE].",
        None,
        "Ring 020 7946 0958 about card [CARD].",
    ]
    assert out["case_id"].to_list() == ["C1", "C2", "C3"]
    assert out["hours"].to_list() == [1, 2, 3]
    assert operations[0]["operation"] == "redact"
    assert operations[0]["parameters"]["region"] == "US"


def test_kinds_and_region() -> None:
    out, operations = run(
        "steward_recipe: 1\ncolumns:\n  notes: {redact: {kinds: [phone, EMAIL], region: gb}}\n"
    )
    assert out["notes"].to_list()[2] == "Ring [PHONE] about card 4111 1111 1111 1111."
    assert out["notes"].to_list()[0].startswith("Maria Lopez ([EMAIL])")
    assert operations[0]["parameters"] == {"kinds": ["email", "phone"], "region": "GB"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  notes: {redact: {kinds: [shoe]}}\n", "r.yaml:3:19: columns.notes.redact: unknown kind"),
        ("  notes: {redact: {region: ZZ}}\n", "unknown phone region 'ZZ'"),
        ("  notes: {redact: {kinds: []}}\n", "columns.notes.redact.kinds"),
        ("  notes: {redact: {}, drop: true}\n", "'drop' cannot be combined with 'redact'"),
        ("  notes: {redact: {mode: x}}\n", "unknown key 'mode'"),
    ],
)
def test_bad_redact_steps_have_lines(text: str, expected: str) -> None:
    with pytest.raises(RecipeError) as caught:
        load_recipe_text("steward_recipe: 1\ncolumns:\n" + text, source="r.yaml")
    found = [str(p) for p in caught.value.problems]
    assert any(expected in p for p in found), found


def test_redact_needs_a_text_column() -> None:
    loaded = load_recipe_text("steward_recipe: 1\ncolumns:\n  hours: {redact: {}}\n")
    with pytest.raises(RecipeError, match="'redact' needs text; the column holds Int64"):
        apply_recipe(FRAME.lazy(), loaded)


def test_deid_apply_runs_a_redact_recipe(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    FRAME.write_csv(source)
    (tmp_path / "r.yaml").write_text(RECIPE, encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app, ["deid", "apply", str(source), "--recipe", str(tmp_path / "r.yaml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    assert written["notes"].to_list()[0] == "[PERSON] ([EMAIL]) called from [PHONE]."
