"""Equivalence classes on integer codes: grouping, rolling up and the privacy check.

A :class:`Groups` holds the classes of a table at one lattice node: for each class one
representative leaf code per attribute, how many records it holds and, when a sensitive
attribute is watched, how its values are spread. A coarser node's classes are computed
from any finer node's classes (a *roll-up*): each class maps its representative through
the level maps, the attributes are combined into one int64 key in mixed radix, and equal
keys are merged with a bincount (small key ranges) or a sort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from steward.deid.search.hierarchies import CodedHierarchy

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

KEY_LIMIT = 1 << 62
DENSE_LIMIT = 4096


@dataclass(frozen=True)
class Sensitive:
    """Sensitive values per class, long format: class ``group[i]`` has ``count[i]``
    records with value code ``value[i]``; each (class, value) pair appears once."""

    group: IntArray
    value: IntArray
    count: IntArray
    values: int
    """How many distinct sensitive value codes exist."""


@dataclass(frozen=True)
class Groups:
    """The classes of a table at one node (see the module docstring)."""

    node: tuple[int, ...]
    codes: tuple[IntArray, ...]
    counts: IntArray
    sensitive: Sensitive | None = None

    @property
    def size(self) -> int:
        """How many classes."""
        return int(self.counts.size)


class Classes(Protocol):
    """What the privacy check needs of a set of classes (``Groups`` or keyed classes)."""

    @property
    def counts(self) -> IntArray: ...

    @property
    def sensitive(self) -> Sensitive | None: ...

    @property
    def size(self) -> int: ...


@dataclass(frozen=True)
class Privacy:
    """The privacy model: k-anonymity, optionally distinct l-diversity and t-closeness
    (equal-distance EMD) on one sensitive attribute, within a suppression limit."""

    k: int
    limit: int
    """The most records that may be suppressed."""
    l: int | None = None  # noqa: E741
    t: float | None = None
    global_distribution: FloatArray | None = None
    """For t-closeness: the share of each sensitive value code in the whole table."""

    @property
    def monotone(self) -> bool:
        """Whether a generalization of an anonymous node is always anonymous.

        True for k-anonymity and distinct l-diversity with suppression; t-closeness is
        monotone only without suppression (merging a close class with a distant one can
        make both sets of records fail).
        """
        return self.t is None or self.limit == 0


def roll_up(
    source: Groups, node: Sequence[int], hierarchies: Sequence[CodedHierarchy]
) -> tuple[Groups, IntArray]:
    """The classes at ``node`` (which must generalize ``source.node``), and for each
    source class the index of the class it falls into."""
    key: IntArray | None = None
    bound = 1
    for codes, level, hierarchy in zip(source.codes, node, hierarchies, strict=True):
        mapped = hierarchy.maps[level][codes]
        radix = len(hierarchy.labels[level])
        if radix == 1:
            continue
        if key is None:
            key, bound = mapped, radix
            continue
        if bound * radix >= KEY_LIMIT:
            unique, inverse = np.unique(key, return_inverse=True)
            key, bound = inverse.astype(np.int64).reshape(-1), int(unique.size)
        key = key * radix + mapped
        bound *= radix
    if key is None:
        key, bound = np.zeros(source.size, dtype=np.int64), 1
    inverse, first, classes = _dense(key, bound)
    counts = np.bincount(inverse, weights=source.counts, minlength=classes)
    rolled_codes = tuple(c[first] for c in source.codes)
    sensitive = None
    if source.sensitive is not None:
        sensitive = _roll_sensitive(source.sensitive, inverse, classes)
    return Groups(tuple(node), rolled_codes, counts.astype(np.int64), sensitive), inverse


def _dense(key: IntArray, bound: int) -> tuple[IntArray, IntArray, int]:
    """Number the distinct keys 0..n-1: (inverse, one member per class, n)."""
    if bound <= 4 * key.size + DENSE_LIMIT:
        present = np.zeros(bound, dtype=np.bool_)
        present[key] = True
        ids = np.cumsum(present, dtype=np.int64) - 1
        inverse = ids[key]
        classes = int(ids[-1] + 1) if bound else 0
        first = np.empty(classes, dtype=np.int64)
        first[inverse[::-1]] = np.arange(key.size - 1, -1, -1, dtype=np.int64)
        return inverse, first, classes
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1), first.astype(np.int64), int(first.size)


def _roll_sensitive(sensitive: Sensitive, inverse: IntArray, classes: int) -> Sensitive:
    group = inverse[sensitive.group]
    key = group * sensitive.values + sensitive.value
    ids, first, pairs = _dense(key, classes * sensitive.values)
    count = np.bincount(ids, weights=sensitive.count, minlength=pairs).astype(np.int64)
    return Sensitive(group[first], sensitive.value[first], count, sensitive.values)


def failing(groups: Classes, privacy: Privacy) -> BoolArray:
    """A mask of the classes that break the privacy model (and must be suppressed)."""
    fail: BoolArray = groups.counts < privacy.k
    sensitive = groups.sensitive
    if sensitive is None:
        return fail
    if privacy.l is not None:
        distinct = np.bincount(sensitive.group, minlength=groups.size)
        fail |= distinct < privacy.l
    if privacy.t is not None and privacy.global_distribution is not None:
        fail |= distance(groups, privacy.global_distribution) > privacy.t + 1e-12
    return fail


def distance(groups: Classes, overall: FloatArray) -> FloatArray:
    """Each class's equal-distance earth mover's distance (half the L1 distance) from
    ``overall``, the distribution of the sensitive values in the whole table."""
    sensitive = groups.sensitive
    if sensitive is None:
        return np.zeros(groups.size)
    share = sensitive.count / groups.counts[sensitive.group]
    expected = overall[sensitive.value]
    present: FloatArray = np.bincount(
        sensitive.group, weights=np.abs(share - expected) - expected, minlength=groups.size
    ).astype(np.float64)
    result: FloatArray = 0.5 * (present + 1.0)
    return result
