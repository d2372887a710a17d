"""Scanning a table: sample each column, gather evidence, decide kinds and a role.

Only this module and the detectors touch Polars; the result is plain dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import polars as pl

from steward.deid.io import collect, read_table
from steward.deid.limits import DEFAULT_SAMPLE, check_sample
from steward.deid.scan.categorical import categorical_evidence
from steward.deid.scan.detectors import structured_evidence
from steward.deid.scan.evidence import Evidence
from steward.deid.scan.headers import header_hints, header_is_negative
from steward.deid.scan.names import full_names, name_evidence
from steward.deid.scan.roles import (
    PRIORITY,
    REPORT_THRESHOLD,
    Role,
    confidence,
    embedded_confidence,
    role_of,
)
from steward.deid.scan.text import embedded_evidence, is_free_text

READ_FACTOR: Final = 5
"""Rows read from the top of the file: ``READ_FACTOR`` times the sample (at least 10,000)."""


@dataclass(frozen=True)
class KindFinding:
    """One kind of personal data found in a column, with its evidence (counts only)."""

    kind: str
    confidence: float
    matched: int
    sampled: int
    checksum_passed: int
    header_hint: bool
    embedded: bool = False


@dataclass(frozen=True)
class ColumnReport:
    """The verdict for one column: its role, its kinds (best first) and value statistics."""

    name: str
    role: Role
    kinds: list[KindFinding]
    stats: dict[str, float | int | bool | str]

    @property
    def kind(self) -> str | None:
        """The main kind, or None when nothing was found."""
        return self.kinds[0].kind if self.kinds else None


@dataclass(frozen=True)
class ScanReport:
    """The scan of one file."""

    file: str
    rows_sampled: int
    columns: list[ColumnReport] = field(default_factory=list)


def scan_file(
    path: str | Path,
    *,
    sample: int = DEFAULT_SAMPLE,
    delimiter: str | None = None,
    encoding: str | None = None,
    region: str = "US",
    seed: int = 0,
) -> ScanReport:
    """Scan the data file at ``path`` (CSV, Parquet or JSON Lines).

    Raises:
        DataFileError: the file cannot be read as a table.
        DeidError: ``sample`` is not positive.
    """
    check_sample(sample)
    head = read_head(read_table(path, delimiter=delimiter, encoding=encoding), path, sample)
    return scan_frame(head, source=str(path), sample=sample, region=region, seed=seed)


def read_head(frame: pl.LazyFrame, source: str | Path, sample: int) -> pl.DataFrame:
    """The rows a scan of ``sample`` values per column reads: the first ``READ_FACTOR``
    times ``sample`` rows (at least 10,000).

    Raises:
        DataFileError: a row cannot be parsed.
    """
    return collect(frame.head(head_rows(sample)), source)


def head_rows(sample: int) -> int:
    """The rows a scan of ``sample`` values per column reads from the top of a file."""
    return max(sample * READ_FACTOR, 10_000)


def scan_frame(
    frame: pl.DataFrame,
    *,
    source: str = "<frame>",
    sample: int = DEFAULT_SAMPLE,
    region: str = "US",
    seed: int = 0,
) -> ScanReport:
    """Scan an in-memory table: up to ``sample`` non-null values per column, read as text."""
    columns = [
        scan_column(name, frame.get_column(name), sample=sample, region=region, seed=seed)
        for name in frame.columns
    ]
    return ScanReport(file=source, rows_sampled=frame.height, columns=columns)


def sample_values(series: pl.Series, sample: int, seed: int) -> pl.Series:
    """Non-null, non-blank values of ``series`` as stripped text, at most ``sample`` of them."""
    text = _as_text(series).drop_nulls().str.strip_chars()
    text = text.filter(text != "")
    return text.sample(sample, seed=seed) if text.len() > sample else text


def scan_column(
    name: str,
    series: pl.Series,
    *,
    sample: int = DEFAULT_SAMPLE,
    region: str = "US",
    seed: int = 0,
) -> ColumnReport:
    """Decide the kinds and the role of one column."""
    values = sample_values(series, sample, seed)
    stats = _stats(series, values)
    hints = header_hints(name)
    negative = header_is_negative(name)
    distinct = int(stats["distinct"])
    evidence = structured_evidence(values, hints, region)
    evidence.extend(categorical_evidence(values, hints, distinct))
    names = name_evidence(values, hints)
    if names is not None:
        evidence.append(names)
    findings = _findings(evidence, hints, negative)
    if (not findings or findings[0].kind == "record_id") and is_free_text(values):
        stats["free_text"] = True
        findings = _text_findings(values, region, hints) or findings
    if not findings:
        return ColumnReport(name, Role.NONE, [], stats)
    main = findings[0].kind
    single = main == "person_name" and not full_names(values)
    return ColumnReport(name, role_of(main, single_word_names=single), findings, stats)


def _findings(evidence: list[Evidence], hints: frozenset[str], negative: bool) -> list[KindFinding]:
    best: dict[str, KindFinding] = {}
    for item in evidence:
        score = confidence(item, hints, negative)
        if score < REPORT_THRESHOLD:
            continue
        finding = KindFinding(
            kind=item.kind,
            confidence=score,
            matched=item.matched,
            sampled=item.sampled,
            checksum_passed=item.passed,
            header_hint=item.kind in hints,
        )
        if item.kind not in best or best[item.kind].confidence < score:
            best[item.kind] = finding
    return sorted(
        best.values(), key=lambda f: (f.confidence, PRIORITY.get(f.kind, 0)), reverse=True
    )


def _text_findings(values: pl.Series, region: str, hints: frozenset[str]) -> list[KindFinding]:
    kinds = []
    for item in embedded_evidence(values, region):
        score = embedded_confidence(item.passed, item.sampled)
        if score > 0:
            kinds.append(
                KindFinding(
                    item.kind,
                    score,
                    item.matched,
                    item.sampled,
                    item.passed,
                    item.kind in hints,
                    embedded=True,
                )
            )
    if not kinds:
        return []
    kinds.sort(key=lambda f: f.confidence, reverse=True)
    top = kinds[0]
    summary = KindFinding(
        "free_text",
        top.confidence,
        top.matched,
        top.sampled,
        top.checksum_passed,
        "free_text" in hints,
    )
    return [summary, *kinds]


def _as_text(series: pl.Series) -> pl.Series:
    if series.dtype == pl.String:
        return series
    if series.dtype.is_nested():
        return pl.Series(series.name, [None] * series.len(), dtype=pl.String)
    return series.cast(pl.String, strict=False)


def _stats(series: pl.Series, values: pl.Series) -> dict[str, float | int | bool | str]:
    rows = series.len()
    n = values.len()
    lengths = values.str.len_chars()
    stats: dict[str, float | int | bool | str] = {
        "rows": rows,
        "sampled": n,
        "null_ratio": round(1 - _non_blank(series) / rows, 4) if rows else 0.0,
        "distinct": values.n_unique() if n else 0,
        "uniqueness": round(values.n_unique() / n, 4) if n else 0.0,
        "length_min": int(lengths.min() or 0) if n else 0,  # type: ignore[arg-type]
        "length_max": int(lengths.max() or 0) if n else 0,  # type: ignore[arg-type]
        "length_mean": round(float(lengths.mean() or 0.0), 2) if n else 0.0,  # type: ignore[arg-type]
        "free_text": False,
        "dtype": str(series.dtype),
    }
    return stats


def _non_blank(series: pl.Series) -> int:
    text = _as_text(series).drop_nulls().str.strip_chars()
    return int((text != "").sum())
