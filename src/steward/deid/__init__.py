"""The de-identification engine: scan for personal data, measure re-identification risk,
transform by a reviewable recipe, and search for the optimal anonymization.

Plain Python. The engine-neutral core works on aggregated equivalence classes
(:class:`ClassTable`); an engine (:class:`PolarsEngine` by default, or
:class:`SparkEngine` with the ``steward[spark]`` extra) reads data and produces those
aggregates. The parts are the packages :mod:`~steward.deid.scan`,
:mod:`~steward.deid.risk`, :mod:`~steward.deid.transforms`, :mod:`~steward.deid.search`
and :mod:`~steward.deid.report`; here are the errors, the engine, table reading, and the
requests (:mod:`~steward.deid.requests`): each command is a request object and one
function that carries it out, which the command line, the vault's extracts and any
other engine's caller share::

    from pathlib import Path

    from steward.deid import RiskRequest, run_risk

    result = run_risk(RiskRequest(Path("people.csv"), qi=("age", "zip"), k=5))
    result.report.k, result.report.to_json()

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
    from steward.deid.limits import DEFAULT_SAMPLE
    from steward.deid.redact.files import run_redact
    from steward.deid.requests.anonymize import run_anonymize
    from steward.deid.requests.measuring import RiskRequest, ScanRequest
    from steward.deid.requests.risk import RiskResult, run_risk
    from steward.deid.requests.scan import ScanResult, run_scan
    from steward.deid.requests.transforming import AnonymizeRequest, ApplyRequest, RedactRequest
    from steward.deid.transforms.run import run_apply
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "classes": ["ClassTable"],
            "engine": ["PolarsEngine"],
            "engine_spark": ["SparkEngine", "spark_session"],
            "io": ["collect", "column_names", "read_table", "require_columns"],
            "limits": ["DEFAULT_SAMPLE"],
            "requests.measuring": ["RiskRequest", "ScanRequest"],
            "requests.transforming": ["AnonymizeRequest", "ApplyRequest", "RedactRequest"],
            "requests.risk": ["RiskResult", "run_risk"],
            "requests.anonymize": ["run_anonymize"],
            "requests.scan": ["ScanResult", "run_scan"],
            "transforms.run": ["run_apply"],
            "redact.files": ["run_redact"],
            "io_spark": ["read_table_spark"],
        },
    )

__all__ = [
    "DEFAULT_SAMPLE",
    "AnonymizeRequest",
    "ApplyRequest",
    "ClassTable",
    "DataFileError",
    "DeidError",
    "PolarsEngine",
    "RedactRequest",
    "RiskRequest",
    "RiskResult",
    "ScanRequest",
    "ScanResult",
    "SparkEngine",
    "collect",
    "column_names",
    "read_table",
    "read_table_spark",
    "require_columns",
    "run_anonymize",
    "run_apply",
    "run_redact",
    "run_risk",
    "run_scan",
    "spark_session",
]
