"""``steward.pdf.html_to_pdf``: a page laid out as PDF, its text readable, and nothing
fetched from outside: every address a page names is refused, none is requested."""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from steward.pdf import PdfError, RefusingFetcher, html_to_pdf


def pdf_text(pdf: bytes) -> str:
    """Every page's text, each run of whitespace made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Quarterly figures</title></head>
<body><main><h1>Quarterly figures</h1><p>Requests answered: 1,234.</p>
<table><tr><th scope="row">Closed</th><td>987</td></tr></table></main></body></html>
"""


def test_the_text_of_the_page_is_in_the_pdf() -> None:
    pdf = html_to_pdf(PAGE)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in ("Quarterly figures", "Requests answered: 1,234.", "Closed 987", "Page 1 of 1"):
        assert expected in text
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "Quarterly figures"


class _Counting(BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 - one list per test, reset by the fixture

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A web server on this machine that records every request it gets."""
    _Counting.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Counting.requests
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_a_page_that_names_outside_resources_fetches_none(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, requests = server
    secret = tmp_path / "local.css"
    secret.write_text("h1::after { content: 'read from the disk' }")
    urls = {
        "stylesheet": f"{base}/style.css",
        "import": f"{base}/imported.css",
        "image": f"{base}/logo.png",
        "font": f"{base}/font.woff2",
        "file": secret.as_uri(),
        "data": "data:text/css,h1::after%7Bcontent:'from%20a%20data%20address'%7D",
    }
    page = f"""<!DOCTYPE html><html lang="en"><head><title>Outside</title>
<link rel="stylesheet" href="{urls["stylesheet"]}">
<link rel="stylesheet" href="{urls["file"]}">
<link rel="stylesheet" href="{urls["data"]}">
<style>@import url("{urls["import"]}");
@font-face {{ font-family: Outside; src: url("{urls["font"]}"); }}
body {{ font-family: Outside, sans-serif; }}</style></head>
<body><main><h1>Still laid out</h1><img src="{urls["image"]}" alt="A logo"></main></body></html>
"""
    fetcher = RefusingFetcher()
    text = pdf_text(html_to_pdf(page, fetcher=fetcher))
    assert requests == []
    assert "Still laid out" in text
    assert "read from the disk" not in text
    assert "from a data address" not in text
    assert set(fetcher.asked) == set(urls.values())


def test_a_self_contained_page_asks_for_nothing() -> None:
    fetcher = RefusingFetcher()
    html_to_pdf(PAGE, fetcher=fetcher)
    assert fetcher.asked == []


def test_the_fetcher_refuses_whatever_it_is_asked() -> None:
    fetcher = RefusingFetcher()
    with pytest.raises(PermissionError):
        fetcher("https://example.org/a.png")
    assert fetcher.asked == ["https://example.org/a.png"]


def test_without_weasyprint_a_plain_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(PdfError, match="WeasyPrint and the Pango library are needed"):
        html_to_pdf(PAGE)
