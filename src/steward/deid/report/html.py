"""The anonymization report: one self-contained HTML file (inline CSS and SVG, no
scripts, no external resources) showing what was done and what it cost."""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np

from steward.deid.errors import DeidError
from steward.deid.report import plots
from steward.deid.search.anonymize import Anonymization, Settings

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem}
td,th{border:1px solid #ccc;padding:0.25rem 0.6rem;text-align:left}
th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}
svg{max-width:100%;height:auto}
"""


def render(result: Anonymization, settings: Settings, source: str) -> str:
    """The report for ``result`` of anonymizing ``source`` with ``settings``, as HTML.

    Only sizes, counts and levels appear: no record values.
    """
    after = result.sizes_after
    if result.suppressed:
        after = np.concatenate([after, np.array([result.suppressed], dtype=np.int64)])
    sizes = plots.paired_bars(
        "Records by equivalence-class size",
        plots.size_labels(),
        plots.records_by_class_size(result.sizes_before),
        plots.records_by_class_size(result.sizes_after),
        "class size",
    )
    risk = plots.paired_bars(
        "Records by prosecutor re-identification risk",
        [label for label, _, _ in plots.RISK_BUCKETS],
        plots.records_by_risk(result.sizes_before),
        plots.records_by_risk(after),
        "risk (1 / class size)",
    )
    loss = plots.attribute_bars("Information loss per attribute (ARX Loss)", result.attribute_loss)
    before_risk = 1.0 / float(result.sizes_before.min()) if result.sizes_before.size else 0.0
    after_risk = 1.0 / float(after.min()) if after.size else 0.0
    model = f"k = {settings.k}"
    if settings.l is not None:
        model += f", distinct l = {settings.l} on {settings.sensitive}"
    if settings.t is not None:
        model += f", t = {settings.t} on {settings.sensitive}"
    search = result.search
    summary = [
        ("Source", source),
        ("Privacy model", model),
        ("Suppression limit", f"{settings.max_suppression:.2%} of records"),
        ("Metric minimized", settings.metric),
        ("Records", f"{result.records:,}"),
        (
            "Records suppressed",
            f"{result.suppressed:,} ({_share(result.suppressed, result.records)})",
        ),
        ("Smallest class kept (k achieved)", f"{result.k_achieved:,}"),
        ("Classes before / after", f"{result.sizes_before.size:,} / {result.sizes_after.size:,}"),
        ("Highest prosecutor risk before / after", f"{before_risk:.3f} / {after_risk:.3f}"),
        ("ARX Loss", f"{result.loss:.4f}"),
        ("Non-uniform entropy", f"{result.entropy:,.1f} bits"),
    ]
    statistics = [
        ("Nodes in the lattice", f"{search.lattice_size:,}"),
        ("Nodes checked for anonymity", f"{search.checked:,}"),
        ("Nodes scored", f"{search.scored:,}"),
        ("Nodes known anonymous", f"{search.anonymous:,}"),
        ("Coding and aggregation", f"{result.encode_seconds * 1000:,.1f} ms"),
        ("Search", f"{search.seconds * 1000:,.1f} ms"),
    ]
    levels = "".join(
        f"<tr><td>{escape(name)}</td><td class=n>{level}</td>"
        f"<td class=n>{result.attribute_loss[name]:.4f}</td></tr>"
        for name, level in result.levels.items()
    )
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<title>Anonymization report</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>Anonymization report</h1>"
        f"{_table(summary)}"
        "<h2>Generalization chosen</h2>"
        "<table><tr><th>Quasi-identifier</th><th>Level</th><th>Loss</th></tr>"
        f"{levels}</table>"
        "<h2>Class sizes before and after</h2>"
        f"<figure>{sizes}</figure>"
        "<h2>Re-identification risk before and after</h2>"
        "<p>Suppressed records are counted as one class.</p>"
        f"<figure>{risk}</figure>"
        "<h2>Information loss per attribute</h2>"
        f"<figure>{loss}</figure>"
        "<h2>Search</h2>"
        f"{_table(statistics)}"
        "</body></html>\n"
    )


def write(path: str | Path, result: Anonymization, settings: Settings, source: str) -> None:
    """Write the report to ``path``.

    Raises:
        DeidError: the file cannot be written.
    """
    try:
        Path(path).write_text(render(result, settings, source), encoding="utf-8")
    except OSError as error:
        raise DeidError(f"{path}: cannot write the report ({error.strerror})") from None


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.2%}" if whole else "0%"
