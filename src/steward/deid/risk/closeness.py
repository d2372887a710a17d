"""t-closeness: how far each class's sensitive distribution is from the whole table's.

t = max over classes of EMD(class distribution, table distribution), with the Earth
Mover's Distances of Li, Li and Venkatasubramanian (2007), "t-Closeness: Privacy Beyond
k-Anonymity and l-Diversity":

* **ordered (numerical) attributes**: the ``m`` distinct values are sorted and the
  ground distance between the i-th and j-th is ``|i - j| / (m - 1)``, which gives
  ``EMD(q, p) = 1/(m-1) * sum_{i=1}^{m-1} |sum_{j<=i} (q_j - p_j)|``;
* **categorical attributes**: every two distinct values are at distance 1 (the "equal
  distance"), which gives ``EMD(q, p) = 1/2 * sum_i |q_i - p_i|``, the total variation
  distance.

An attribute is ordered when every non-null value is a number, or a text that parses as
a finite number (``"42"``, ``" 3.5 "``); texts equal as numbers (``"1"`` and ``"1.0"``)
are then the same value. Callers may override the choice. In an ordered attribute a
null is a value of its own, placed below every number.

The ordered EMD is computed without a classes x values matrix: the table's cumulative
distribution ``P`` is non-decreasing, so the sum of ``|s - P(i)|`` over a run of
positions where the class's cumulative share ``s`` is constant takes one binary search
and two prefix sums. The cost is ``O(rows log m)`` for ``rows`` (class, value) pairs.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np

from steward.deid.classes import Int64Array, ObjectArray, SensitiveCounts
from steward.deid.errors import DeidError
from steward.deid.risk.metrics import FloatArray, class_count

_MISSING = "a sensitive value does not occur in the table the distribution was taken from"


@dataclass(frozen=True)
class SensitiveDomain:
    """The values of one sensitive attribute over the whole table, and their shares.

    Attributes:
        ordered: whether distances follow the values' numeric order.
        shares: the share of the table's records holding each position's value
            (positions ``0 .. m-1``).
        categories: for a categorical attribute, each value (NaN normalized to
            ``None``) to its position; empty when ``ordered``.
        numbers: for an ordered attribute, the distinct numbers in increasing order;
            position ``i + has_null`` holds ``numbers[i]``.
        has_null: for an ordered attribute, whether position 0 is the null value.
    """

    ordered: bool
    shares: FloatArray
    categories: dict[Hashable, int] = field(default_factory=dict)
    numbers: FloatArray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    has_null: bool = False

    @property
    def size(self) -> int:
        """How many distinct values (positions) the attribute has: ``m``."""
        return int(self.shares.size)

    def encode(self, values: ObjectArray) -> Int64Array:
        """The position of each value.

        Raises:
            DeidError: a value does not occur in the table the domain was built from.
        """
        if not self.ordered:
            categories = self.categories
            try:
                return np.fromiter(
                    (categories[_key(v)] for v in values), dtype=np.int64, count=len(values)
                )
            except KeyError:
                raise DeidError(_MISSING) from None
        numbers = to_numbers(values)
        if numbers is None:
            raise DeidError(_MISSING)
        null = np.isnan(numbers)
        if null.any() and not self.has_null:
            raise DeidError(_MISSING)
        present = numbers[~null]
        found = np.searchsorted(self.numbers, present)
        if np.any(found >= self.numbers.size) or np.any(
            self.numbers[np.minimum(found, self.numbers.size - 1)] != present
        ):
            raise DeidError(_MISSING)
        positions = np.zeros(values.size, dtype=np.int64)
        positions[~null] = found + int(self.has_null)
        return positions


def _key(value: object) -> Hashable:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def as_number(value: object) -> float | None:
    """``value`` as a finite number, or ``None`` if it is not one (bools are not)."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def is_numeric(values: Iterable[object]) -> bool:
    """Whether every non-null value is a finite number or a text parsing as one.

    ``False`` when there is no non-null value at all.
    """
    seen = False
    for value in values:
        if _key(value) is None:
            continue
        if as_number(value) is None:
            return False
        seen = True
    return seen


def to_numbers(values: ObjectArray) -> FloatArray | None:
    """``values`` as floats with NaN for nulls, or ``None`` if one is not a number.

    Follows :func:`as_number` (numbers and numeric texts; not bools, not non-finite
    values; a float NaN is a null), vectorized for the common cases.
    """
    null = np.asarray(values == None, dtype=bool)  # noqa: E711 (elementwise)
    present = values[~null]
    try:
        numbers = present.astype(np.float64)
    except (TypeError, ValueError):
        return None
    odd = ~np.isfinite(numbers)
    if odd.any():
        # A float NaN is a null; a text "nan", or any infinity, is not a number.
        for value, number in zip(present[odd], numbers[odd], strict=True):
            if isinstance(value, str) or not math.isnan(number):
                return None
    zero_or_one = numbers.size and np.all((numbers == 0) | (numbers == 1))
    if zero_or_one and any(isinstance(v, bool | np.bool_) for v in present):
        return None
    result = np.full(values.size, np.nan, dtype=np.float64)
    result[~null] = numbers
    return result


def sensitive_domain(sensitive: SensitiveCounts, ordered: bool | None = None) -> SensitiveDomain:
    """The table-wide distribution of a sensitive attribute, from its per-class counts.

    ``ordered`` forces the ordered (numerical) or the categorical distance; ``None``
    decides by :func:`is_numeric`.

    Raises:
        DeidError: ``ordered=True`` but a non-null value is not a number.
    """
    weights = sensitive.counts.astype(np.float64)
    numbers = None if ordered is False else to_numbers(sensitive.values)
    if ordered and numbers is None:
        raise DeidError("the sensitive attribute holds values that are not numbers")
    if numbers is not None and (ordered or not np.isnan(numbers).all()):
        null = np.isnan(numbers)
        distinct, inverse = np.unique(numbers[~null], return_inverse=True)
        has_null = bool(null.any())
        shares = np.zeros(distinct.size + int(has_null), dtype=np.float64)
        np.add.at(shares, inverse.reshape(-1) + int(has_null), weights[~null])
        if has_null:
            shares[0] = weights[null].sum()
        total = shares.sum()
        return SensitiveDomain(
            True, shares / total if total else shares, numbers=distinct, has_null=has_null
        )
    categories: dict[Hashable, int] = {}
    codes = np.fromiter(
        (categories.setdefault(_key(v), len(categories)) for v in sensitive.values),
        dtype=np.int64,
        count=len(sensitive.values),
    )
    shares = np.bincount(codes, weights=weights, minlength=len(categories)).astype(np.float64)
    total = shares.sum()
    return SensitiveDomain(False, shares / total if total else shares, categories=categories)


def emd_per_class(
    sensitive: SensitiveCounts,
    domain: SensitiveDomain | None = None,
    classes: int | None = None,
) -> FloatArray:
    """The EMD between each class's distribution and the domain's (table) distribution.

    ``domain`` defaults to the distribution of ``sensitive`` itself (see
    :func:`sensitive_domain`).

    Raises:
        DeidError: a value of ``sensitive`` is not in ``domain``.
    """
    if domain is None:
        domain = sensitive_domain(sensitive)
    n = class_count(sensitive, classes)
    m = domain.size
    if n == 0 or sensitive.class_index.size == 0:
        return np.zeros(n, dtype=np.float64)
    # One row per (class, position), sorted by class then position.
    combined = sensitive.class_index * m + domain.encode(sensitive.values)
    keys, inverse = np.unique(combined, return_inverse=True)
    counts = np.bincount(inverse, weights=sensitive.counts.astype(np.float64)).astype(np.float64)
    index, position = keys // m, keys % m
    totals = np.bincount(index, weights=counts, minlength=n).astype(np.float64)
    if not domain.ordered:
        return _equal_distance(index, position, counts / totals[index], domain.shares, n)
    if m < 2:
        return np.zeros(n, dtype=np.float64)
    return _ordered_distance(index, position, counts, totals, domain.shares, n)


def _equal_distance(
    index: Int64Array, position: Int64Array, q: FloatArray, p: FloatArray, n: int
) -> FloatArray:
    # 1/2 sum_i |q_i - p_i| = 1/2 (sum over the class's values |q - p| + the table's share
    # of the values the class does not hold).
    inside = np.bincount(index, weights=np.abs(q - p[position]), minlength=n)
    held = np.bincount(index, weights=p[position], minlength=n)
    result: FloatArray = 0.5 * (inside + np.clip(1.0 - held, 0.0, None))
    return result


def _ordered_distance(
    index: Int64Array,
    position: Int64Array,
    counts: FloatArray,
    totals: FloatArray,
    p: FloatArray,
    n: int,
) -> FloatArray:
    m = p.size
    cumulative = np.cumsum(p)  # P(i), non-decreasing, P(m-1) = 1
    prefix = np.concatenate(([0.0], np.cumsum(cumulative)))  # prefix[i] = sum_{j<i} P(j)
    rows = index.size
    first = np.ones(rows, dtype=bool)
    first[1:] = index[1:] != index[:-1]
    last = np.ones(rows, dtype=bool)
    last[:-1] = first[1:]
    # The class's cumulative share after each of its values (exact integer sums first).
    running = np.cumsum(counts)
    start_running = (running - counts)[first]
    class_of_start = np.cumsum(first) - 1
    share = (running - start_running[class_of_start]) / totals[index]
    # Positions below the class's first value: |0 - P(i)| summed = prefix[v_first].
    lead = np.zeros(n, dtype=np.float64)
    lead[index[first]] = prefix[position[first]]
    # From each value to the next one of the class (or to m-1): the share is constant.
    ends = np.empty(rows, dtype=np.int64)
    ends[:-1] = position[1:]
    ends[last] = m - 1
    begins = position
    cut = np.clip(np.searchsorted(cumulative, share, side="left"), begins, ends)
    runs = (
        share * (cut - begins)
        - (prefix[cut] - prefix[begins])
        + (prefix[ends] - prefix[cut])
        - share * (ends - cut)
    )
    total = lead + np.bincount(index, weights=runs, minlength=n)
    result: FloatArray = np.clip(total / (m - 1), 0.0, 1.0)
    return result


def t_closeness(
    sensitive: SensitiveCounts,
    overall: SensitiveDomain | None = None,
    classes: int | None = None,
) -> float:
    """t of t-closeness: the largest EMD of any class from the table (0.0 if empty).

    ``overall`` is the table-wide distribution (:func:`sensitive_domain`); build it once
    and pass it when checking many groupings of the same table. It defaults to the
    distribution of ``sensitive`` itself.

    Raises:
        DeidError: a value of ``sensitive`` is not in ``overall``.
    """
    distances = emd_per_class(sensitive, overall, classes)
    return float(distances.max()) if distances.size else 0.0
