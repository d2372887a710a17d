"""The Spark engine's own promises: a clear error instead of an out-of-memory crash, a
clear error without PySpark or Java, PySpark imported only when used, and tables read
through Spark by ``read_table``'s rules."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from steward.deid import engine_spark
from steward.deid.engine_spark import INSTALL_HINT, SparkEngine, require_pyspark, spark_session
from steward.deid.errors import DataFileError, DeidError
from steward.deid.io import read_table
from steward.deid.io_spark import read_table_spark
from tests.deid.paths import REPO

REQUESTS = REPO / "examples" / "deid" / "service-requests.csv"


def test_importing_the_engine_does_not_import_pyspark() -> None:
    code = (
        "import sys, steward.deid, steward.deid.risk, steward.deid.engine_spark, "
        "steward.deid.io_spark\n"
        "steward.deid.SparkEngine\n"
        "sys.exit('pyspark' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True)
    assert result.returncode == 0, result.stderr


def test_without_pyspark_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(DeidError, match=r"install steward\[spark\] and Java 17"):
        require_pyspark()


def test_without_java_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    class Builder:
        def appName(self, name: str) -> Builder:
            return self

        def master(self, url: str) -> Builder:
            return self

        def config(self, key: str, value: str) -> Builder:
            return self

        def getOrCreate(self) -> Any:
            raise RuntimeError("[JAVA_GATEWAY_EXITED] Java gateway process exited")

    fake = types.SimpleNamespace(SparkSession=types.SimpleNamespace(builder=Builder()))
    monkeypatch.setattr(engine_spark, "require_pyspark", lambda: fake)
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(DeidError, match="no Java found") as caught:
        spark_session()
    assert INSTALL_HINT in str(caught.value)


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(DeidError, match="at least 1"):
        SparkEngine(max_classes=0)


def test_more_classes_than_the_driver_may_hold_is_a_clear_error(spark: Any) -> None:
    table = read_table_spark(REQUESTS, session=spark)
    with pytest.raises(DeidError, match=r"classes would be brought to the Spark driver") as caught:
        SparkEngine(max_classes=10).classes(table, ["postal_code", "age"])
    assert "limit of 10" in str(caught.value)
    with pytest.raises(DeidError, match=r"'request_type' value pairs"):
        SparkEngine(max_classes=20).classes(table, ["district"], ["request_type"])


def test_csv_is_read_as_read_table_reads_it(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        'name;zip;note\n"Ann";"02139";""\n;"00501";\n"B, ""Bo""";"10001";"x"\n',
        encoding="utf-8",
    )
    frame = read_table_spark(source, session=spark)
    expected = read_table(source).collect()
    assert frame.columns == expected.columns
    assert {field.dataType.typeName() for field in frame.schema.fields} == {"string"}
    assert [tuple(row) for row in frame.collect()] == expected.rows()


def test_latin1_csv_is_decoded(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "latin.csv"
    source.write_bytes("city,n\nJosé,1\nGöteborg,2\n".encode("latin-1"))
    rows = read_table_spark(source, session=spark).collect()
    assert [tuple(row) for row in rows] == read_table(source).collect().rows()


def test_a_ragged_local_file_is_refused_by_line_before_spark_reads_it(
    spark: Any, tmp_path: Path
) -> None:
    source = tmp_path / "ragged.csv"
    source.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="line 3: 1 field where the header has 2"):
        read_table_spark(source, session=spark)


def test_json_lines_keep_their_column_order(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "rows.jsonl"
    source.write_text('{"zeta": 1, "alpha": "a"}\n{"zeta": 2, "alpha": null}\n', encoding="utf-8")
    frame = read_table_spark(source, session=spark)
    assert frame.columns == ["zeta", "alpha"]
    assert [tuple(row) for row in frame.collect()] == read_table(source).collect().rows()


def test_reading_problems_are_data_file_errors(spark: Any, tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        read_table_spark(tmp_path / "missing.csv", session=spark)
    (tmp_path / "table.xlsx").write_text("x", encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown format"):
        read_table_spark(tmp_path / "table.xlsx", session=spark)
    (tmp_path / "twice.csv").write_text("a,a\n1,2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="appears twice"):
        read_table_spark(tmp_path / "twice.csv", session=spark)


def test_a_folder_of_parquet_parts_is_one_table(spark: Any, tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    read_table_spark(REQUESTS, session=spark).repartition(3).write.parquet(str(folder))
    frame = read_table_spark(folder, session=spark, format="parquet")
    classes = SparkEngine().classes(frame, ["district"])
    assert classes.records == read_table(REQUESTS).collect().height


def test_arrow_and_row_collection_give_the_same_table(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What reaches the driver is the same table whether it travels as Arrow batches or,
    for a type Arrow cannot carry, as Spark's rows: the same values and Polars types."""
    import datetime as dt
    from decimal import Decimal

    import polars as pl
    from polars.testing import assert_frame_equal

    types_ = require_pyspark().types
    schema = types_.StructType(
        [
            types_.StructField("n", types_.LongType()),
            types_.StructField("i", types_.IntegerType()),
            types_.StructField("x", types_.DoubleType()),
            types_.StructField("s", types_.StringType()),
            types_.StructField("b", types_.BooleanType()),
            types_.StructField("d", types_.DateType()),
            types_.StructField("t", types_.TimestampType()),
            types_.StructField("m", types_.DecimalType(10, 2)),
        ]
    )
    when = dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC)
    rows = [
        (1, 2, 0.5, "a", True, dt.date(2026, 1, 2), when, Decimal("3.25")),
        (None, None, None, None, None, None, None, None),
        (-7, 0, float("nan"), "", False, dt.date(1999, 12, 31), when, Decimal("-0.01")),
    ]
    frame = spark.createDataFrame(rows, schema)
    by_arrow = engine_spark.to_polars(frame)
    with monkeypatch.context() as patched:

        def no_arrow(frame: Any) -> pl.DataFrame:
            raise TypeError("no Arrow form")

        patched.setattr(engine_spark, "_arrow_collect", no_arrow)
        by_rows = engine_spark.to_polars(frame)
    assert_frame_equal(by_arrow, by_rows)
    expected: dict[str, pl.DataType] = {
        "n": pl.Int64(),
        "i": pl.Int32(),
        "x": pl.Float64(),
        "s": pl.String(),
        "b": pl.Boolean(),
        "d": pl.Date(),
        "t": pl.Datetime("us"),
        "m": pl.Decimal(10, 2),
    }
    assert by_arrow.schema == pl.Schema(expected)
    assert by_arrow.row(0)[6] == dt.datetime(2026, 3, 1, 12, 30)
    assert by_arrow.row(1) == (None,) * 8
    empty = engine_spark.to_polars(frame.limit(0))
    assert empty.height == 0
    assert empty.schema == by_arrow.schema
