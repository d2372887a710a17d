"""A whole recipe on a small frame: every operation, in one lazy plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from steward.deid.errors import DeidError
from steward.deid.recipe import RecipeError, load_recipe_text
from steward.deid.transforms.dates import offset_days
from steward.deid.transforms.keys import derive_keys
from steward.deid.transforms.pipeline import apply_recipe
from steward.deid.transforms.pseudonymize import pseudonym

KEYS = derive_keys(b"r" * 32)

FRAME = pl.DataFrame(
    {
        "full_name": ["Ana Diaz", "Bo Li", "Cy Ode", "Di Fox"],
        "email": ["ana@x.org", "bo@y.net", "cy@z.com", None],
        "resident_id": ["R1", "R2", "R1", "R3"],
        "age": ["23", "27", "41", "88"],
        "zip": ["02139", "02141", "02139", "90210"],
        "opened": ["2024-01-10", "2024-02-01", "2024-03-05", "2024-04-01"],
        "income": ["150000", "250000", "-10", ""],
        "district": ["North", "North", "North", "South"],
    }
)

RECIPE = """\
steward_recipe: 1
quasi_identifiers: [age, zip]
k: 2
columns:
  full_name: {drop: true}
  email: {mask: {keep_last: 4}}
  resident_id: {pseudonymize: {prefix: "p_", length: 12}}
  age: {generalize: {builtin: age_band, width: 20}}
  zip: {generalize: {builtin: postal_truncate, keep: 3}}
  opened: {shift_dates: {person: resident_id, max_days: 30}}
  income: {top_code: 200000, bottom_code: 0}
"""


def run(recipe: str, frame: pl.DataFrame = FRAME, base_dir: Path | None = None) -> pl.DataFrame:
    loaded = load_recipe_text(recipe, source="r.yaml", base_dir=base_dir)
    return apply_recipe(frame.lazy(), loaded, KEYS).frame.collect()


def test_every_column_step() -> None:
    out = run(RECIPE)
    assert out.columns == ["email", "resident_id", "age", "zip", "opened", "income", "district"]
    assert out["email"].to_list() == ["*****.org", "****.net", "****.com", None]
    ids = [pseudonym(KEYS.pseudonym, v, prefix="p_", length=12) for v in ("R1", "R2", "R1", "R3")]
    assert out["resident_id"].to_list() == ids
    assert out["age"].to_list() == ["20-39", "20-39", "40-59", "80-99"]
    assert out["zip"].to_list() == ["021**", "021**", "021**", "902**"]
    assert out["income"].to_list() == [150000, 200000, 0, None]
    shift = [offset_days(KEYS.date_shift, p, 30) for p in ("R1", "R2", "R1", "R3")]
    original = [dt.date.fromisoformat(d) for d in FRAME["opened"]]
    assert out["opened"].to_list() == [
        d + dt.timedelta(days=s) for d, s in zip(original, shift, strict=True)
    ]
    assert out["district"].to_list() == FRAME["district"].to_list()


def test_operations_are_recorded_without_keys() -> None:
    applied = apply_recipe(FRAME.lazy(), load_recipe_text(RECIPE), KEYS)
    names = [(o["column"], o["operation"]) for o in applied.operations]
    assert names == [
        ("full_name", "drop"),
        ("email", "mask"),
        ("resident_id", "pseudonymize"),
        ("age", "generalize"),
        ("zip", "generalize"),
        ("opened", "shift_dates"),
        ("income", "bottom_code"),
        ("income", "top_code"),
    ]
    text = repr(applied.operations)
    for secret in (KEYS.pseudonym, KEYS.date_shift, KEYS.noise):
        assert secret.hex() not in text
    assert applied.kept == ["district"]
    assert applied.dropped == ["full_name"]


def test_suppression_after_the_column_steps() -> None:
    recipe = RECIPE + "suppress: {k: 2}\n"
    applied = apply_recipe(FRAME.lazy(), load_recipe_text(recipe), KEYS)
    out = applied.frame.collect()
    assert out["age"].to_list() == ["20-39", "20-39", "*", "*"]
    assert out["zip"].to_list() == ["021**", "021**", "*", "*"]
    assert applied.suppression is not None
    assert applied.suppression["records"] == 2


def test_noise_is_reproducible_per_key() -> None:
    recipe = "steward_recipe: 1\ncolumns:\n  income: {noise: {kind: gaussian, scale: 10}}\n"
    frame = pl.DataFrame({"income": [100.0, 200.0, 300.0]})
    first, second = run(recipe, frame), run(recipe, frame)
    assert first["income"].to_list() == second["income"].to_list()
    other = apply_recipe(frame.lazy(), load_recipe_text(recipe), derive_keys(b"s" * 32))
    assert other.frame.collect()["income"].to_list() != first["income"].to_list()


def test_unlisted_drop_and_hierarchy_files(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("North;Inland;*\nSouth;Coast;*\n")
    recipe = (
        "steward_recipe: 1\nunlisted: drop\ncolumns:\n"
        "  district: {generalize: {hierarchy: d.csv, level: 1}}\n"
    )
    applied = apply_recipe(FRAME.lazy(), load_recipe_text(recipe, base_dir=tmp_path), KEYS)
    out = applied.frame.collect()
    assert out.columns == ["district"]
    assert out["district"].to_list() == ["Inland", "Inland", "Inland", "Coast"]
    assert "full_name" in applied.dropped


def test_bad_values_are_counted_with_the_recipe_line(tmp_path: Path) -> None:
    frame = pl.DataFrame({"income": ["12", "n/a", "x"], "day": ["2024-01-01", "soon", None]})
    recipe = (
        "steward_recipe: 1\ncolumns:\n  income: {top_code: 5}\n"
        "  day: {shift_dates: {person: income, max_days: 3}}\n"
    )
    with pytest.raises(RecipeError) as caught:
        run(recipe, frame)
    found = [str(p) for p in caught.value.problems]
    assert found == [
        "r.yaml:3:3: columns.income: 2 values are not numbers",
        "r.yaml:4:3: columns.day: 1 value is not dates",
    ]
    assert "n/a" not in str(caught.value)


def test_values_outside_a_hierarchy(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("North;Inland;*\n")
    recipe = "steward_recipe: 1\ncolumns:\n  district: {generalize: {hierarchy: d.csv, level: 1}}\n"
    with pytest.raises(RecipeError, match="1 value is not in the hierarchy"):
        run(recipe, base_dir=tmp_path)
    suppressing = recipe.replace("level: 1", "level: 1, missing: suppress")
    out = run(suppressing, base_dir=tmp_path)
    assert out["district"].to_list() == ["Inland", "Inland", "Inland", "*"]


def test_unknown_columns_and_missing_keys() -> None:
    recipe = "steward_recipe: 1\ncolumns:\n  nickname: {drop: true}\n"
    with pytest.raises(RecipeError, match=r"r\.yaml:3:3: columns\.nickname: no column 'nickname'"):
        run(recipe)
    needs_key = "steward_recipe: 1\ncolumns:\n  email: {pseudonymize: {}}\n"
    with pytest.raises(DeidError, match="needs a key"):
        apply_recipe(FRAME.lazy(), load_recipe_text(needs_key), None)


def test_dates_generalize_after_shifting() -> None:
    recipe = (
        "steward_recipe: 1\ncolumns:\n"
        "  opened: {shift_dates: {person: resident_id, max_days: 1}, "
        "generalize: {builtin: date, to: year}}\n"
    )
    assert run(recipe)["opened"].to_list() == ["2024"] * 4


@pytest.mark.parametrize(
    ("values", "steps", "expected"),
    [
        (["21", "34", "47"], "", ["20-29", "30-39", "40-49"]),
        (["21", "34.5", "47"], "", ["20.0-<30.0", "30.0-<40.0", "40.0-<50.0"]),
        (["21", "34", "47"], "top_code: 40.5, ", ["20.0-<30.0", "30.0-<40.0", "40.0-<50.0"]),
        (["21", "34", "47"], "top_code: 40, ", ["20-29", "30-39", "40-49"]),
    ],
)
def test_bands_read_alike_in_every_batch(
    values: list[str], steps: str, expected: list[str]
) -> None:
    """Whether bands read "20-29" or "20-<30" is decided over the whole column before
    the records are transformed, so the query streams (no whole-column test inside it)
    and a batch without a fraction labels as the others do."""
    recipe = (
        "steward_recipe: 1\ncolumns:\n"
        f"  n: {{{steps}generalize: {{builtin: numeric_bins, width: 10}}}}\n"
    )
    applied = apply_recipe(pl.LazyFrame({"n": values}), load_recipe_text(recipe), KEYS)
    assert "all" not in applied.frame.explain()
    assert applied.frame.collect()["n"].to_list() == expected
