"""The recipe file: schema, cross-references and hierarchies, with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.deid.errors import DeidError
from steward.deid.recipe import RecipeError, load_recipe, load_recipe_text

GOOD = """\
steward_recipe: 1
description: Service requests
quasi_identifiers: [age, zip]
sensitive: [request_type]
k: 5
columns:
  full_name: {drop: true}
  email: {mask: {keep_last: 4}}
  resident_id: {pseudonymize: {prefix: "p_", length: 16}}
  age: {generalize: {builtin: age_band, width: 10}}
  zip: {generalize: {builtin: postal_truncate, keep: 3}}
  opened: {shift_dates: {person: resident_id, max_days: 30}}
  income: {top_code: 200000, bottom_code: 0, noise: {kind: laplace, scale: 500, round: 100}}
  district: {keep: true}
suppress: {k: 5}
"""


def problems(text: str, **kwargs: object) -> list[str]:
    with pytest.raises(RecipeError) as caught:
        load_recipe_text(text, source="r.yaml", **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


def test_a_good_recipe_loads() -> None:
    loaded = load_recipe_text(GOOD)
    recipe = loaded.recipe
    assert recipe.quasi_identifiers == ["age", "zip"]
    assert recipe.key == "pseudonyms"
    assert recipe.needs_key()
    assert recipe.columns["income"].operations() == ["bottom_code", "top_code", "noise"]
    assert len(loaded.digest) == 64


def test_recipe_file_digest_and_relative_hierarchies(tmp_path: Path) -> None:
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "edu.csv").write_text("a;x;*\nb;x;*\n")
    path = tmp_path / "r.yaml"
    path.write_text(
        "steward_recipe: 1\ncolumns:\n  edu: {generalize: {hierarchy: h/edu.csv, level: 1}}\n"
    )
    loaded = load_recipe(path)
    assert loaded.hierarchies["edu"].levels == 3
    assert loaded.source == str(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "steward_recipe: 1\ncolumns:\n  age: {generalise: {builtin: age_band}}\n",
            "r.yaml:3:9: columns.age.generalise: unknown operation 'generalise'",
        ),
        (
            "steward_recipe: 1\ncolumns:\n  age: {generalize: {builtin: age_band}}\n",
            "r.yaml:3:21: columns.age.generalize: builtin 'age_band' needs 'width'",
        ),
        (
            "steward_recipe: 1\ncolumns:\n  x: {drop: true, mask: {}}\n",
            "r.yaml:3:6: columns.x: 'drop' cannot be combined with 'mask'",
        ),
        (
            "steward_recipe: 1\ncolumns:\n  y: {noise: {kind: cauchy, scale: 1}}\n",
            "r.yaml:3:21: columns.y.noise.kind: input should be 'laplace' or 'gaussian'",
        ),
        (
            "steward_recipe: 1\ncolumns:\n  z: {}\n",
            "r.yaml:3:6: columns.z: no operation",
        ),
        (
            "steward_recipe: 1\ncolumns:\n  e: {mask: {keep_lst: 2}}\n",
            "r.yaml:3:14: columns.e.mask.keep_lst: unknown key 'keep_lst'; "
            "did you mean 'keep_last'?",
        ),
        (
            "steward_recipe: 1\ncolumns:\n  i: {top_code: 1, bottom_code: 5}\n",
            "r.yaml:3:6: columns.i: 'bottom_code' is above 'top_code'",
        ),
        (
            "steward_recipe: 1\ncolumns:\n  d: {shift_dates: {person: p, max_days: 0}}\n",
            "r.yaml:3:42: columns.d.shift_dates.max_days: input should be greater than or equal",
        ),
        (
            "steward_recipe: 1\ncolumns:\n  p: {pseudonymize: {length: 4}}\n",
            "r.yaml:3:30: columns.p.pseudonymize.length",
        ),
        (
            "steward_recipe: 1\ncolumns:\n  n: {generalize: {builtin: numeric_bins}}\n",
            "needs either 'width' or 'edges'",
        ),
        ("steward_recipe: 2\n", "r.yaml:1:17: steward_recipe: input should be 1"),
        ("steward_recipe: 1\ncolums: {}\n", "r.yaml:2:1: colums: unknown key 'colums'"),
        ("description: x\n", "missing required key 'steward_recipe'"),
        ("a: [\n", "not valid YAML"),
        ("- 1\n", "r.yaml:1:1: a recipe is a mapping"),
        (
            "steward_recipe: 1\nquasi_identifiers: [a]\ncolumns:\n  a: {drop: true}\n",
            "r.yaml:2:21: quasi_identifiers[0]: quasi-identifier 'a' is dropped",
        ),
        (
            "steward_recipe: 1\nquasi_identifiers: [a]\nsuppress: {}\n",
            "r.yaml:3:11: suppress: give 'k'",
        ),
        ("steward_recipe: 1\nsuppress: {k: 3}\n", "local suppression needs quasi_identifiers"),
        ("steward_recipe: 1\nkey: Bad Key\n", "r.yaml:2:6: key: string should match pattern"),
    ],
)
def test_problems_have_lines(text: str, expected: str) -> None:
    found = problems(text)
    assert any(expected in p for p in found), found


def test_every_problem_is_listed_at_once() -> None:
    text = "steward_recipe: 1\ncolumns:\n  a: {drop: 1x}\n  b: {mask: {char: ''}}\n"
    assert len(problems(text)) == 2


def test_missing_and_bad_hierarchy_files(tmp_path: Path) -> None:
    text = "steward_recipe: 1\ncolumns:\n  e: {generalize: {hierarchy: nope.csv, level: 1}}\n"
    [problem] = problems(text, base_dir=tmp_path)
    assert problem.startswith("r.yaml:3:31: columns.e.generalize.hierarchy:")
    assert "no such hierarchy file" in problem
    (tmp_path / "h.csv").write_text("a;x;*\nb;*\n")
    text = "steward_recipe: 1\ncolumns:\n  e: {generalize: {hierarchy: h.csv, level: 1}}\n"
    [problem] = problems(text, base_dir=tmp_path)
    assert "h.csv:2: 2 levels" in problem
    (tmp_path / "g.csv").write_text("a;x;*\n")
    text = "steward_recipe: 1\ncolumns:\n  e: {generalize: {hierarchy: g.csv, level: 3}}\n"
    [problem] = problems(text, base_dir=tmp_path)
    assert "columns.e.generalize.level" in problem
    assert "level 3 does not exist" in problem


def test_unknown_columns_are_reported_at_their_line() -> None:
    loaded = load_recipe_text(GOOD, source="r.yaml")
    with pytest.raises(RecipeError) as caught:
        loaded.check_columns(["full_name", "email", "age", "zip", "opened", "income", "district"])
    found = [str(p) for p in caught.value.problems]
    assert found[0].startswith("r.yaml:9:3: columns.resident_id: no column 'resident_id'")
    assert any(p.startswith("r.yaml:12:34: columns.opened.shift_dates.person") for p in found)
    assert any("r.yaml:4:13: sensitive[0]: no column 'request_type'" in p for p in found)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match="no such recipe file"):
        load_recipe(tmp_path / "none.yaml")
    with pytest.raises(RecipeError, match="is a folder"):
        load_recipe(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"steward_recipe: 1\ndescription: caf\xe9\n")
    with pytest.raises(RecipeError, match="not UTF-8"):
        load_recipe(bad)
    assert issubclass(RecipeError, DeidError)
