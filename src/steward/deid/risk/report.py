"""The risk report: every figure of a risk analysis in one dataclass, and its JSON form.

The JSON form (:meth:`RiskReport.to_dict`) is what ``steward deid risk --format json``
prints and what the transform manifest records as input and output risk. It holds sizes,
counts and shares only; the values of small cells appear only when they were asked for.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from steward.deid.risk.cells import SmallCells
from steward.deid.risk.metrics import SizeBucket
from steward.deid.risk.reidentification import AttackerRisk


@dataclass(frozen=True)
class SensitiveRisk:
    """l-diversity and t-closeness of one sensitive column.

    Attributes:
        column: the sensitive column.
        ordered: whether t used the ordered (numerical) distance, else the equal distance.
        distinct_l: the fewest distinct values in any class.
        entropy_l: ``min exp(entropy)`` over classes.
        recursive_l: the ``l`` used for recursive (c, l)-diversity (= ``distinct_l``).
        recursive_c: the table is recursive (c, l)-diverse for any ``c`` above this;
            ``None`` when ``distinct_l`` is below 2 (no useful bound).
        t: the largest Earth Mover's Distance of a class from the whole table.
    """

    column: str
    ordered: bool
    distinct_l: int
    entropy_l: float
    recursive_l: int
    recursive_c: float | None
    t: float

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary."""
        return {
            "column": self.column,
            "distance": "ordered" if self.ordered else "equal",
            "distinct_l": self.distinct_l,
            "entropy_l": self.entropy_l,
            "recursive_l": self.recursive_l,
            "recursive_c": _finite(self.recursive_c),
            "t": self.t,
        }


@dataclass(frozen=True)
class RiskReport:
    """The re-identification risk of a table over its quasi-identifiers.

    Attributes:
        qi: the quasi-identifiers.
        records: how many records the table holds.
        classes: how many distinct quasi-identifier combinations occur.
        k_target: the k the small-cell list and "below k" counts use.
        k: the smallest class size (0 for an empty table).
        histogram: how many classes (and records) have each size.
        classes_below_k / records_below_k: classes smaller than ``k_target``, and their
            records.
        unique_records: records alone in their class.
        sample_uniqueness: ``unique_records / records``.
        prosecutor / journalist / marketer: risk under each attacker model.
        sensitive: l-diversity and t-closeness per sensitive column.
        small_cells: the classes smaller than ``k_target``.
        population: the population size used (records of the population table, or the
            size given), or ``None``.
        notes: caveats on how figures were obtained.
    """

    qi: tuple[str, ...]
    records: int
    classes: int
    k_target: int
    k: int
    histogram: tuple[SizeBucket, ...]
    classes_below_k: int
    records_below_k: int
    unique_records: int
    sample_uniqueness: float
    prosecutor: AttackerRisk
    journalist: AttackerRisk
    marketer: AttackerRisk
    sensitive: tuple[SensitiveRisk, ...]
    small_cells: SmallCells
    population: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def k_anonymous(self) -> bool:
        """Whether every class holds at least ``k_target`` records."""
        return self.records > 0 and self.k >= self.k_target

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary (NaN and infinities become ``null``)."""
        return {
            "qi": list(self.qi),
            "records": self.records,
            "classes": self.classes,
            "k_target": self.k_target,
            "k": self.k,
            "k_anonymous": self.k_anonymous,
            "class_sizes": [
                {"size": b.label, "classes": b.classes, "records": b.records}
                for b in self.histogram
            ],
            "classes_below_k": self.classes_below_k,
            "records_below_k": self.records_below_k,
            "unique_records": self.unique_records,
            "sample_uniqueness": self.sample_uniqueness,
            "risk": {
                "prosecutor": self.prosecutor.to_dict(),
                "journalist": self.journalist.to_dict(),
                "marketer": self.marketer.to_dict(),
            },
            "sensitive": [s.to_dict() for s in self.sensitive],
            "small_cells": self.small_cells.to_dict(),
            "population": self.population,
            "notes": list(self.notes),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text (strict JSON: no NaN or Infinity)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, default=str)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
