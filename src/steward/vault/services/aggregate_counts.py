"""Counting a dataset for a release: live records by their clear values, plus the
aggregate table of closed cases; optionally with differentially private noise.

Live records are those still held (not purged) and anonymized ones, created in the
period; the database groups them by the clear values (a JSON key, never a decrypted
value). A field the audience receives only through consent-based purposes counts a
record only while its person has a yes to one of them that was not withdrawn. The
aggregate table holds one field's counts per month, so it adds to a 1-D table only,
and only for fields that need no consent (whose closed cases' consent is gone with
them); each limit is written into the release's notes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from steward.policy.model import Dataset
from steward.vault.models import AggregateCount, Consent, Record
from steward.vault.services.aggregates import VALUE_LENGTH

__all__ = ["Counts", "count_records", "labels_of", "noisy"]

NOT_GIVEN = "(not given)"
"""The label of records without a value for a field."""


@dataclass
class Counts:
    """Counts by one value (``(value,)``) or a pair of values, before suppression."""

    cells: Counter[tuple[str, ...]] = field(default_factory=Counter)
    live: int = 0
    closed: int = 0
    notes: list[str] = field(default_factory=list)


def _value(raw: object) -> str:
    return NOT_GIVEN if raw is None or raw == "" else str(raw)[:VALUE_LENGTH]


def _live(
    dataset: str, start: date, end: date, gates: dict[str, frozenset[str]]
) -> QuerySet[Record]:
    begin = datetime.combine(start, time.min, tzinfo=UTC)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    rows = Record.objects.filter(dataset=dataset, created__gte=begin, created__lt=after)
    rows = rows.filter(Q(purged__isnull=True) | Q(anonymized=True))
    for purposes in gates.values():
        if purposes:
            agreeing = Consent.objects.filter(
                subject=OuterRef("subject"),
                purpose__in=sorted(purposes),
                granted=True,
                withdrawn__isnull=True,
            )
            rows = rows.filter(Exists(agreeing))
    return rows


def count_records(
    dataset: str, by: tuple[str, ...], start: date, end: date, gates: dict[str, frozenset[str]]
) -> Counts:
    """Count ``dataset``'s records of ``start``..``end`` (whole days) by the fields ``by``
    (one or two), each gated by the consent purposes in ``gates``."""
    found = Counts()
    keys = [f"clear_values__{name}" for name in by]
    grouped = _live(dataset, start, end, gates).values(*keys).annotate(n=Count("id"))
    for row in grouped.order_by():
        found.cells[tuple(_value(row[key]) for key in keys)] += row["n"]
        found.live += row["n"]
    if any(gates[name] for name in by):
        found.notes.append(
            "fields received through consent count only the records of people who agree "
            "now; closed cases are not counted for them"
        )
    elif len(by) == 1:
        closed = (
            AggregateCount.objects.filter(
                dataset=dataset, field=by[0], month__gte=start, month__lte=end
            )
            .values("value")
            .annotate(n=Sum("count"))
            .order_by()
        )
        for row in closed:
            found.cells[(_value(row["value"]),)] += int(row["n"])
            found.closed += int(row["n"])
        found.notes.append("counts include closed cases, kept as counts after deletion")
    else:
        found.notes.append(
            "a cross-tabulation counts live records only: closed cases are kept as counts "
            "of one field at a time"
        )
    return found


def labels_of(spec_choices: list[str] | None, seen: set[str]) -> list[str]:
    """A field's labels: its declared choices in order, then any other value seen."""
    first = list(spec_choices or [])
    return first + sorted(seen - set(first))


def choices_of(dataset: Dataset, name: str) -> list[str] | None:
    """The declared choices of ``dataset``'s field ``name``, if it has any."""
    for spec in dataset.collected_fields:
        if spec.name == name:
            return list(spec.choices) if spec.choices else None
    return None


def noisy(
    cells: Counter[tuple[str, ...]], keys: list[tuple[str, ...]], epsilon: float
) -> Counter[tuple[str, ...]]:
    """``cells`` (for every key of ``keys``) with discrete Laplace noise through OpenDP,
    ``epsilon``-differentially private when one person adds or removes one record (one
    cell changes by one); negative results are shown as 0 (post-processing).

    Raises:
        ValueError: ``epsilon`` is not positive, or OpenDP is not installed
            (``pip install steward[dp]``).
    """
    if not epsilon > 0:
        raise ValueError("epsilon must be a positive number")
    try:
        import opendp.prelude as dp
    except ImportError:  # pragma: no cover - the dp extra is part of dev
        raise ValueError("differential privacy needs OpenDP: pip install steward[dp]") from None
    dp.enable_features("contrib")
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    measurement = space >> dp.m.then_laplace(scale=1.0 / epsilon)
    released = measurement([int(cells.get(key, 0)) for key in keys])
    return Counter({key: max(0, int(v)) for key, v in zip(keys, released, strict=True)})
