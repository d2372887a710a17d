"""Information-loss metrics, evaluated on integer-coded classes.

Three metrics, all "lower is better" (``n`` records):

* ``loss``: ARX's default quality model "Loss" (``MetricMDNMLoss``, gs-factor 0.5). For an
  attribute with a hierarchy of ``N`` leaves, a record whose value is generalized to a
  label covering ``m`` leaves loses ``(m - 1) / (N - 1)``; a suppressed record loses 1.
  The attribute's loss is the mean over records; attributes are combined by the geometric
  mean of ``1 + loss``, minus 1.
* ``entropy``: non-uniform entropy. A record whose value ``x`` is generalized to ``g``
  loses ``log2(f(g) / f(x))`` bits, ``f`` counting records of the input; a suppressed
  record loses ``log2(n / f(x))``. Summed over records and attributes.
* ``discernibility``: each record in a class of size ``s`` costs ``s``; a suppressed
  record costs ``n``.

For ``loss`` and ``entropy`` a record's cost never decreases when generalizing, and the
extra cost of suppressing it depends only on its label at the node. So the value of a node
without suppression (a closed form per attribute and level) is a lower bound of its value,
and that bound is monotone in the lattice: the search uses it to skip nodes. With
suppression none of the three metrics is monotone (a coarser node can suppress fewer
records), so the search scores every anonymous node whose bound is below the best value
found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from steward.deid.search.groups import BoolArray, FloatArray, Groups, IntArray
from steward.deid.search.hierarchies import CodedHierarchy

MetricName = Literal["loss", "entropy", "discernibility"]
METRICS: Final = ("loss", "entropy", "discernibility")


@dataclass(frozen=True)
class Metric:
    """A metric prepared for one table.

    Attributes:
        total: per attribute and level, the attribute's cost without suppression.
        extra: per attribute and level, the extra cost of suppressing one record, by
            label code at that level.
    """

    name: MetricName
    records: int
    total: tuple[FloatArray, ...]
    extra: tuple[tuple[FloatArray, ...], ...]

    def attribute_losses(
        self, node: Sequence[int], suppressed: IntArray, labels: Sequence[IntArray]
    ) -> FloatArray:
        """Per attribute, the cost at ``node`` when classes of ``suppressed`` records
        with label codes ``labels[q]`` are suppressed.

        For ``loss`` (and ``discernibility``, which has no per-attribute form and reports
        the ``loss`` figures) this is the mean loss in [0, 1]; for ``entropy``, bits.
        """
        values = np.empty(len(node))
        for q, level in enumerate(node):
            extra = float(np.dot(suppressed, self.extra[q][level][labels[q]]))
            values[q] = self.total[q][level] + extra
        if self.name != "entropy":
            values /= max(self.records, 1)
        return values

    def score(
        self,
        node: Sequence[int],
        counts: IntArray,
        fail: BoolArray,
        labels: Sequence[IntArray],
    ) -> float:
        """The metric at ``node`` for classes of ``counts`` with ``fail`` suppressed;
        ``labels[q]`` are the label codes of the suppressed classes."""
        if self.name == "discernibility":
            kept = counts[~fail].astype(np.float64)
            return float(np.dot(kept, kept) + counts[fail].sum() * float(self.records))
        return self.aggregate(self.attribute_losses(node, counts[fail], labels))

    def aggregate(self, values: FloatArray) -> float:
        """Combine per-attribute values: geometric mean of 1 + loss, minus 1, or a sum."""
        if self.name == "loss":
            return float(np.exp(np.mean(np.log1p(values))) - 1.0)
        return float(values.sum())

    def bounds(self, levels: npt.NDArray[np.int16]) -> FloatArray:
        """A lower bound of the metric at every node (rows of ``levels``): its value
        without suppression for ``loss`` and ``entropy``; ``n`` for ``discernibility``."""
        if self.name == "discernibility":
            return np.full(levels.shape[0], float(self.records))
        per = np.empty(levels.shape, dtype=np.float64)
        for q in range(levels.shape[1]):
            per[:, q] = self.total[q][levels[:, q]]
        if self.name == "loss":
            per /= max(self.records, 1)
            result: FloatArray = np.exp(np.mean(np.log1p(per), axis=1)) - 1.0
            return result
        summed: FloatArray = per.sum(axis=1)
        return summed


def prepare(name: MetricName, base: Groups, hierarchies: Sequence[CodedHierarchy]) -> Metric:
    """Precompute ``name``'s tables for the table whose classes are ``base``."""
    records = int(base.counts.sum())
    totals, extras = [], []
    for codes, level, hierarchy in zip(base.codes, base.node, hierarchies, strict=True):
        leaf_codes = codes if level == 0 else None
        if leaf_codes is None:
            raise ValueError("prepare needs the classes at the leaf level")
        frequency = np.bincount(
            leaf_codes, weights=base.counts, minlength=hierarchy.domain_size
        ).astype(np.float64)
        total, extra = _tables(name, hierarchy, frequency, records)
        totals.append(total)
        extras.append(extra)
    return Metric(name, records, tuple(totals), tuple(extras))


def _tables(
    name: MetricName, hierarchy: CodedHierarchy, frequency: FloatArray, records: int
) -> tuple[FloatArray, tuple[FloatArray, ...]]:
    totals = np.empty(hierarchy.height)
    extra: list[FloatArray] = []
    leaves = hierarchy.domain_size
    for level in range(hierarchy.height):
        mapping: IntArray = hierarchy.maps[level]
        if name == "entropy":
            label_frequency = np.bincount(
                mapping, weights=frequency, minlength=len(hierarchy.labels[level])
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                per_leaf = np.where(
                    frequency > 0, np.log2(label_frequency[mapping] / frequency), 0.0
                )
                per_label = np.where(label_frequency > 0, np.log2(records / label_frequency), 0.0)
            totals[level] = float(np.dot(frequency, per_leaf))
            extra.append(per_label)
        else:
            covered = hierarchy.leaf_counts[level].astype(np.float64)
            per_label = (covered - 1.0) / (leaves - 1) if leaves > 1 else np.zeros(covered.size)
            totals[level] = float(np.dot(frequency, per_label[mapping]))
            extra.append(1.0 - per_label)
    return totals, tuple(extra)
