"""``measure_risk``: the whole risk analysis of a table's equivalence classes."""

from __future__ import annotations

from collections.abc import Mapping

from steward.deid.classes import ClassTable
from steward.deid.errors import DeidError
from steward.deid.limits import risk_limit
from steward.deid.risk.cells import small_cells
from steward.deid.risk.closeness import sensitive_domain, t_closeness
from steward.deid.risk.metrics import (
    classes_below,
    distinct_l,
    entropy_l,
    k_of,
    records_below,
    recursive_c,
    sample_uniqueness,
    size_histogram,
    unique_records,
)
from steward.deid.risk.reidentification import (
    estimated_population,
    journalist_risk,
    marketer_risk,
    matched_population,
    prosecutor_risk,
)
from steward.deid.risk.report import RiskReport, SensitiveRisk


def measure_risk(
    classes: ClassTable,
    k: int = 5,
    population: ClassTable | int | None = None,
    *,
    threshold: float | None = None,
    ordered: Mapping[str, bool] | None = None,
    show_values: bool = False,
) -> RiskReport:
    """Measure k, l, t, uniqueness, re-identification risk and small cells.

    Args:
        classes: the sample's equivalence classes (with sensitive distributions for
            l-diversity and t-closeness).
        k: the k below which classes are small cells and records are "below k".
        population: the population's classes over the same quasi-identifiers (exact
            journalist and marketer risk), or the population size alone (an estimate),
            or ``None`` (journalist = prosecutor, marketer = classes / records).
        threshold: a record is "at risk" when its risk is strictly above this; defaults
            to ``1/k``, so the records at risk are those in classes smaller than k.
        ordered: per sensitive column, force the ordered (``True``) or equal
            (``False``) distance of t-closeness; others are decided by whether all values
            are numbers.
        show_values: include the small cells' quasi-identifier values in the report.

    Raises:
        DeidError: ``k`` is below 1, ``threshold`` is outside 0..1, the population is
            smaller than the sample or has other quasi-identifiers, or a column forced
            to be ordered holds non-numbers.
    """
    limit = risk_limit(k, threshold)
    sizes = classes.sizes
    notes: list[str] = []
    population_sizes = None
    population_total: int | None = None
    if isinstance(population, ClassTable):
        population_sizes, raised = matched_population(classes, population)
        population_total = population.records
        if population_total < classes.records:
            raise DeidError(
                f"the population ({population_total:,} records) is smaller than the sample "
                f"({classes.records:,} records)"
            )
        if raised:
            notes.append(
                f"{raised:,} sample classes were missing from the population or larger "
                "there; their population size was taken as their sample size"
            )
    elif population is not None:
        population_sizes = estimated_population(sizes, population)
        population_total = population
        notes.append(
            "population class sizes estimated as sample size x population / sample "
            "(uniform sampling)"
        )
    sensitive = []
    for column, counts in classes.sensitive.items():
        lowest = distinct_l(counts, classes.classes)
        domain = sensitive_domain(counts, None if ordered is None else ordered.get(column))
        sensitive.append(
            SensitiveRisk(
                column=column,
                ordered=domain.ordered,
                distinct_l=lowest,
                entropy_l=entropy_l(counts, classes.classes),
                recursive_l=lowest,
                recursive_c=recursive_c(counts, lowest, classes.classes) if lowest >= 2 else None,
                t=t_closeness(counts, domain, classes.classes),
            )
        )
    return RiskReport(
        qi=tuple(classes.qi),
        records=classes.records,
        classes=classes.classes,
        k_target=k,
        k=k_of(sizes),
        histogram=tuple(size_histogram(sizes)),
        classes_below_k=classes_below(sizes, k),
        records_below_k=records_below(sizes, k),
        unique_records=unique_records(sizes),
        sample_uniqueness=sample_uniqueness(sizes),
        prosecutor=prosecutor_risk(sizes, limit),
        journalist=journalist_risk(sizes, population_sizes, limit),
        marketer=marketer_risk(sizes, population_sizes),
        sensitive=tuple(sensitive),
        small_cells=small_cells(classes, k, show_values=show_values),
        population=population_total,
        notes=tuple(notes),
    )
