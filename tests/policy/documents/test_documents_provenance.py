"""Every document states where it comes from, and none carries a stray ``[TOC]`` or a
word said twice in a row."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser

from steward import __version__
from steward.clock import ManualClock, use_clock
from steward.policy import LoadedPlan
from steward.policy.documents import render_documents

GENERATED = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
REPEATED = re.compile(r"\b(\w+)\b[\s:;,.()*_\-]+\1\b", re.IGNORECASE)
"""A word said again at once, across punctuation or emphasis ("confidential**: confidential")."""

_BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "title", "blockquote",
           "footer", "caption", "dt", "dd", "br"}  # fmt: skip


class Blocks(HTMLParser):
    """The text of a page, one string per block (paragraph, list item, table cell...)."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script")
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []


def html_blocks(page: str) -> list[str]:
    parser = Blocks()
    parser.feed(page)
    parser.close()
    parser._flush()
    return parser.blocks


def markdown_blocks(text: str) -> list[str]:
    """Lines of a Markdown document, with table rows split into their cells."""
    blocks: list[str] = []
    for line in text.splitlines():
        if set(line.strip()) <= set("|-: "):
            continue
        blocks += [cell.strip() for cell in line.split("|")] if line.startswith("|") else [line]
    return [b for b in blocks if b]


def test_every_document_states_its_provenance(example: LoadedPlan) -> None:
    files = render_documents(example, generated=GENERATED)
    stated = [
        f"Plan version: {example.plan.version}",
        f"Plan SHA-256: {example.digest}",
        "Generated: 2026-05-04 09:30 UTC",
        f"Steward version: {__version__}",
    ]
    for name, text in files.items():
        plain = re.sub(r"<[^>]+>", "", text)
        for fact in stated:
            assert fact in plain, (name, fact)
        assert plain.count(example.digest) >= 1
    assert len(files) >= 12


def test_the_provenance_closes_the_markdown_and_fills_the_html_footer(
    example: LoadedPlan,
) -> None:
    files = render_documents(example, generated=GENERATED)
    for name, text in files.items():
        if name.endswith(".md"):
            assert text.rstrip().endswith(f"Plan file: {example.source.split('/')[-1]}"), name
        else:
            footer = text.split("<footer>")[1]
            assert f"Plan SHA-256: <span>{example.digest}</span>" in footer, name


def test_the_generation_time_is_injected_or_read_from_the_clock(example: LoadedPlan) -> None:
    assert render_documents(example, generated=GENERATED) == render_documents(
        example, generated=GENERATED
    )
    later = render_documents(example, generated=GENERATED + timedelta(days=1))
    assert "Generated: 2026-05-05 09:30 UTC" in later["index.md"]
    with use_clock(ManualClock(datetime(2027, 1, 2, 3, 4, tzinfo=UTC))):
        from_clock = render_documents(example)
    assert "Generated: 2027-01-02 03:04 UTC" in from_clock["record-of-processing.md"]
    paris = datetime(2026, 5, 4, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    assert (
        "Generated: 2026-05-04 09:30 UTC" in render_documents(example, generated=paris)["index.md"]
    )


def test_no_document_has_a_stray_table_of_contents_marker(example: LoadedPlan) -> None:
    for name, text in render_documents(example, generated=GENERATED).items():
        assert "[TOC]" not in text, name


def test_long_documents_open_with_their_contents_in_html_only(example: LoadedPlan) -> None:
    files = render_documents(example, generated=GENERATED)
    page = files["management-plan.html"]
    nav = page.split('<nav aria-label="Contents">')[1].split("</nav>")[0]
    assert 'href="#organization"' in nav
    assert "Contents" not in files["management-plan.md"].split("\n## ")[0]


def test_no_word_is_said_twice_in_a_row(example: LoadedPlan) -> None:
    found: list[tuple[str, str]] = []
    for name, text in render_documents(example, generated=GENERATED).items():
        blocks = html_blocks(text) if name.endswith(".html") else markdown_blocks(text)
        found += [(name, m.group(0)) for b in blocks for m in REPEATED.finditer(b)]
    assert found == []


def test_the_repeated_word_check_catches_the_old_sentence() -> None:
    old = "The holding is classified **confidential**: confidential (holds Location)."
    assert REPEATED.search(old)
    assert REPEATED.search(html_blocks(f"<p>{old}</p>")[0])
    assert markdown_blocks("| no | no |") == ["no", "no"]
    assert not any(REPEATED.search(b) for b in markdown_blocks("| no | no |"))
