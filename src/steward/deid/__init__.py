"""The de-identification engine: scan for personal data, measure re-identification risk,
transform by a reviewable recipe, and search for the optimal anonymization.

Plain Python. The engine-neutral core works on aggregated equivalence classes
(:class:`~steward.deid.classes.ClassTable`); an engine (Polars by default, Spark later)
reads data and produces those aggregates.
"""
