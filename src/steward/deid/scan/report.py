"""Rendering a scan: a JSON-ready dict, or a Rich table. Counts only, never values,
unless masked examples are asked for explicitly."""

from __future__ import annotations

from typing import Any, Final

import polars as pl
from rich.markup import escape
from rich.table import Table

from steward.deid.scan.scan import ColumnReport, ScanReport

MAX_EXAMPLES: Final = 3


def to_json(report: ScanReport, examples: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The report as a JSON-ready dict: file, rows_sampled, and per column its role, kinds
    and stats. ``examples`` (column -> masked values) is included only when given."""
    columns = []
    for column in report.columns:
        entry: dict[str, Any] = {
            "name": column.name,
            "role": column.role.value,
            "kinds": [
                {
                    "kind": k.kind,
                    "confidence": k.confidence,
                    "matched": k.matched,
                    "sampled": k.sampled,
                    "checksum_passed": k.checksum_passed,
                    "header_hint": k.header_hint,
                    "embedded": k.embedded,
                }
                for k in column.kinds
            ],
            "stats": column.stats,
        }
        if examples is not None:
            entry["examples"] = examples.get(column.name, [])
        columns.append(entry)
    return {"file": report.file, "rows_sampled": report.rows_sampled, "columns": columns}


def to_table(report: ScanReport, examples: dict[str, list[str]] | None = None) -> Table:
    """The report as a Rich table, one row per column."""
    table = Table(title=f"{escape(report.file)}: {report.rows_sampled} rows read")
    for heading in ("column", "role", "kinds (confidence, passed/sampled)", "unique", "nulls"):
        table.add_column(heading)
    if examples is not None:
        table.add_column("examples (masked)")
    for column in report.columns:
        row = [
            escape(column.name),
            column.role.value,
            _kinds_cell(column),
            f"{float(column.stats['uniqueness']):.0%}",
            f"{float(column.stats['null_ratio']):.0%}",
        ]
        if examples is not None:
            row.append(escape(", ".join(examples.get(column.name, []))))
        table.add_row(*row)
    return table


def _kinds_cell(column: ColumnReport) -> str:
    if not column.kinds:
        return "-"
    parts = []
    for k in column.kinds:
        prefix = "  in text: " if k.embedded else ""
        hint = " [header]" if k.header_hint else ""
        parts.append(f"{prefix}{k.kind} {k.confidence:.2f} ({k.checksum_passed}/{k.sampled}){hint}")
    return "\n".join(parts)


def mask(value: str) -> str:
    """Keep the first and last character of each word and replace the rest with '•'
    (digits and letters alike); punctuation and separators stay, so the shape shows."""
    out = []
    for word in value.split(" "):
        if len(word) <= 2:
            out.append("•" * len(word))
            continue
        middle = "".join("•" if ch.isalnum() else ch for ch in word[1:-1])
        out.append(word[0] + middle + word[-1])
    return " ".join(out)


def masked_examples(frame: pl.DataFrame, report: ScanReport) -> dict[str, list[str]]:
    """Up to three masked example values for each column where a kind was found."""
    examples: dict[str, list[str]] = {}
    for column in report.columns:
        if not column.kinds or column.name not in frame.columns:
            continue
        series = frame.get_column(column.name).cast(pl.String, strict=False).drop_nulls()
        values = series.filter(series.str.strip_chars() != "").head(MAX_EXAMPLES).to_list()
        examples[column.name] = [mask(str(v)) for v in values]
    return examples
