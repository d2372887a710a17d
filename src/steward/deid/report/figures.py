"""The report's three charts, each with its text alternative: a caption that names
it and says what it shows, and a table of the figures it is drawn from (the chart's
``<svg>`` is an image named by the caption and described by the table)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import numpy.typing as npt

from steward.deid.report import plots
from steward.deid.search.anonymize import Anonymization


@dataclass(frozen=True)
class Figure:
    """A chart ready for the page.

    Attributes:
        name: the figure's id, also the prefix of every id inside its SVG.
        svg: the chart, with ``role="img"`` and its caption and table as name and
            description.
        caption: the caption's text: what the chart shows and its main finding.
        head: the table's column headings; ``rows``: its rows, as text.
    """

    name: str
    svg: str
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def html(self) -> str:
        """The ``<figure>``: chart, caption, then the table of its figures."""
        head = "".join(f'<th scope="col">{escape(h)}</th>' for h in self.head)
        body = "".join(
            f'<tr><th scope="row">{escape(row[0])}</th>'
            + "".join(f'<td class="n">{escape(cell)}</td>' for cell in row[1:])
            + "</tr>"
            for row in self.rows
        )
        return (
            f'<figure id="{self.name}">{self.svg}'
            f'<figcaption id="{self.name}-caption">{escape(self.caption)}</figcaption>'
            f'<table id="{self.name}-data"><caption>The figures of this chart</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></figure>"
        )


def figures(result: Anonymization, k: int) -> list[Figure]:
    """The class-size, risk and loss charts of ``result`` (``k``: the least class size
    asked for)."""
    after_risk = result.sizes_after
    if result.suppressed:
        suppressed = np.array([result.suppressed], dtype=np.int64)
        after_risk = np.concatenate([after_risk, suppressed])
    return [_sizes(result, k), _risk(result, after_risk), _loss(result)]


def _sizes(result: Anonymization, k: int) -> Figure:
    labels = plots.size_labels()
    before = plots.records_by_class_size(result.sizes_before)
    after = plots.records_by_class_size(result.sizes_after)
    svg = plots.paired_bars(
        "Records by equivalence-class size", labels, before, after, "class size"
    )
    small_before = int(result.sizes_before[result.sizes_before < k].sum())
    small_after = int(result.sizes_after[result.sizes_after < k].sum())
    caption = (
        f"Records by the size of their equivalence class, before and after (bars: share "
        f"of records). Records in classes smaller than k = {k}: "
        f"{small_before:,} before, {small_after:,} after; {result.suppressed:,} "
        "suppressed records are not counted after."
    )
    return _figure("figure-sizes", svg, caption, "class size", labels, before, after)


def _risk(result: Anonymization, after: npt.NDArray[np.int64]) -> Figure:
    labels = [label for label, _, _ in plots.RISK_BUCKETS]
    before_counts = plots.records_by_risk(result.sizes_before)
    after_counts = plots.records_by_risk(after)
    svg = plots.paired_bars(
        "Records by prosecutor re-identification risk",
        labels,
        before_counts,
        after_counts,
        "risk (1 / class size)",
    )
    highest_before = 1.0 / float(result.sizes_before.min()) if result.sizes_before.size else 0.0
    highest_after = 1.0 / float(after.min()) if after.size else 0.0
    caption = (
        "Records by prosecutor re-identification risk (1 / class size), before and after; "
        "suppressed records count as one class. Highest risk: "
        f"{highest_before:.3f} before, {highest_after:.3f} after."
    )
    return _figure("figure-risk", svg, caption, "risk", labels, before_counts, after_counts)


def _loss(result: Anonymization) -> Figure:
    svg = plots.attribute_bars("Information loss per attribute (ARX Loss)", result.attribute_loss)
    ranked = sorted(result.attribute_loss.items(), key=lambda item: -item[1])
    most = ", ".join(f"{name} {loss:.4f}" for name, loss in ranked[:2])
    caption = (
        f"Information loss per quasi-identifier, from 0 (none) to 1 (all); the highest: {most}."
    )
    rows = tuple(
        (name, str(result.levels[name]), f"{loss:.4f}")
        for name, loss in result.attribute_loss.items()
    )
    return Figure(
        "figure-loss",
        _label(svg, "figure-loss"),
        caption,
        ("quasi-identifier", "level", "loss"),
        rows,
    )


def _figure(
    name: str,
    svg: str,
    caption: str,
    what: str,
    labels: Sequence[str],
    before: Sequence[int],
    after: Sequence[int],
) -> Figure:
    total_before, total_after = max(sum(before), 1), max(sum(after), 1)
    rows = tuple(
        (
            label,
            f"{b:,}",
            f"{b / total_before:.1%}",
            f"{a:,}",
            f"{a / total_after:.1%}",
        )
        for label, b, a in zip(labels, before, after, strict=True)
    )
    head = (what, "records before", "share before", "records after", "share after")
    return Figure(name, _label(svg, name), caption, head, rows)


_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(href="#|url\(#)([^")]+)')


def _label(svg: str, name: str) -> str:
    """``svg`` with every id prefixed by ``name`` (several charts share one page), and
    its root marked as an image named by the caption and described by the table."""
    svg = _ID.sub(lambda m: f'id="{name}-{m.group(1)}"', svg)
    svg = _REFERENCE.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", svg)
    return svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{name}-caption" aria-describedby="{name}-data" ',
        1,
    )
