"""Fixtures shared by the de-identification tests: one local Spark session per run.

The session is small and quiet: two local cores, four shuffle partitions, no web UI,
bound to loopback. Tests that use it are skipped, saying why, only where PySpark is not
installed (CI installs the ``spark`` extra and has Java 17).
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from typing import Any

import pytest

SPARK_CONFIG = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.sql.adaptive.enabled": "false",
}
NO_PYSPARK = "PySpark is not installed (pip install 'steward[spark]'): Spark engine untested"


def pyspark_installed() -> bool:
    """Whether PySpark can be imported (without importing it)."""
    return importlib.util.find_spec("pyspark") is not None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local Spark session (``local[2]``) for the whole test run."""
    if not pyspark_installed():
        pytest.skip(NO_PYSPARK)
    from steward.deid.engine_spark import spark_session

    session = spark_session("local[2]", SPARK_CONFIG)
    yield session
    with contextlib.suppress(Exception):  # a JVM already gone has nothing left to stop
        session.stop()
