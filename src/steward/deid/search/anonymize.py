"""The driver: check the request, code the table, search, and apply the result."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import polars as pl

from steward.deid.errors import DeidError
from steward.deid.search.encode import COUNT, Coded, distinct_tuples, encode, suppressed_tuples
from steward.deid.search.flash import SearchResult, search
from steward.deid.search.greedy import greedy_search
from steward.deid.search.groups import FloatArray, Groups, IntArray, Privacy
from steward.deid.search.hierarchies import CodedHierarchy, check_all
from steward.deid.search.loss import METRICS, Metric, MetricName, prepare
from steward.deid.search.recode import Recoding, recoding

if TYPE_CHECKING:
    from steward.deid.search.sources import UsedHierarchy


SEARCHES: Final = ("auto", "optimal", "greedy")
OPTIMAL_LIMIT: Final = 2_000_000
"""With ``search="auto"``, the most lattice nodes (the product of the hierarchies'
heights) the optimal search takes on; a larger lattice is searched greedily."""


@dataclass(frozen=True)
class Settings:
    """What the anonymization must achieve.

    Attributes:
        qi: the quasi-identifiers, each with a hierarchy.
        k: the least class size (at least 2).
        max_suppression: the largest share of records that may be suppressed, in [0, 1].
        l: distinct l-diversity of ``sensitive``, if wanted.
        t: t-closeness (equal-distance EMD) of ``sensitive``, if wanted.
        metric: the information loss to minimize.
        search: ``optimal`` (every node that can win is examined), ``greedy`` (a
            heuristic that never builds the lattice: :mod:`.greedy`), or ``auto``:
            optimal up to :data:`OPTIMAL_LIMIT` nodes in the lattice, greedy beyond.
    """

    qi: tuple[str, ...]
    k: int
    max_suppression: float = 0.0
    sensitive: str | None = None
    l: int | None = None  # noqa: E741
    t: float | None = None
    metric: MetricName = "loss"
    search: str = "auto"

    def check(self, columns: Sequence[str]) -> None:
        """Raise unless the settings make sense for a table with ``columns``.

        Raises:
            DeidError: naming the first problem found.
        """
        if not self.qi:
            raise DeidError("give at least one quasi-identifier (--qi)")
        if len(set(self.qi)) != len(self.qi):
            raise DeidError("a quasi-identifier is listed twice")
        missing = [c for c in (*self.qi, self.sensitive or "") if c and c not in columns]
        if missing:
            raise DeidError(
                f"no column {', '.join(repr(m) for m in missing)}; the columns are "
                f"{', '.join(columns)}"
            )
        if self.k < 2:
            raise DeidError(f"k must be at least 2, not {self.k}")
        if not 0.0 <= self.max_suppression <= 1.0 or math.isnan(self.max_suppression):
            raise DeidError(
                f"the suppression limit must be between 0 and 1, not {self.max_suppression}"
            )
        if (self.l is not None or self.t is not None) and self.sensitive is None:
            raise DeidError("l-diversity and t-closeness need a sensitive column (--sensitive)")
        if self.sensitive is not None and self.sensitive in self.qi:
            raise DeidError(f"{self.sensitive!r} cannot be both sensitive and a quasi-identifier")
        if self.l is not None and self.l < 1:
            raise DeidError(f"l must be at least 1, not {self.l}")
        if self.t is not None and not 0.0 <= self.t <= 1.0:
            raise DeidError(f"t must be between 0 and 1, not {self.t}")
        if self.metric not in METRICS:
            raise DeidError(f"unknown metric {self.metric!r}; use one of {', '.join(METRICS)}")
        if self.search not in SEARCHES:
            raise DeidError(f"unknown search {self.search!r}; use one of {', '.join(SEARCHES)}")


@dataclass(frozen=True)
class Anonymization:
    """The outcome: the generalized table and figures about it.

    Attributes:
        table: the input with the chosen generalization and suppression applied; ``None``
            when it was streamed to a file rather than held (``run_anonymize`` with an
            output, or the Spark engine).
        levels: the chosen level per quasi-identifier.
        search: how the search went.
        records: records in the table; ``suppressed``: how many were suppressed.
        k_achieved: the smallest class among records kept (0 when none are kept).
        loss: the ARX "Loss" of the result; ``attribute_loss``: per quasi-identifier.
        entropy: the non-uniform entropy of the result, in bits.
        score: the value of the metric that was minimized.
        sizes_before / sizes_after: each class's size before and after (kept classes).
        encode_seconds: time to aggregate the table into its distinct tuples and code
            them.
        recoding: the generalization as any engine writes it (:mod:`.recode`).
        hierarchies: where each quasi-identifier's hierarchy came from (an ARX file or a
            built-in), when the caller chose them (:func:`~steward.deid.run_anonymize`).
        hierarchy_files: the ARX file each hierarchy was written to, when it was.
        columns: the source's columns in order, when known (the report lists those
            that pass through unchanged); empty from :func:`solve` alone.
    """

    table: pl.DataFrame | None
    levels: Mapping[str, int]
    search: SearchResult
    records: int
    suppressed: int
    k_achieved: int
    loss: float
    attribute_loss: Mapping[str, float]
    entropy: float
    score: float
    sizes_before: IntArray
    sizes_after: IntArray
    encode_seconds: float
    recoding: Recoding
    hierarchies: Mapping[str, UsedHierarchy] = field(default_factory=dict)
    hierarchy_files: Mapping[str, Path] = field(default_factory=dict)
    columns: tuple[str, ...] = ()

    def held(self) -> pl.DataFrame:
        """The generalized table held in memory.

        Raises:
            DeidError: the table was streamed to a file (or written by Spark) rather
                than held; read the output file instead.
        """
        if self.table is None:
            raise DeidError("the anonymized table was written to its file, not held in memory")
        return self.table


def anonymize(
    table: pl.DataFrame | pl.LazyFrame,
    settings: Settings,
    hierarchies: Mapping[str, CodedHierarchy],
    progress: Callable[[int, int], None] | None = None,
) -> Anonymization:
    """Find and apply the optimal full-domain generalization of ``table``, and return
    the result in memory.

    ``progress`` is called with (nodes examined, nodes in the lattice) during the search.

    Raises:
        DeidError: bad settings, a quasi-identifier without hierarchy or with values its
            hierarchy lacks, or no node satisfies the privacy model within the limit.
    """
    frame = table.lazy()
    columns = tuple(frame.collect_schema().names())
    settings.check(columns)
    start = time.perf_counter()
    tuples = distinct_tuples(frame, settings.qi, settings.sensitive)
    aggregated = time.perf_counter() - start
    result = solve(tuples, settings, hierarchies, progress)
    output = result.recoding.apply(frame).collect()
    return replace(
        result,
        table=output,
        encode_seconds=result.encode_seconds + aggregated,
        columns=columns,
    )


def solve(
    tuples: pl.DataFrame,
    settings: Settings,
    hierarchies: Mapping[str, CodedHierarchy],
    progress: Callable[[int, int], None] | None = None,
) -> Anonymization:
    """Find the optimal full-domain generalization of the table whose distinct tuples
    (with their record counts in :data:`~.encode.COUNT`, as
    :func:`~.encode.distinct_tuples` makes them) are ``tuples``. The result's ``table``
    is ``None``: its ``recoding`` writes it.

    Raises:
        DeidError: as :func:`anonymize`.
    """
    settings.check([c for c in tuples.columns if c != COUNT])
    check_all(hierarchies, settings.qi)
    chosen = [hierarchies[q] for q in settings.qi]
    start = time.perf_counter()
    coded = encode(tuples, settings.qi, chosen, settings.sensitive, weights=COUNT)
    encode_seconds = time.perf_counter() - start
    privacy = _privacy(settings, coded)
    metric = prepare(settings.metric, coded.base, chosen)
    result = run_search(settings.search, coded.base, chosen, privacy, metric, progress)
    if result.node is None:
        raise DeidError(
            "no generalization satisfies the privacy model within the suppression limit; "
            "raise --max-suppression or lower k / l / raise t"
        )
    tuples_out, classes, fail = suppressed_tuples(coded, result.node, chosen, privacy)
    loss_metric = prepare("loss", coded.base, chosen)
    suppressed_counts = result.counts[result.fail]
    per_attribute: FloatArray = loss_metric.attribute_losses(
        result.node, suppressed_counts, result.labels
    )
    entropy = prepare("entropy", coded.base, chosen).score(
        result.node, result.counts, result.fail, result.labels
    )
    kept = result.counts[~result.fail]
    return Anonymization(
        table=None,
        levels=dict(zip(settings.qi, result.node, strict=True)),
        search=result,
        records=int(coded.rows.counts.sum()),
        suppressed=int(coded.rows.counts[tuples_out].sum()),
        k_achieved=int(kept.min()) if kept.size else 0,
        loss=loss_metric.aggregate(per_attribute),
        attribute_loss={q: float(v) for q, v in zip(settings.qi, per_attribute, strict=True)},
        entropy=entropy,
        score=result.score,
        sizes_before=coded.base.counts,
        sizes_after=kept,
        encode_seconds=encode_seconds,
        recoding=recoding(settings.qi, chosen, result.node, classes, fail),
    )


def lattice_size(hierarchies: Sequence[CodedHierarchy]) -> int:
    """The nodes of the lattice over ``hierarchies`` (without building it)."""
    return math.prod(h.height for h in hierarchies)


def run_search(
    how: str,
    base: Groups,
    hierarchies: Sequence[CodedHierarchy],
    privacy: Privacy,
    metric: Metric,
    progress: Callable[[int, int], None] | None = None,
) -> SearchResult:
    """The optimal or the greedy search, as ``how`` says (``auto``: by the lattice's
    size against :data:`OPTIMAL_LIMIT`)."""
    greedy = how == "greedy" or (how == "auto" and lattice_size(hierarchies) > OPTIMAL_LIMIT)
    if greedy:
        return greedy_search(base, hierarchies, privacy, metric, progress=progress)
    return search(base, hierarchies, privacy, metric, progress=progress)


def _privacy(settings: Settings, coded: Coded) -> Privacy:
    records = int(coded.base.counts.sum())
    limit = math.floor(settings.max_suppression * records + 1e-9)
    overall = None
    sensitive = coded.base.sensitive
    if settings.t is not None and sensitive is not None:
        overall = np.bincount(
            sensitive.value, weights=sensitive.count, minlength=sensitive.values
        ) / max(records, 1)
    return Privacy(settings.k, limit, settings.l, settings.t, overall)
