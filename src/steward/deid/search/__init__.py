"""Optimal anonymization: a pruned search of the full-domain generalization lattice.

The public entry point is :func:`anonymize` (with its :class:`Settings` and its result,
an :class:`Anonymization`), with the hierarchy reader :func:`find_hierarchies`, the
choice of each quasi-identifier's hierarchy (:func:`hierarchies_for`: its ARX file, or a
built-in) with :func:`write_hierarchies` to record them as ARX files, and the names of
the information-loss metrics (:data:`METRICS`). The pieces are the hierarchy reader
(``hierarchies``, with :mod:`steward.deid.arx_csv`), the built-ins
(``builtin_hierarchies``, ``sources``), the lattice (``lattice``), the integer-coded
class evaluation
(``groups``, ``keyed``, ``evaluator``), the information-loss metrics (``loss``), the
Flash-style search (``flash``) and the Polars encoding of a table (``encode``).
"""

from steward.deid.search.anonymize import Anonymization, Settings, anonymize
from steward.deid.search.hierarchies import CodedHierarchy, find_hierarchies, from_rows
from steward.deid.search.loss import METRICS, MetricName
from steward.deid.search.sources import UsedHierarchy, hierarchies_for, write_hierarchies

__all__ = [
    "METRICS",
    "Anonymization",
    "CodedHierarchy",
    "MetricName",
    "Settings",
    "UsedHierarchy",
    "anonymize",
    "find_hierarchies",
    "from_rows",
    "hierarchies_for",
    "write_hierarchies",
]
