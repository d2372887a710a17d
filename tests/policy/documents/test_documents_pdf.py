"""``steward policy docs --pdf``: every document also as PDF, its headings and key
figures readable from the PDF's text, and no outside address asked for."""

from __future__ import annotations

import html
import io
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

import steward.pdf.render
from steward.cli.main import app
from steward.pdf import RefusingFetcher
from steward.policy import load_plan

from .conftest import CITY


def pdf_words(path: Path) -> str:
    """The PDF's text with no whitespace at all (line breaks fall anywhere), ligatures
    undone."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "".join(page.extract_text() for page in reader.pages)
    return "".join(unicodedata.normalize("NFKC", text).split())


def headings(page: str) -> list[str]:
    """The text of every ``h1`` and ``h2`` of an HTML page."""
    found = re.findall(r"<h([12])[^>]*>(.*?)</h\1>", page, flags=re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)) for _, text in found]


class _Recorded:
    fetchers: list[RefusingFetcher] = []  # noqa: RUF012


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The city example's documents written with ``--pdf``, and every address any PDF's
    fetcher was asked for."""

    class Recording(RefusingFetcher):
        def __init__(self) -> None:
            super().__init__()
            _Recorded.fetchers.append(self)

    out = tmp_path_factory.mktemp("docs") / "documents"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(steward.pdf.render, "RefusingFetcher", Recording)
        result = CliRunner().invoke(app, ["policy", "docs", str(CITY), "--out", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    asked = [url for fetcher in _Recorded.fetchers for url in fetcher.asked]
    assert _Recorded.fetchers, "no PDF was laid out"
    return out, asked


@pytest.mark.slow
def test_every_document_is_written_as_pdf_too(written: tuple[Path, list[str]]) -> None:
    out, _ = written
    pages = sorted(path.stem for path in out.glob("*.html"))
    assert pages == sorted(path.stem for path in out.glob("*.pdf"))
    assert len(pages) >= 6
    for stem in pages:
        assert (out / f"{stem}.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.slow
def test_each_pdf_holds_its_documents_headings(written: tuple[Path, list[str]]) -> None:
    out, _ = written
    for page in sorted(out.glob("*.html")):
        text = pdf_words(page.with_suffix(".pdf"))
        titles = headings(page.read_text(encoding="utf-8"))
        assert titles, page.name
        for title in titles:
            wanted = "".join(unicodedata.normalize("NFKC", title).split())
            assert wanted in text, f"{page.stem}.pdf lacks the heading {title!r}"


@pytest.mark.slow
def test_the_pdfs_hold_the_plans_version_and_digest(written: tuple[Path, list[str]]) -> None:
    out, _ = written
    loaded = load_plan(CITY)
    index = pdf_words(out / "index.pdf")
    assert loaded.digest in index
    assert f"Planversion:{loaded.plan.version}" in index
    assert loaded.digest in pdf_words(out / "impact-assessment.pdf")
    assert "Page1of" in pdf_words(out / "management-plan.pdf")


@pytest.mark.slow
def test_no_pdf_asked_for_an_outside_address(written: tuple[Path, list[str]]) -> None:
    _, asked = written
    assert asked == []


@pytest.mark.slow
def test_the_index_links_each_pdf(written: tuple[Path, list[str]]) -> None:
    out, _ = written
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="impact-assessment.pdf"' in index
    assert "| PDF |" in (out / "index.md").read_text(encoding="utf-8")


def test_without_pdf_none_is_written_nor_linked(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    result = CliRunner().invoke(app, ["policy", "docs", str(CITY), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not list(out.glob("*.pdf"))
    assert ".pdf" not in (out / "index.html").read_text(encoding="utf-8")


def test_without_weasyprint_a_plain_error_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    out = tmp_path / "documents"
    result = CliRunner().invoke(app, ["policy", "docs", str(CITY), "--out", str(out), "--pdf"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "WeasyPrint and the Pango library are needed" in result.output
    assert not out.exists()
