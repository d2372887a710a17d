"""The anonymization report is self-contained HTML with three inline SVG plots."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from steward.deid.report import plots
from steward.deid.report.html import render, write
from steward.deid.search.anonymize import Settings, anonymize
from steward.deid.search.hierarchies import from_rows

AGES = from_rows("age", [[str(a), f"{a // 10 * 10}s", "*"] for a in range(20, 60)])
SEX = from_rows("sex", [["F", "*"], ["M", "*"]])


def _result() -> tuple[object, Settings]:
    table = pl.DataFrame(
        {
            "age": [str(20 + (i * 7) % 40) for i in range(200)],
            "sex": ["F" if i % 3 else "M" for i in range(200)],
            "name_of_thing": [f"secret-{i}" for i in range(200)],
        }
    )
    settings = Settings(("age", "sex"), k=5, max_suppression=0.05)
    return anonymize(table, settings, {"age": AGES, "sex": SEX}), settings


def test_report_is_self_contained_with_three_plots(tmp_path: Path) -> None:
    result, settings = _result()
    path = tmp_path / "report.html"
    write(path, result, settings, "people.csv")  # type: ignore[arg-type]
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    assert html.count("<svg") == 3
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)
    assert "url(http" not in html
    assert "@import" not in html
    assert "<link" not in html.lower()
    assert "secret-" not in html
    assert "Nodes in the lattice" in html


def test_report_names_levels_and_statistics() -> None:
    result, settings = _result()
    html = render(result, settings, "people.csv")  # type: ignore[arg-type]
    assert "age" in html
    assert "sex" in html
    assert "k = 5" in html


def test_buckets_count_records() -> None:
    import numpy as np

    sizes = np.array([1, 1, 2, 5, 120], dtype=np.int64)
    assert sum(plots.records_by_class_size(sizes)) == int(sizes.sum())
    assert sum(plots.records_by_risk(sizes)) == int(sizes.sum())
    assert plots.records_by_risk(sizes)[0] == 2
