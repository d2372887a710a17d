"""The de-identification engine: scan for personal data, measure re-identification risk,
transform by a reviewable recipe, and search for the optimal anonymization.

Plain Python. The engine-neutral core works on aggregated equivalence classes
(:class:`ClassTable`); an engine (:class:`PolarsEngine` by default, or
:class:`SparkEngine` with the ``steward[spark]`` extra) reads data and produces those
aggregates. The parts are the packages :mod:`~steward.deid.scan`,
:mod:`~steward.deid.risk`, :mod:`~steward.deid.transforms`, :mod:`~steward.deid.search`
and :mod:`~steward.deid.report`; here are the errors, the engine and table reading.

Every module of the engine imports this package first, so the names that need Polars or
NumPy are imported only when first used (:mod:`steward._lazy`).
"""

from typing import TYPE_CHECKING

from steward._lazy import lazy_exports
from steward.deid.errors import DataFileError, DeidError

if TYPE_CHECKING:
    from steward.deid.classes import ClassTable
    from steward.deid.engine import PolarsEngine
    from steward.deid.engine_spark import SparkEngine, spark_session
    from steward.deid.io import collect, column_names, read_table, require_columns
    from steward.deid.io_spark import read_table_spark
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "classes": ["ClassTable"],
            "engine": ["PolarsEngine"],
            "engine_spark": ["SparkEngine", "spark_session"],
            "io": ["collect", "column_names", "read_table", "require_columns"],
            "io_spark": ["read_table_spark"],
        },
    )

__all__ = [
    "ClassTable",
    "DataFileError",
    "DeidError",
    "PolarsEngine",
    "SparkEngine",
    "collect",
    "column_names",
    "read_table",
    "read_table_spark",
    "require_columns",
    "spark_session",
]
