"""Timing shared by the benchmarks: the median of repeated runs, in seconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    """Run ``work`` ``repeat`` times and return the median wall-clock duration."""
    samples = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
