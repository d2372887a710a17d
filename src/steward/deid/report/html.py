"""The anonymization report: one self-contained page (inline CSS and SVG, no scripts,
no outside resources) saying what was done, what it means and what it cost; written
as HTML, or laid out as PDF when the file's name ends in ``.pdf``.

Only sizes, counts, levels, column names and hierarchy labels that group several
values appear: never a recorded value.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from steward import __version__
from steward.atomic import write_bytes_atomically
from steward.clock import now
from steward.deid.errors import DeidError
from steward.deid.report.explain import level_meanings, passage, suppression_words
from steward.deid.report.figures import figures
from steward.deid.search.anonymize import Anonymization, Settings

STYLE = """
body{font-family:system-ui,"DejaVu Sans",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#222;background:#fff;line-height:1.45}
header{border-bottom:2px solid #1f3b57;margin-bottom:1rem}
footer{border-top:1px solid #bbb;margin-top:2rem;padding-top:.5rem;font-size:.9rem;color:#444}
nav ul{columns:2}
h1,h2,h3{color:#1f3b57;line-height:1.25}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{border:1px solid #bbb;padding:.25rem .6rem;text-align:left;vertical-align:top}
thead th{background:#eef2f6}
tbody th{background:#f7f7f7;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.25rem 0}
figure{margin:1rem 0}
figcaption{margin:.3rem 0;color:#333}
svg{max-width:100%;height:auto}
code{font-size:.95em}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}
nav{display:none}h2,h3{break-after:avoid}figure,tr{break-inside:avoid}}
"""

_SECTIONS = (
    ("summary", "Summary"),
    ("provenance", "Where this report comes from"),
    ("levels", "Generalization chosen and what each level means"),
    ("unchanged", "Columns passed through unchanged"),
    ("suppression", "How suppression enters the loss"),
    ("sizes", "Class sizes before and after"),
    ("risk", "Re-identification risk before and after"),
    ("loss", "Information loss per attribute"),
    ("search", "Search"),
)


def render(
    result: Anonymization,
    settings: Settings,
    source: str,
    *,
    input_digest: str | None = None,
    generated: datetime | None = None,
) -> str:
    """The report for ``result`` of anonymizing ``source`` with ``settings``, as HTML.

    ``input_digest`` is the source file's SHA-256 (or why there is none);
    ``generated`` the report's date (by default :func:`steward.clock.now`). The
    meaning of each level comes from ``result.hierarchies``. Only sizes, counts,
    levels, column names and hierarchy labels appear: no record values.
    """
    when = (generated or now()).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    charts = {f.name: f for f in figures(result, settings.k)}
    sections = {
        "summary": _table(_summary(result, settings, source)),
        "provenance": _table(
            [
                ("Input file", source),
                ("Input file SHA-256", input_digest or "not given"),
                ("Generated", when),
                ("Steward version", __version__),
            ]
        ),
        "levels": _levels(result),
        "unchanged": _unchanged(result, settings),
        "suppression": "".join(f"<p>{escape(p)}</p>" for p in suppression_words(result)),
        "sizes": charts["figure-sizes"].html(),
        "risk": charts["figure-risk"].html(),
        "loss": charts["figure-loss"].html(),
        "search": _table(_statistics(result)),
    }
    contents = "".join(f'<li><a href="#{key}">{escape(title)}</a></li>' for key, title in _SECTIONS)
    body = "".join(
        f'<section aria-labelledby="{key}"><h2 id="{key}">{escape(title)}</h2>'
        f"{sections[key]}</section>"
        for key, title in _SECTIONS
    )
    title = f"Anonymization report: {source}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="Steward {escape(__version__)}">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>"
        f"<p>Generated {escape(when)} by Steward {escape(__version__)}.</p></header>"
        f'<nav aria-label="Contents"><ul>{contents}</ul></nav>'
        f"<main>{body}</main>"
        f"<footer><p>Generated {escape(when)} by Steward {escape(__version__)} from "
        f"{escape(source)} (SHA-256 {escape(input_digest or 'not given')}). The report "
        "holds counts, levels, column names and hierarchy labels only: no record "
        "values.</p></footer></body></html>\n"
    )


def write(
    path: str | Path,
    result: Anonymization,
    settings: Settings,
    source: str,
    *,
    input_file: Path | None = None,
    generated: datetime | None = None,
) -> None:
    """Write the report to ``path``: HTML, or PDF when its name ends in ``.pdf``
    (WeasyPrint, every outside address refused). ``input_file``, when the source is
    one, is read to state its SHA-256. The file is written under a temporary name
    and renamed, so it is never left half-written.

    Raises:
        DeidError: the file cannot be written, the input file cannot be read, or
            the PDF cannot be laid out (WeasyPrint or Pango missing).
    """
    target = Path(path)
    page = render(
        result, settings, source, input_digest=input_digest(input_file), generated=generated
    )
    content: bytes = page.encode("utf-8")
    if target.suffix.lower() == ".pdf":
        from steward.errors import StewardError
        from steward.pdf import html_to_pdf  # WeasyPrint loads only for a PDF

        try:
            content = html_to_pdf(page)
        except StewardError as error:
            raise DeidError(f"{target}: cannot write the report: {error}") from None
    _write_atomically(target, content)


def input_digest(file: Path | None) -> str:
    """The SHA-256 of ``file`` in hex, or why there is none (a table given in memory,
    or a folder of files).

    Raises:
        DeidError: the file cannot be read.
    """
    if file is None:
        return "none: the table was given in memory, not as a file"
    if file.is_dir():
        return "none: the input is a folder of files"
    try:
        with file.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError as error:
        raise DeidError(f"{file}: cannot be read for its SHA-256 ({error.strerror})") from None


def _write_atomically(path: Path, content: bytes) -> None:
    try:
        write_bytes_atomically(path, content)
    except OSError as error:
        raise DeidError(f"{path}: cannot write the report ({error.strerror})") from None


def _summary(result: Anonymization, settings: Settings, source: str) -> list[tuple[str, str]]:
    after = result.sizes_after
    highest_before = 1.0 / float(result.sizes_before.min()) if result.sizes_before.size else 0.0
    highest_after = 1.0 / float(after.min()) if after.size else 0.0
    if result.suppressed:
        highest_after = max(highest_after, 1.0 / result.suppressed)
    model = f"k = {settings.k}"
    if settings.l is not None:
        model += f", distinct l = {settings.l} on {settings.sensitive}"
    if settings.t is not None:
        model += f", t = {settings.t} on {settings.sensitive}"
    return [
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
        ("Highest prosecutor risk before / after", f"{highest_before:.3f} / {highest_after:.3f}"),
        ("ARX Loss", f"{result.loss:.4f}"),
        ("Non-uniform entropy", f"{result.entropy:,.1f} bits"),
    ]


def _statistics(result: Anonymization) -> list[tuple[str, str]]:
    search = result.search
    return [
        ("Nodes in the lattice", f"{search.lattice_size:,}"),
        ("Nodes checked for anonymity", f"{search.checked:,}"),
        ("Nodes scored", f"{search.scored:,}"),
        ("Nodes known anonymous", f"{search.anonymous:,}"),
        ("Coding and aggregation", f"{result.encode_seconds * 1000:,.1f} ms"),
        ("Search", f"{search.seconds * 1000:,.1f} ms"),
    ]


def _levels(result: Anonymization) -> str:
    chosen = "".join(
        f'<tr><th scope="row">{escape(name)}</th><td class="n">{level}</td>'
        f'<td class="n">{result.attribute_loss[name]:.4f}</td></tr>'
        for name, level in result.levels.items()
    )
    parts = [
        "<table><caption>Level chosen per quasi-identifier</caption><thead><tr>"
        '<th scope="col">Quasi-identifier</th><th scope="col">Level</th>'
        f'<th scope="col">Loss</th></tr></thead><tbody>{chosen}</tbody></table>',
        "<p>Each level of a hierarchy hides more of the value than the one before. "
        "The examples are labels of the hierarchy that group several values; no value "
        "as recorded is shown.</p>",
    ]
    for name, level in result.levels.items():
        used = result.hierarchies.get(name)
        parts.append(f"<h3>{escape(name)}</h3>")
        if used is None:
            parts.append("<p>Its hierarchy was not given to the report.</p>")
            continue
        parts.append(f"<p>Hierarchy: {escape(used.describe())}.</p>")
        rows = "".join(
            f'<tr><th scope="row">{escape(name)} level {m.level}'
            f"{' (chosen)' if m.chosen else ''}</th><td>{escape(m.meaning)}</td>"
            f"<td>{escape(', '.join(m.examples)) if m.examples else '-'}</td></tr>"
            for m in level_meanings(used.hierarchy, level)
        )
        parts.append(
            f"<table><caption>What each level of {escape(name)} means</caption><thead><tr>"
            '<th scope="col">Level</th><th scope="col">Meaning</th>'
            f'<th scope="col">Example labels</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    return "".join(parts)


def _unchanged(result: Anonymization, settings: Settings) -> str:
    if not result.columns:
        return "<p>The source's columns were not given to the report.</p>"
    passed = passage(result.columns, result.levels)
    parts = []
    if passed.untouched:
        items = "".join(
            f"<li>{escape(c)}{' (the sensitive column)' if c == settings.sensitive else ''}</li>"
            for c in passed.untouched
        )
        parts.append(
            "<p>These columns are not quasi-identifiers. They are written as they were "
            f"read, in every record, suppressed records included:</p><ul>{items}</ul>"
        )
    else:
        parts.append("<p>Every column is a quasi-identifier; none passes through as it was.</p>")
    if passed.kept_level0:
        items = "".join(f"<li>{escape(q)}</li>" for q in passed.kept_level0)
        where = (
            "except in the suppressed records, where they are *"
            if result.suppressed
            else "in every record (none was suppressed)"
        )
        parts.append(
            f"<p>These quasi-identifiers were kept at level 0: as read, {where}:</p>"
            f"<ul>{items}</ul>"
        )
    return "".join(parts)


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in rows
    )
    return f"<table><tbody>{body}</tbody></table>"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.2%}" if whole else "0%"
