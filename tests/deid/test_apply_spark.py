"""``deid apply --engine spark``: the same rows and manifest as the Polars engine.

Spark hands Python small Arrow batches here (four rows), so a decision taken per batch
instead of over the whole table (a fraction in the last batch, a bad value in one)
would show as a difference from the Polars engine's output.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner, Result

from steward.cli.main import app
from steward.deid.errors import DataFileError, DeidError
from steward.deid.io_spark import read_table_spark
from steward.deid.recipe import RecipeError, load_recipe
from steward.deid.requests.transforming import ApplyRequest
from steward.deid.transforms.run import manifest_path, run_apply
from steward.deid.transforms.run_spark import _plan
from tests.deid.paths import REPO

runner = CliRunner()
EXAMPLES = REPO / "examples" / "deid"
KEY = "5f" * 32
DISTRICTS = ("North", "South", "East", "West")


def _rows() -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    for i in range(40):
        rows.append(
            {
                "id": f"R{i % 31}",
                "name": f"Person {i}",
                "email": f"person{i}@example.org",
                "notes": f"call 617-555-01{i:02d} or write to p{i}@example.net",
                "age": str(18 + (i * 7) % 70),
                "income": None if i == 5 else str(1000 * ((i * 13) % 40)),
                "zip": f"0{2100 + (i * 3) % 40}",
                "visit": f"2024-{1 + i % 12:02d}-{1 + (i * 5) % 28:02d}",
                "district": DISTRICTS[i % 4] if i != 9 else None,
                "code": "abcd"[i % 4],
            }
        )
    rows[-1]["income"] = "1500.5"  # the only fraction, in the last batch
    return rows


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spark-apply")
    frame = pl.DataFrame(_rows(), schema=dict.fromkeys(_rows()[0], pl.String))
    frame.write_csv(folder / "people.csv")
    typed = frame.with_columns(
        pl.col("age").cast(pl.Int64),
        pl.col("income").replace("", None).cast(pl.Float64),
        pl.col("visit").str.to_date(),
    )
    typed.write_parquet(folder / "people.parquet")
    (folder / "codes.csv").write_text("a;ab;*\nb;ab;*\nc;cd;*\nd;cd;*\n", encoding="utf-8")
    (folder / "key.hex").write_text(KEY, encoding="utf-8")
    return folder


@pytest.fixture
def small_batches(spark: Any) -> Iterator[Any]:
    """Spark hands Python four rows per Arrow batch while the test runs."""
    key = "spark.sql.execution.arrow.maxRecordsPerBatch"
    before = spark.conf.get(key)
    spark.conf.set(key, "4")
    yield spark
    spark.conf.set(key, before)


RECIPES = {
    "pseudonymize": "  id: {pseudonymize: {prefix: p_}}\n  name: {pseudonymize: {length: 10}}\n",
    "mask": "  email: {mask: {keep_first: 2, keep_last: 4}}\n"
    "  name: {mask: {length: 5, char: '#'}}\n",
    "redact": "  notes: {redact: {}}\n",
    "age_band": "  age: {generalize: {builtin: age_band, width: 10}}\n",
    "numeric_bins": "  income: {generalize: {builtin: numeric_bins, edges: [0, 5000, 20000]}}\n"
    "  age: {generalize: {builtin: numeric_bins, width: 15}}\n",
    "date": "  visit: {generalize: {builtin: date, to: quarter}}\n",
    "postal": "  zip: {generalize: {builtin: postal_truncate, keep: 3}}\n",
    "hierarchy": "  code: {generalize: {hierarchy: codes.csv, level: 1}}\n",
    "shift_dates": "  visit: {shift_dates: {person: id, max_days: 30}}\n  id: {pseudonymize: {}}\n",
    "coding": "  income: {top_code: 30000, bottom_code: 2000}\n  age: {top_code: 80}\n",
    "keep_drop": "  name: {drop: true}\n  district: {keep: true}\n  id: {pseudonymize: {}}\n",
}
HEADERS = {
    "keep_drop": "unlisted: drop\nquasi_identifiers: [district]\n",
    "coding": "quasi_identifiers: [age]\nsensitive: [district]\nk: 3\n",
}
SUPPRESS = (
    "quasi_identifiers: [age, district, zip]\nsensitive: [code]\n"
    "columns:\n  age: {generalize: {builtin: age_band, width: 20}}\n"
    "  zip: {generalize: {builtin: postal_truncate, keep: 3}}\n"
)


def _recipe(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"steward_recipe: 1\n{text}", encoding="utf-8")
    return path


def _both(
    folder: Path, source: Path, recipe: Path, suffix: str
) -> tuple[dict[str, Any], dict[str, Any], pl.DataFrame, pl.DataFrame]:
    """The manifests and rows (sorted) of the Polars and the Spark engine."""
    name = recipe.stem
    key = folder / "key.hex"
    polars_out, spark_out = folder / f"{name}-p{suffix}", folder / f"{name}-s{suffix}"
    expected = run_apply(ApplyRequest(source, recipe, polars_out, key_file=key))
    got = run_apply(ApplyRequest(source, recipe, spark_out, key_file=key, engine="spark"))
    assert spark_out.is_dir()
    if suffix == ".parquet":
        before = pl.read_parquet(polars_out)
        after = pl.read_parquet(spark_out / "*.parquet")
    else:
        before = pl.read_csv(polars_out, infer_schema=False)
        after = pl.scan_csv(spark_out / "*.csv", infer_schema=False).collect()
    return expected, got, before.sort(pl.all()), after.sort(pl.all())


def _same_manifest(polars: dict[str, Any], spark: dict[str, Any]) -> None:
    for manifest in (polars, spark):
        manifest.pop("created")
        manifest["output"].pop("file")
        manifest["output"].pop("format")
    assert spark == polars


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_each_step_gives_the_polars_rows(small_batches: Any, data: Path, name: str) -> None:
    text = HEADERS.get(name, "") + "columns:\n" + RECIPES[name]
    recipe = _recipe(data, name, text)
    suffix = ".parquet" if name in ("mask", "coding", "date") else ".csv"
    polars, spark, expected, got = _both(data, data / "people.csv", recipe, suffix)
    assert got.equals(expected)
    assert got.height == 40
    _same_manifest(polars, spark)


@pytest.mark.parametrize(
    ("name", "settings", "suffix"),
    [
        ("replace", "suppress: {k: 3, replace_with: '?'}", ".csv"),
        ("remove", "suppress: {k: 3, remove_records: true}", ".parquet"),
    ],
)
def test_local_suppression_gives_the_polars_rows(
    small_batches: Any, data: Path, name: str, settings: str, suffix: str
) -> None:
    recipe = _recipe(data, f"suppress-{name}", f"{SUPPRESS}{settings}\n")
    polars, spark, expected, got = _both(data, data / "people.csv", recipe, suffix)
    assert got.equals(expected)
    assert spark["suppression"]["records"] > 0
    _same_manifest(polars, spark)
    assert _nothing_cached(small_batches)


def _nothing_cached(session: Any) -> bool:
    return bool(session._jsparkSession.sharedState().cacheManager().isEmpty())


def test_suppression_transforms_the_table_once(spark: Any, data: Path, tmp_path: Path) -> None:
    """The transformed table is counted, then suppressed and written: both read one
    cached copy, so the recipe's steps run once; the copy is released afterwards."""
    loaded = load_recipe(_recipe(tmp_path, "suppress", f"{SUPPRESS}suppress: {{k: 3}}\n"))
    frame = read_table_spark(data / "people.csv", session=spark)
    with contextlib.ExitStack() as held:
        _, result = _plan(frame, loaded, None, lambda stage: None, held)
        plan = result._jdf.queryExecution().optimizedPlan().toString()
        assert plan.count("InMemoryRelation") == 1
        assert "MapInArrow" not in plan.split("InMemoryRelation")[0]
        assert not _nothing_cached(spark)
    assert _nothing_cached(spark)


def test_typed_parquet_input_with_a_number_suppressed(small_batches: Any, data: Path) -> None:
    """Non-text quasi-identifiers of small classes become null, as on Polars."""
    recipe = _recipe(
        data,
        "typed",
        "quasi_identifiers: [age, district]\ncolumns:\n  age: {top_code: 60}\n"
        "  income: {bottom_code: 3000}\n"
        "  visit: {shift_dates: {person: id, max_days: 9}}\nsuppress: {k: 2}\n",
    )
    polars, spark, expected, got = _both(data, data / "people.parquet", recipe, ".parquet")
    assert got.equals(expected)
    assert got.schema["age"] == pl.Int64
    assert got["age"].null_count() > 0
    _same_manifest(polars, spark)


@pytest.mark.parametrize(
    "steps",
    [
        "  income: {top_code: 100}\n",
        "  visit: {shift_dates: {person: id, max_days: 3}}\n",
        "  code: {generalize: {hierarchy: codes.csv, level: 1}}\n",
    ],
)
def test_bad_values_are_refused_with_the_polars_message(
    small_batches: Any, data: Path, tmp_path: Path, steps: str
) -> None:
    frame = pl.read_csv(data / "people.csv", infer_schema=False)
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) % 9 == 8).then(pl.lit("oops")).otherwise(pl.col(c)).alias(c)
        for c in ("income", "visit", "code")
    ).write_csv(tmp_path / "bad.csv")
    (tmp_path / "codes.csv").write_bytes((data / "codes.csv").read_bytes())
    recipe = _recipe(tmp_path, "bad", "columns:\n" + steps)
    key = data / "key.hex"
    errors = []
    for engine in ("polars", "spark"):
        request = ApplyRequest(
            tmp_path / "bad.csv", recipe, tmp_path / "out.csv", key_file=key, engine=engine
        )
        with pytest.raises(RecipeError) as caught:
            run_apply(request)
        errors.append(str(caught.value))
    assert errors[0] == errors[1]
    assert "4 values are" in errors[1]
    assert "oops" not in errors[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "bad.yaml", "codes.csv"]


def test_noise_is_refused(spark: Any, data: Path, tmp_path: Path) -> None:
    recipe = _recipe(tmp_path, "noise", "columns:\n  income: {noise: {kind: laplace, scale: 5}}\n")
    request = ApplyRequest(
        data / "people.csv", recipe, tmp_path / "o.csv", key_file=data / "key.hex", engine="spark"
    )
    with pytest.raises(DeidError, match=r"'income': 'noise'.*--engine polars"):
        run_apply(request)
    assert not (tmp_path / "o.csv").exists()


def test_an_earlier_output_is_replaced_whole(spark: Any, data: Path, tmp_path: Path) -> None:
    recipe = _recipe(tmp_path, "mask", "columns:\n" + RECIPES["mask"])
    out = tmp_path / "out.parquet"
    out.write_text("an earlier output", encoding="utf-8")
    request = ApplyRequest(data / "people.csv", recipe, out, engine="spark")
    run_apply(request)
    first = sorted(p.name for p in out.iterdir())
    (out / "stray.txt").write_text("left from before", encoding="utf-8")
    manifest = run_apply(request)
    assert "stray.txt" not in {p.name for p in out.iterdir()}
    assert any(name.startswith("part-") and name.endswith(".parquet") for name in first)
    assert pl.read_parquet(out / "*.parquet").height == manifest["output"]["rows"] == 40
    assert manifest["output"]["format"] == "parquet parts"
    assert manifest_path(out).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "mask.yaml",
        "out.parquet",
        "out.parquet.manifest.json",
    ]


def test_too_many_classes_for_the_driver_stop_before_anything_is_written(
    spark: Any, data: Path, tmp_path: Path
) -> None:
    recipe = _recipe(tmp_path, "suppress", f"{SUPPRESS}suppress: {{k: 3}}\n")
    out = tmp_path / "out.parquet"
    out.write_text("an earlier output", encoding="utf-8")
    request = ApplyRequest(data / "people.csv", recipe, out, engine="spark", max_classes=2)
    stages: list[str] = []
    with pytest.raises(DeidError, match=r"more than the limit of 2; .*--max-classes"):
        run_apply(request, stage=stages.append)
    assert stages[-1] == "measuring the input's risk"
    assert out.read_text(encoding="utf-8") == "an earlier output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet", "suppress.yaml"]
    manifest = run_apply(replace(request, max_classes=1000))
    assert manifest["risk"]["input"]["records"] == 40


def test_a_folder_that_is_not_spark_output_is_left_alone(
    spark: Any, data: Path, tmp_path: Path
) -> None:
    recipe = _recipe(tmp_path, "mask", "columns:\n" + RECIPES["mask"])
    out = tmp_path / "notes.csv"
    out.mkdir()
    (out / "mine.txt").write_text("a person's own notes", encoding="utf-8")
    request = ApplyRequest(data / "people.csv", recipe, out, engine="spark")
    with pytest.raises(DataFileError, match="a folder that is not Spark output is there"):
        run_apply(request)
    assert (out / "mine.txt").read_text(encoding="utf-8") == "a person's own notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mask.yaml", "notes.csv"]


def test_an_output_holding_the_input_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "table.parquet"
    folder.mkdir()
    pl.DataFrame({"a": ["x"]}).write_parquet(folder / "part-0.parquet")
    recipe = _recipe(tmp_path, "keep", "columns:\n  a: {keep: true}\n")
    request = ApplyRequest(folder, recipe, folder, engine="spark")
    with pytest.raises(DeidError, match="would replace the folder holding the input"):
        request.validate()


@pytest.mark.parametrize(
    ("engine", "master", "message"),
    [
        ("dask", None, "unknown --engine 'dask'"),
        ("polars", "local[2]", "--master goes with --engine spark"),
        ("polars", None, "--max-classes goes with --engine spark"),
    ],
)
def test_engine_options_are_checked(
    tmp_path: Path, engine: str, master: str | None, message: str
) -> None:
    limit = 10 if "max-classes" in message else None
    request = ApplyRequest(
        tmp_path / "a.csv",
        tmp_path / "r.yaml",
        tmp_path / "o.csv",
        engine=engine,
        master=master,
        max_classes=limit,
    )
    with pytest.raises(DeidError, match=message):
        request.validate()


def _cli(*args: str) -> Result:
    result = runner.invoke(app, ["deid", "apply", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def test_cli_writes_the_example_on_spark(spark: Any, tmp_path: Path) -> None:
    key = tmp_path / "key.hex"
    key.write_text(KEY, encoding="utf-8")
    out = tmp_path / "extract.csv"
    args = [
        str(EXAMPLES / "service-requests.csv"),
        "--recipe",
        str(EXAMPLES / "service-requests.recipe.yaml"),
        "--key-file",
        str(key),
    ]
    result = _cli(*args, "--out", str(out), "--engine", "spark")
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert "k before" in result.output
    polars_out = tmp_path / "polars.csv"
    assert _cli(*args, "--out", str(polars_out)).exit_code == 0
    got = pl.scan_csv(out / "*.csv", infer_schema=False).collect()
    expected = pl.read_csv(polars_out, infer_schema=False)
    assert got.sort(pl.all()).equals(expected.sort(pl.all()))


@pytest.mark.parametrize(
    ("recipe", "extra", "code", "message"),
    [
        ("columns:\n  income: {noise: {kind: laplace, scale: 5}}\n", [], 2, "--engine polars"),
        ("columns:\n  salary: {keep: true}\n", [], 2, "no column 'salary'"),
        ("columns: [oops\n", [], 2, "bad.yaml"),
        ("columns:\n  age: {keep: true}\n", ["--master", "spark://127.0.0.1:1"], 2, "master"),
    ],
)
def test_cli_errors_on_spark(
    spark: Any,
    data: Path,
    tmp_path: Path,
    recipe: str,
    extra: list[str],
    code: int,
    message: str,
) -> None:
    path = _recipe(tmp_path, "bad", recipe)
    result = _cli(
        str(data / "people.csv"),
        "--recipe",
        str(path),
        "--out",
        str(tmp_path / "o.csv"),
        "--key-file",
        str(data / "key.hex"),
        "--engine",
        "spark",
        *extra,
    )
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Person" not in result.output
    assert not (tmp_path / "o.csv").exists()
