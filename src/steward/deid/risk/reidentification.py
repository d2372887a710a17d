"""Re-identification risk under the prosecutor, journalist and marketer attacker models.

The models and formulas follow El Emam, *Guide to the De-Identification of Personal
Health Information* (2013), Dankar & El Emam (2008), "A method for evaluating marketer
re-identification risk", and the ARX tool's risk summary (Prasser et al.). Write ``f_j``
for the size of sample class ``j``, ``F_j`` for the size of the same combination of
quasi-identifier values in the population, ``n`` for the sample's records and ``J`` for
its classes.

* **Prosecutor** (the attacker knows the target is in the released data): a record's
  risk is ``1/f_j``. Highest = ``1/min f_j``; average = ``J/n``; records at risk = the
  share of records whose risk exceeds the threshold.
* **Journalist** (the attacker does not know whether the target is in the sample, and
  matches against the population): a record's risk is ``1/F_j``. Highest =
  ``1/min F_j``; average = ``J / sum_j F_j`` (ARX's "success rate": a random
  population member matching a released class is re-identified with this
  probability); records at risk as for the prosecutor with ``1/F_j``. Without
  population figures ``F_j = f_j`` and the journalist risk equals the prosecutor risk.
* **Marketer** (the attacker tries to re-identify everyone): expected share of
  correct matches = ``(1/n) sum_j f_j / F_j``; with no population it is ``J/n``.

Population sizes come from a population table (exact ``F_j``) or from a population
size ``N`` alone, which estimates ``F_j = f_j * N / n`` (uniform sampling; a crude
estimate that ignores how sampling breaks up rare combinations).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from steward.deid.classes import ClassTable, Int64Array
from steward.deid.errors import DeidError
from steward.deid.risk.metrics import FloatArray


@dataclass(frozen=True)
class AttackerRisk:
    """The re-identification risk under one attacker model.

    ``highest`` and ``records_at_risk`` are ``None`` for the marketer model, which has
    only an average. ``records_at_risk`` is a share of records (0..1) whose risk is
    strictly above ``threshold``.
    """

    model: str
    average: float
    highest: float | None = None
    records_at_risk: float | None = None
    threshold: float | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary."""
        return {
            "model": self.model,
            "average": self.average,
            "highest": self.highest,
            "records_at_risk": self.records_at_risk,
            "threshold": self.threshold,
            "note": self.note,
        }


def record_risk(sizes: Int64Array) -> FloatArray:
    """Each class's prosecutor risk ``1/f_j`` (each of its records has this risk)."""
    return 1.0 / sizes.astype(np.float64)


def _at_risk(sizes: Int64Array, denominators: FloatArray, threshold: float) -> float:
    records = int(sizes.sum())
    if not records:
        return 0.0
    return float(sizes[1.0 / denominators > threshold].sum()) / records


def prosecutor_risk(sizes: Int64Array, threshold: float) -> AttackerRisk:
    """Prosecutor risk of a sample with class sizes ``sizes`` (all zero if empty)."""
    records = int(sizes.sum())
    if not records:
        return AttackerRisk("prosecutor", 0.0, 0.0, 0.0, threshold)
    return AttackerRisk(
        "prosecutor",
        average=sizes.size / records,
        highest=1.0 / float(sizes.min()),
        records_at_risk=_at_risk(sizes, sizes.astype(np.float64), threshold),
        threshold=threshold,
    )


def journalist_risk(
    sizes: Int64Array, population: FloatArray | None, threshold: float, note: str | None = None
) -> AttackerRisk:
    """Journalist risk; ``population[j]`` is ``F_j``, aligned with ``sizes``.

    Without ``population`` the result is the prosecutor risk, with a note saying so.

    Raises:
        DeidError: ``population`` is not aligned with ``sizes``.
    """
    if population is None:
        base = prosecutor_risk(sizes, threshold)
        return AttackerRisk(
            "journalist",
            base.average,
            base.highest,
            base.records_at_risk,
            threshold,
            "no population given: equal to the prosecutor risk",
        )
    _check_aligned(sizes, population)
    if not sizes.size:
        return AttackerRisk("journalist", 0.0, 0.0, 0.0, threshold, note)
    return AttackerRisk(
        "journalist",
        average=sizes.size / float(population.sum()),
        highest=1.0 / float(population.min()),
        records_at_risk=_at_risk(sizes, population, threshold),
        threshold=threshold,
        note=note,
    )


def marketer_risk(
    sizes: Int64Array, population: FloatArray | None, note: str | None = None
) -> AttackerRisk:
    """Marketer risk: ``(1/n) sum_j f_j / F_j``, or ``J/n`` without a population.

    Raises:
        DeidError: ``population`` is not aligned with ``sizes``.
    """
    records = int(sizes.sum())
    if not records:
        return AttackerRisk("marketer", 0.0, note=note)
    if population is None:
        return AttackerRisk("marketer", sizes.size / records, note=note)
    _check_aligned(sizes, population)
    return AttackerRisk("marketer", float((sizes / population).sum()) / records, note=note)


def estimated_population(sizes: Int64Array, population_size: int) -> FloatArray:
    """Estimate ``F_j = f_j * N / n`` from the population size ``N`` alone.

    Raises:
        DeidError: ``N`` is smaller than the sample.
    """
    records = int(sizes.sum())
    if population_size < records:
        raise DeidError(
            f"the population ({population_size:,} people) is smaller than the sample "
            f"({records:,} records)"
        )
    if not records:
        return np.zeros(0, dtype=np.float64)
    return sizes.astype(np.float64) * (population_size / records)


def matched_population(sample: ClassTable, population: ClassTable) -> tuple[FloatArray, int]:
    """``F_j`` for each sample class, looked up in the population's classes by value.

    A sample class missing from the population, or larger there than in the population
    (the population should contain the sample), gets ``F_j = f_j``. Returns the sizes
    and how many classes needed that correction.

    Raises:
        DeidError: the two tables do not have the same quasi-identifiers.
    """
    if tuple(sample.qi) != tuple(population.qi):
        raise DeidError("the population must have the same quasi-identifiers as the sample")
    if not sample.qi:
        found = np.full(sample.classes, float(population.records), dtype=np.float64)
    else:
        lookup = dict(
            zip(
                zip(*(population.values[name] for name in population.qi), strict=True),
                population.sizes.tolist(),
                strict=True,
            )
        )
        rows = zip(*(sample.values[name] for name in sample.qi), strict=True)
        found = np.fromiter(
            (lookup.get(row, 0) for row in rows), dtype=np.float64, count=sample.classes
        )
    raised = found < sample.sizes
    return np.where(raised, sample.sizes.astype(np.float64), found), int(raised.sum())


def _check_aligned(sizes: Int64Array, population: FloatArray) -> None:
    if population.shape != sizes.shape:
        raise DeidError("the population sizes must give one figure per sample class")
