"""Optimal anonymization: a pruned search of the full-domain generalization lattice.

The public entry point is :func:`steward.deid.search.anonymize.anonymize`; the pieces are
the hierarchy reader (``hierarchies``), the lattice (``lattice``), the integer-coded class
evaluation (``classes``), the information-loss metrics (``loss``), the Flash-style search
(``flash``) and the Polars encoding of a table (``encode``).
"""
