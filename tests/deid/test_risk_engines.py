"""``steward deid risk --engine spark``: the same report as the Polars engine, byte for
byte, from the request and from the command line; and the engine options' refusals as
a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from steward.cli.main import app
from steward.deid import DeidError, RiskRequest, run_risk

EXAMPLE = Path(__file__).parents[2] / "examples" / "deid" / "service-requests.csv"


@pytest.mark.parametrize(
    ("options", "show_values"),
    [
        ({"qi": ("age", "postal_code"), "sensitive": ("request_type",)}, False),
        ({"qi": ("district", "age"), "k": 3, "population": 5000}, True),
    ],
)
def test_spark_gives_the_polars_report(
    spark: Any, options: dict[str, Any], show_values: bool
) -> None:
    polars = run_risk(RiskRequest(EXAMPLE, show_values=show_values, **options))
    on_spark = run_risk(RiskRequest(EXAMPLE, show_values=show_values, engine="spark", **options))
    assert on_spark.report.to_json() == polars.report.to_json()


def test_the_command_line_takes_the_engine(spark: Any) -> None:
    runner = CliRunner()
    args = ["deid", "risk", str(EXAMPLE), "--qi", "age,postal_code", "--format", "json"]
    polars = runner.invoke(app, args)
    on_spark = runner.invoke(app, [*args, "--engine", "spark"])
    assert polars.exit_code == on_spark.exit_code == 0, on_spark.output
    assert on_spark.stdout == polars.stdout
    missing = runner.invoke(app, [*args[:4], "age,height", "--engine", "spark"])
    assert missing.exit_code != 0
    assert "no column 'height'" in missing.output
    assert "Traceback" not in missing.output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "dask"}, "unknown --engine 'dask'; use one of polars, spark"),
        ({"master": "spark://h:7077"}, "--master goes with --engine spark"),
        ({"max_classes": 10}, "--max-classes goes with --engine spark"),
        ({"engine": "spark", "max_classes": 0}, "--max-classes must be at least 1, not 0"),
        (
            {"engine": "spark", "source": pl.LazyFrame({"age": [1]})},
            "the Spark engine reads a file",
        ),
    ],
)
def test_engine_options_are_checked_before_anything_runs(
    options: dict[str, Any], message: str
) -> None:
    fields = {"source": EXAMPLE, "qi": ("age",), **options}
    with pytest.raises(DeidError, match=message):
        RiskRequest(**fields).validate()


def test_a_driver_limit_is_a_clear_error_and_can_be_raised(spark: Any) -> None:
    runner = CliRunner()
    args = ["deid", "risk", str(EXAMPLE), "--qi", "age,postal_code", "--engine", "spark"]
    refused = runner.invoke(app, [*args, "--max-classes", "3"])
    assert refused.exit_code == 2
    assert "would be brought to the Spark driver, more than the limit of 3" in refused.output
    assert "--max-classes" in refused.output
    assert "Traceback" not in refused.output
    raised = runner.invoke(app, [*args, "--max-classes", "100000", "--format", "json"])
    polars = runner.invoke(app, [*args[:5], "--format", "json"])
    assert raised.exit_code == polars.exit_code == 0, raised.output
    assert raised.stdout == polars.stdout
    on_polars = runner.invoke(app, [*args[:5], "--max-classes", "3"])
    assert on_polars.exit_code != 0
    assert "--max-classes goes with --engine spark" in on_polars.output


def test_spark_scans_the_same_rows_to_the_same_report(spark: Any, tmp_path: Path) -> None:
    from steward.deid import ScanRequest, run_scan
    from steward.deid.scan import to_json

    parquet = tmp_path / "requests.parquet"
    pl.read_csv(EXAMPLE, infer_schema=False).with_columns(
        pl.col("age").cast(pl.Int64)
    ).write_parquet(parquet)
    for source in (EXAMPLE, parquet):
        polars = run_scan(ScanRequest(source, show_examples=True))
        on_spark = run_scan(ScanRequest(source, show_examples=True, engine="spark"))
        assert to_json(on_spark.report, on_spark.examples) == to_json(
            polars.report, polars.examples
        )
    with pytest.raises(DeidError, match="--master goes with --engine spark"):
        ScanRequest(EXAMPLE, master="spark://h:7077").validate()


def test_a_ragged_row_is_refused_by_line_on_spark_as_on_polars(spark: Any, tmp_path: Path) -> None:
    from steward.deid import DataFileError

    ragged = tmp_path / "ragged.csv"
    ragged.write_text("age,zip\n30,12345\n40,12345,extra\n", encoding="utf-8")
    for engine in ("polars", "spark"):
        with pytest.raises(DataFileError, match="line 3: 3 fields where the header has 2"):
            run_risk(RiskRequest(ragged, qi=("age",), engine=engine))
