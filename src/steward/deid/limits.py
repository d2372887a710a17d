"""Checks of the numbers a de-identification request gives, each stated once.

The requests (:mod:`steward.deid.requests`) check them before any data is read; the
engine functions that take the same numbers directly (``measure_risk``, ``scan_file``)
check them again with the same words, for callers that skip the requests. Plain Python:
importing this module costs nothing.
"""

from __future__ import annotations

from typing import Final

from steward.deid.errors import DeidError

DEFAULT_SAMPLE: Final = 2000
"""Non-null values a scan samples per column unless told otherwise."""


def risk_limit(k: int, threshold: float | None) -> float:
    """The risk above which a record is "at risk": ``threshold``, or ``1/k`` without one.

    Raises:
        DeidError: ``k`` is below 1, or the threshold is outside 0..1 (or not a number).
    """
    if k < 1:
        raise DeidError(f"k must be at least 1, not {k}")
    limit = 1.0 / k if threshold is None else threshold
    if not 0.0 <= limit <= 1.0:
        raise DeidError(f"the risk threshold must be between 0 and 1, not {threshold}")
    return limit


def check_sample(sample: int) -> None:
    """Raise unless ``sample`` (values sampled per column by a scan) is positive.

    Raises:
        DeidError: ``sample`` is below 1.
    """
    if sample < 1:
        raise DeidError(f"the sample size must be at least 1, not {sample}")
