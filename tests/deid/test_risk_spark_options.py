"""``steward deid risk --engine spark`` with ``--population-file`` and ``--per-record``:
the Polars engine's report and rows, the per-record folder put in place whole, and the
refusals (from the request and the command line) without a traceback or a value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from steward.cli.main import app
from steward.deid import DataFileError, DeidError, RiskRequest, run_risk

EXAMPLE = Path(__file__).parents[2] / "examples" / "deid" / "service-requests.csv"
QI = ("district", "age")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A sample (CSV, and Parquet with typed ages and times) of the example requests,
    with a few records whose ages are not in the population, and the population (CSV
    and typed Parquet)."""
    folder = tmp_path_factory.mktemp("risk-spark")
    people = pl.read_csv(EXAMPLE, infer_schema=False)
    strangers = people.head(4).with_columns(pl.lit("131").alias("age"))
    sample = pl.concat([people.gather_every(3), strangers])
    made = {}
    for name, table in (("sample", sample), ("population", people)):
        made[f"{name}.csv"] = folder / f"{name}.csv"
        table.write_csv(made[f"{name}.csv"])
        made[f"{name}.parquet"] = folder / f"{name}.parquet"
        typed = table.with_columns(
            pl.col("age").cast(pl.Int64), pl.col("opened_on").str.to_datetime("%Y-%m-%d")
        )
        typed.write_parquet(made[f"{name}.parquet"])
    return made


@pytest.mark.parametrize(
    ("sample", "population"),
    [
        ("sample.csv", "population.parquet"),
        ("sample.parquet", "population.csv"),
    ],
)
def test_a_population_file_gives_the_polars_report_on_spark(
    spark: Any, files: dict[str, Path], sample: str, population: str
) -> None:
    options: dict[str, Any] = {
        "qi": QI,
        "sensitive": ("request_type",),
        "k": 3,
        "population_file": files[population],
        "show_values": True,
    }
    polars = run_risk(RiskRequest(files[sample], **options)).report
    on_spark = run_risk(RiskRequest(files[sample], engine="spark", **options)).report
    assert any("missing from the population" in note for note in polars.notes)
    assert on_spark.to_dict() == polars.to_dict()
    assert on_spark.to_json() == polars.to_json()


def _rows(table: pl.DataFrame) -> pl.DataFrame:
    """``table`` with its risks as numbers, in a fixed order."""
    typed = table.with_columns(pl.col("reid_risk").cast(pl.Float64))
    return typed.sort(typed.columns, nulls_last=False)


def _read_output(out: Path) -> pl.DataFrame:
    """A per-record output (a file, or a folder of Spark parts) as Polars reads it."""
    if out.suffix == ".parquet":
        return pl.read_parquet(out / "*.parquet" if out.is_dir() else out)
    return pl.read_csv(out / "*.csv" if out.is_dir() else out, infer_schema=False)


@pytest.mark.parametrize(
    ("source", "out", "population"),
    [
        ("sample.csv", "risk.csv", None),
        ("sample.csv", "risk.parquet", "population.parquet"),
        ("sample.parquet", "risk.parquet", None),
    ],
)
def test_per_record_rows_are_the_polars_rows_in_a_folder_of_parts(
    spark: Any,
    files: dict[str, Path],
    tmp_path: Path,
    source: str,
    out: str,
    population: str | None,
) -> None:
    pop = None if population is None else files[population]
    options: dict[str, Any] = {"qi": QI, "k": 3, "population_file": pop}
    polars_out, spark_out = tmp_path / "polars" / out, tmp_path / "spark" / out
    polars_out.parent.mkdir()
    spark_out.parent.mkdir()
    polars = run_risk(RiskRequest(files[source], per_record=polars_out, **options))
    on_spark = run_risk(RiskRequest(files[source], per_record=spark_out, engine="spark", **options))
    assert on_spark.per_record == spark_out
    assert on_spark.report.to_dict() == polars.report.to_dict()
    assert (spark_out / "_SUCCESS").is_file()
    parts = sorted(p.name for p in spark_out.iterdir() if p.name != "_SUCCESS")
    assert parts
    assert all(p.startswith("part-") and p.endswith(spark_out.suffix) for p in parts)
    assert [p.name for p in spark_out.parent.iterdir()] == [out]  # nothing left beside it
    expected, written = _read_output(polars_out), _read_output(spark_out)
    assert written.columns == expected.columns
    assert written.columns[-1] == "reid_risk"
    if source.endswith(".parquet"):
        assert written.schema == expected.schema  # times too: microseconds, no zone
    assert _rows(written).equals(_rows(expected))


def test_a_second_run_replaces_the_folder_and_a_polars_file(
    spark: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "risk.csv"
    run_risk(RiskRequest(files["sample.csv"], qi=QI, per_record=out))
    assert out.is_file()
    for qi in (QI, ("district",)):
        run_risk(RiskRequest(files["sample.csv"], qi=qi, per_record=out, engine="spark"))
        assert (out / "_SUCCESS").is_file()
    districts = _read_output(out).group_by("district").len()
    risks = _read_output(out).group_by("district").agg(pl.col("reid_risk").first())
    joined = districts.join(risks, on="district")
    assert joined.select((pl.col("reid_risk").cast(pl.Float64) == 1.0 / pl.col("len")).all()).item()
    assert [p.name for p in tmp_path.iterdir()] == ["risk.csv"]


def test_quoted_values_nulls_and_empty_texts_survive_the_folder(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "odd.csv"
    source.write_text(
        'zip,note\n1,"say ""hi"""\n1,\n2,""\n2,two words\n3,"a,b"\n', encoding="utf-8"
    )
    polars_out, spark_out = tmp_path / "polars.csv", tmp_path / "spark.csv"
    run_risk(RiskRequest(source, qi=("zip",), per_record=polars_out))
    run_risk(RiskRequest(source, qi=("zip",), per_record=spark_out, engine="spark"))
    expected = pl.read_csv(polars_out, infer_schema=False)
    written = pl.read_csv(spark_out / "*.csv", infer_schema=False)
    assert written.filter(pl.col("note").is_null()).height == 1
    assert written.filter(pl.col("note") == "").height == 1
    assert _rows(written).equals(_rows(expected))


def test_a_source_with_reid_risk_is_refused_as_on_polars(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "scored.csv"
    source.write_text("age,reid_risk\n30,0.5\n", encoding="utf-8")
    for engine in ("polars", "spark"):
        out = tmp_path / f"{engine}.csv"
        with pytest.raises(DeidError, match="already has a column named 'reid_risk'"):
            run_risk(RiskRequest(source, qi=("age",), per_record=out, engine=engine))
        assert not out.exists()


def test_a_population_file_without_a_quasi_identifier_is_refused(
    spark: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    population = tmp_path / "people.csv"
    pl.read_csv(files["population.csv"], infer_schema=False).drop("age").write_csv(population)
    for engine in ("polars", "spark"):
        with pytest.raises(DataFileError, match=r"people\.csv: no column 'age'; the columns"):
            run_risk(
                RiskRequest(files["sample.csv"], qi=QI, population_file=population, engine=engine)
            )


def test_an_output_that_cannot_be_written_is_refused_before_spark_works(
    spark: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    foreign = tmp_path / "mine.csv"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(DataFileError, match="a folder that is not Spark output is there"):
        run_risk(RiskRequest(files["sample.csv"], qi=QI, per_record=foreign, engine="spark"))
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep"
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(DataFileError, match="a-file: no such folder"):
        run_risk(
            RiskRequest(files["sample.csv"], qi=QI, per_record=blocker / "r.csv", engine="spark")
        )


def test_a_failed_spark_write_is_told_by_kind_and_leaves_nothing(
    spark: Any, tmp_path: Path
) -> None:
    from pyspark.sql import functions

    from steward.deid.io_spark import write_table_spark

    secret = "Jane Q. Resident"
    nested = spark.createDataFrame([(secret,)], "name string").select(
        functions.struct("name").alias("person")
    )
    out = tmp_path / "nested.csv"
    with pytest.raises(DataFileError, match="cannot be written: Spark failed writing it") as info:
        write_table_spark(nested, out)
    assert secret not in str(info.value)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(DataFileError, match=r"\.json: Spark writes \.csv, \.tsv or \.parquet"):
        write_table_spark(nested, tmp_path / "nested.json")


def test_write_table_spark_writes_tab_separated_parts_and_parquet_times(
    spark: Any, tmp_path: Path
) -> None:
    import datetime as dt

    from steward.deid.io_spark import read_table_spark, write_table_spark

    frame = spark.createDataFrame([("a b", "1"), ("c,d", None)], "text string, n string")
    out = tmp_path / "table.tsv"
    write_table_spark(frame, out)
    back = read_table_spark(out, session=spark, format="csv", delimiter="\t")
    assert sorted(back.collect(), key=str) == sorted(frame.collect(), key=str)
    assert not list(out.glob(".*.crc"))
    moment = dt.datetime(2025, 6, 15, 8, 30, 1, 250, tzinfo=dt.UTC)
    times = spark.createDataFrame([(moment,)], "at timestamp")
    write_table_spark(times, tmp_path / "times.parquet")
    read = pl.read_parquet(tmp_path / "times.parquet" / "*.parquet")
    assert read.schema["at"] == pl.Datetime("us", "UTC")
    assert read["at"].to_list() == [moment]


def test_the_command_line_runs_both_options_on_spark_and_refuses_cleanly(
    spark: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    runner = CliRunner()
    base = ["deid", "risk", str(files["sample.csv"]), "--qi", ",".join(QI), "--engine", "spark"]
    out = tmp_path / "risk.parquet"
    done = runner.invoke(
        app,
        [*base, "--population-file", str(files["population.parquet"]), "--per-record", str(out)],
    )
    assert done.exit_code == 0, done.output
    assert "journalist" in done.output
    assert (out / "_SUCCESS").is_file()
    no_age = tmp_path / "no-age.csv"
    no_age.write_text("district\nWest\n", encoding="utf-8")
    scored = tmp_path / "scored.csv"
    scored.write_text("district,age,reid_risk\nWest,30,1\n", encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    refusals = [
        ([*base, "--population-file", str(no_age)], "no column 'age'"),
        (
            [*base[:2], str(scored), *base[3:], "--per-record", str(tmp_path / "r.csv")],
            "already has a column named 'reid_risk'",
        ),
        ([*base, "--per-record", str(blocker / "r.csv")], "no such folder"),
    ]
    for args, message in refusals:
        result = runner.invoke(app, args)
        assert result.exit_code != 0
        assert message in result.output
        assert "Traceback" not in result.output
