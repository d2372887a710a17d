"""``steward deid anonymize --engine spark``: Spark aggregates the tuples and writes the
output, the search runs on the driver, and everything equals the Polars engine's: the
levels, the figures, the hierarchies written and the output rows (read back from the
part files). With refusals, from the request and the command line, without a
traceback."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from steward.cli.main import app
from steward.deid import AnonymizeRequest, DataFileError, DeidError, run_anonymize
from tests.deid.paths import ADULT_DIR

EXAMPLE = Path(__file__).parents[2] / "examples" / "deid" / "service-requests.csv"


def _rows(path: Path) -> pl.DataFrame:
    """An output (a file, or Spark's folder of parts) read back, sorted by every column."""
    if path.is_dir():
        parts = sorted(path.glob("part-*"))
        if path.suffix == ".parquet":
            table = pl.concat([pl.read_parquet(p) for p in parts])
        else:
            table = pl.concat([pl.read_csv(p, infer_schema=False) for p in parts])
    elif path.suffix == ".parquet":
        table = pl.read_parquet(path)
    else:
        table = pl.read_csv(path, infer_schema=False)
    return table.sort(table.columns, nulls_last=False)


def _both(tmp_path: Path, source: Path, suffix: str, **options: Any) -> tuple[Any, Any]:
    """The Polars and the Spark results, with outputs in their own folders."""
    results = []
    for engine in ("polars", "spark"):
        out = tmp_path / engine / f"out{suffix}"
        out.parent.mkdir()
        request = AnonymizeRequest(source, out=out, engine=engine, **options)
        results.append((run_anonymize(request), out))
    return results[0], results[1]


def _same(polars: Any, spark: Any) -> None:
    (one, one_out), (two, two_out) = polars, spark
    assert dict(two.levels) == dict(one.levels)
    assert (two.records, two.suppressed, two.k_achieved) == (
        one.records,
        one.suppressed,
        one.k_achieved,
    )
    assert two.loss == pytest.approx(one.loss, rel=1e-12)
    assert two.entropy == pytest.approx(one.entropy, rel=1e-12)
    assert two.search.checked == one.search.checked
    assert_frame_equal(_rows(two_out), _rows(one_out))
    for column, path in one.hierarchy_files.items():
        assert two.hierarchy_files[column].read_bytes() == path.read_bytes()
    assert {c: u.kind for c, u in two.hierarchies.items()} == {
        c: u.kind for c, u in one.hierarchies.items()
    }


def test_built_in_hierarchies_on_the_example_give_the_polars_output(
    spark: Any, tmp_path: Path
) -> None:
    source = tmp_path / "requests.csv"
    shutil.copy(EXAMPLE, source)
    polars, on_spark = _both(
        tmp_path,
        source,
        ".csv",
        qi=("postal_code", "district", "age", "opened_on"),
        k=3,
        max_suppression=0.05,
    )
    _same(polars, on_spark)
    assert on_spark[0].table is None
    assert {u.kind for u in on_spark[0].hierarchies.values()} >= {"dates"}


def test_adult_with_arx_files_and_l_diversity_gives_the_polars_output(
    spark: Any, tmp_path: Path
) -> None:
    sample = pl.read_csv(ADULT_DIR / "adult.csv", separator=";", infer_schema=False).head(4_000)
    source = tmp_path / "adult.parquet"
    sample.write_parquet(source)
    polars, on_spark = _both(
        tmp_path,
        source,
        ".parquet",
        qi=("sex", "age", "race", "marital-status", "education"),
        sensitive="occupation",
        l=2,
        k=5,
        max_suppression=0.02,
        hierarchies=ADULT_DIR,
    )
    _same(polars, on_spark)
    assert polars[0].suppressed > 0  # the suppression path is exercised


def test_typed_parquet_with_nulls_gives_the_polars_table_in_memory(
    spark: Any, tmp_path: Path
) -> None:
    rows = 400
    table = pl.DataFrame(
        {
            "age": [None if i % 37 == 0 else 18 + i % 60 for i in range(rows)],
            "zip": [f"021{i % 23:02d}" for i in range(rows)],
            "visit": pl.date_range(
                pl.date(2025, 1, 1), pl.date(2025, 1, 1) + pl.duration(days=rows - 1),
                eager=True,
            ),
            "note": [f"n{i}" if i % 5 else None for i in range(rows)],
        }
    )  # fmt: skip
    source = tmp_path / "visits.parquet"
    table.write_parquet(source)
    options: dict[str, Any] = {"qi": ("age", "zip", "visit"), "k": 4, "max_suppression": 0.05}
    held = run_anonymize(AnonymizeRequest(source, **options))
    on_spark = run_anonymize(AnonymizeRequest(source, engine="spark", **options))
    assert held.table is not None
    assert on_spark.table is not None
    assert dict(on_spark.levels) == dict(held.levels)
    assert_frame_equal(
        on_spark.table.sort(table.columns, nulls_last=False),
        held.table.sort(table.columns, nulls_last=False),
    )


def test_spark_refuses_what_it_cannot_do_before_reading(spark: Any, tmp_path: Path) -> None:
    with pytest.raises(DeidError, match="reads a file"):
        run_anonymize(
            AnonymizeRequest(pl.LazyFrame({"a": [1]}), qi=("a",), hierarchies={}, engine="spark")
        )
    with pytest.raises(DeidError, match="--master goes with --engine spark"):
        run_anonymize(AnonymizeRequest(EXAMPLE, qi=("age",), master="local[1]"))
    other = tmp_path / "out.csv"
    other.mkdir()
    (other / "mine.txt").write_text("keep me")
    with pytest.raises(DataFileError, match="not Spark output"):
        run_anonymize(AnonymizeRequest(EXAMPLE, qi=("age",), out=other, engine="spark"))
    assert (other / "mine.txt").read_text() == "keep me"


def test_the_command_line_runs_on_spark_and_refuses_cleanly(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "requests.csv"
    shutil.copy(EXAMPLE, source)
    out = tmp_path / "made" / "out.parquet"  # its folder is made, as on Polars
    runner = CliRunner()
    args = ["deid", "anonymize", str(source), "--qi", "district,age", "--k", "3"]
    done = runner.invoke(app, [*args, "--out", str(out), "--engine", "spark"])
    assert done.exit_code == 0, done.output
    assert "Generalization chosen" in done.output
    assert (out / "_SUCCESS").is_file()
    assert (tmp_path / "made" / "age_hierarchy.csv").is_file()
    refused = runner.invoke(
        app, [*args, "--out", str(tmp_path / "b.parquet"), "--engine", "spark",
              "--master", "spark://127.0.0.1:1"],
    )  # fmt: skip
    assert refused.exit_code != 0
    assert "cannot reach the Spark master" in refused.output
    assert "Traceback" not in refused.output
    unknown = runner.invoke(app, [*args, "--out", str(out), "--engine", "dask"])
    assert unknown.exit_code != 0
    assert "unknown --engine 'dask'" in unknown.output


def test_a_csv_output_holds_the_polars_text_of_typed_values(spark: Any, tmp_path: Path) -> None:
    """Spark would write its own text for numbers, dates and times ("1.0E-4"); the parts
    hold what the Polars engine writes, line for line."""
    rows = 300
    table = pl.DataFrame(
        {
            "age": [20 + i % 40 for i in range(rows)],
            "ratio": [None if i % 11 == 0 else 1e-4 * i for i in range(rows)],
            "seen": pl.datetime_range(
                pl.datetime(2025, 3, 1), pl.datetime(2025, 3, 1) + pl.duration(hours=rows - 1),
                interval="1h", eager=True,
            ),
            "note": [
                " padded " if i % 7 == 0 else "" if i % 5 == 0 else f"n{i}" for i in range(rows)
            ],
        }
    )  # fmt: skip
    source = tmp_path / "typed.parquet"
    table.write_parquet(source)
    polars, on_spark = _both(tmp_path, source, ".csv", qi=("age",), k=3)
    parts = sorted(on_spark[1].glob("part-*.csv"))
    spark_lines = [line for part in parts for line in part.read_text().splitlines()[1:]]
    polars_lines = polars[1].read_text().splitlines()
    assert parts[0].read_text().splitlines()[0] == polars_lines[0]  # the header
    assert sorted(spark_lines) == sorted(polars_lines[1:])


def test_more_tuples_than_the_driver_may_take_is_a_clear_error(spark: Any, tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    request = AnonymizeRequest(
        EXAMPLE, qi=("district", "age"), out=out, engine="spark", max_classes=5
    )
    with pytest.raises(DeidError, match=r"distinct quasi-identifier tuples would be brought"):
        run_anonymize(request)
    assert list(tmp_path.iterdir()) == []
