"""Optimal anonymization: a pruned search of the full-domain generalization lattice.

The public entry point is :func:`anonymize` (with its :class:`Settings` and its result,
an :class:`Anonymization`), with the hierarchy reader :func:`find_hierarchies` and the
names of the information-loss metrics (:data:`METRICS`). The pieces are the hierarchy
reader (``hierarchies``), the lattice (``lattice``), the integer-coded class evaluation
(``groups``, ``keyed``, ``evaluator``), the information-loss metrics (``loss``), the
Flash-style search (``flash``) and the Polars encoding of a table (``encode``).
"""

from steward.deid.search.anonymize import Anonymization, Settings, anonymize
from steward.deid.search.hierarchies import CodedHierarchy, find_hierarchies, from_rows
from steward.deid.search.loss import METRICS, MetricName

__all__ = [
    "METRICS",
    "Anonymization",
    "CodedHierarchy",
    "MetricName",
    "Settings",
    "anonymize",
    "find_hierarchies",
    "from_rows",
]
