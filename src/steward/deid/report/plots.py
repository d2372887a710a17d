"""SVG plots for the anonymization report, drawn with matplotlib's Agg backend.

Each function returns an ``<svg>`` element as text, ready to embed inline in HTML (no
XML declaration, no external references).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Final

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure

SIZE_BUCKETS: Final = ((1, 1), (2, 2), (3, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, None))
RISK_BUCKETS: Final = (
    ("1 (unique)", 1.0, 1.0),
    ("[0.5, 1)", 0.5, 1.0),
    ("[0.2, 0.5)", 0.2, 0.5),
    ("[0.1, 0.2)", 0.1, 0.2),
    ("[0.05, 0.1)", 0.05, 0.1),
    ("< 0.05", 0.0, 0.05),
)
BEFORE, AFTER = "#9e9e9e", "#1f77b4"
plt.rcParams["svg.hashsalt"] = "steward"


def size_labels() -> list[str]:
    """The labels of the class-size buckets."""
    return [f"{lo}" if lo == hi else (f"{lo}-{hi}" if hi else f"{lo}+") for lo, hi in SIZE_BUCKETS]


def records_by_class_size(sizes: npt.NDArray[np.int64]) -> list[int]:
    """How many records sit in classes of each size bucket."""
    result = []
    for lo, hi in SIZE_BUCKETS:
        mask = (sizes >= lo) & (sizes <= (hi if hi is not None else np.iinfo(np.int64).max))
        result.append(int(sizes[mask].sum()))
    return result


def records_by_risk(sizes: npt.NDArray[np.int64]) -> list[int]:
    """How many records fall in each prosecutor-risk bucket (risk = 1 / class size)."""
    risk = 1.0 / np.maximum(sizes, 1)
    result = []
    for label, lo, hi in RISK_BUCKETS:
        mask = risk == 1.0 if label.startswith("1 ") else (risk >= lo) & (risk < hi)
        result.append(int(sizes[mask].sum()))
    return result


def paired_bars(
    title: str, labels: Sequence[str], before: Sequence[int], after: Sequence[int], xlabel: str
) -> str:
    """Side-by-side bars of record shares before and after, as an SVG element."""
    figure, axes = plt.subplots(figsize=(7.0, 3.2))
    positions = np.arange(len(labels))
    total_before = max(sum(before), 1)
    total_after = max(sum(after), 1)
    axes.bar(positions - 0.2, np.array(before) / total_before, 0.4, label="before", color=BEFORE)
    axes.bar(positions + 0.2, np.array(after) / total_after, 0.4, label="after", color=AFTER)
    axes.set_xticks(positions, list(labels))
    axes.set_ylabel("share of records")
    axes.set_xlabel(xlabel)
    axes.set_title(title)
    axes.legend(frameon=False)
    return _svg(figure)


def attribute_bars(title: str, values: Mapping[str, float]) -> str:
    """Horizontal bars, one per attribute, as an SVG element."""
    figure, axes = plt.subplots(figsize=(7.0, 0.45 * max(len(values), 2) + 1.0))
    names = list(values)
    axes.barh(np.arange(len(names)), [values[n] for n in names], color=AFTER)
    axes.set_yticks(np.arange(len(names)), names)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("information loss (0 = none, 1 = all)")
    axes.set_title(title)
    return _svg(figure)


def _svg(figure: Figure) -> str:
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
