"""Re-identification risk of a table, measured from its equivalence classes.

Main entry point::

    from steward.deid import PolarsEngine
    from steward.deid.risk import measure_risk

    classes = PolarsEngine().classes(table, qi=["age", "zip"], sensitive=["diagnosis"])
    report = measure_risk(classes, k=5)          # a RiskReport
    report.k, report.prosecutor.highest, report.to_json()

Fast checks for a search over many groupings of one table (all plain NumPy, working on
``ClassTable.sizes`` and ``ClassTable.sensitive[column]``):

* ``k_of(sizes)``: k of k-anonymity; ``records_below(sizes, k)``: records to suppress.
* ``distinct_l(sensitive)``, ``entropy_l(sensitive)``, ``recursive_c(sensitive, l)``.
* ``t_closeness(sensitive, overall)``, with ``overall = sensitive_domain(sensitive_of_the_
  original_table)`` computed once.
* ``record_risk(sizes)``: each class's prosecutor risk ``1/size``.

Every formula, with references, is in ``docs/deid-risk.md``.
"""

from __future__ import annotations

from steward.deid.risk.cells import CellSize, SmallCells, small_cells
from steward.deid.risk.closeness import (
    SensitiveDomain,
    emd_per_class,
    is_numeric,
    sensitive_domain,
    t_closeness,
)
from steward.deid.risk.measure import measure_risk
from steward.deid.risk.metrics import (
    SizeBucket,
    classes_below,
    distinct_l,
    distinct_per_class,
    entropy_l,
    entropy_per_class,
    k_of,
    records_below,
    recursive_c,
    sample_uniqueness,
    size_histogram,
    unique_records,
)
from steward.deid.risk.reidentification import (
    AttackerRisk,
    estimated_population,
    journalist_risk,
    marketer_risk,
    matched_population,
    prosecutor_risk,
    record_risk,
)
from steward.deid.risk.report import RiskReport, SensitiveRisk

__all__ = [
    "AttackerRisk",
    "CellSize",
    "RiskReport",
    "SensitiveDomain",
    "SensitiveRisk",
    "SizeBucket",
    "SmallCells",
    "classes_below",
    "distinct_l",
    "distinct_per_class",
    "emd_per_class",
    "entropy_l",
    "entropy_per_class",
    "estimated_population",
    "is_numeric",
    "journalist_risk",
    "k_of",
    "marketer_risk",
    "matched_population",
    "measure_risk",
    "prosecutor_risk",
    "record_risk",
    "records_below",
    "recursive_c",
    "sample_uniqueness",
    "sensitive_domain",
    "size_histogram",
    "small_cells",
    "t_closeness",
    "unique_records",
]
