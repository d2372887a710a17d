"""Lay out an HTML page as PDF with WeasyPrint, refusing every outside resource."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from steward.errors import StewardError

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

_QUIET_LOGGERS = ("weasyprint", "weasyprint.progress", "fontTools")
PAGE_STYLE = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages);
    font: 8.5pt sans-serif; color: #444; } }
"""
"""Added to every page: A4 with margins, each page numbered "Page n of m"."""


class PdfError(StewardError):
    """A page cannot be laid out as PDF (WeasyPrint or its Pango library is missing,
    or the layout failed)."""


class RefusingFetcher:
    """A URL fetcher that fetches nothing: every address WeasyPrint asks for is
    recorded in :attr:`asked` and refused.

    WeasyPrint calls it for each outside resource a page names (images, stylesheets,
    fonts, ``data:`` addresses); refusing makes WeasyPrint lay the page out without
    the resource.
    """

    _fail_on_errors = False
    """Read by WeasyPrint: a refusal leaves the resource out instead of stopping."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> URLFetcherResponse:
        """Record ``url`` and refuse it.

        Raises:
            PermissionError: always.
        """
        self.asked.append(url)
        raise PermissionError("Steward's PDFs hold no outside resources")

    fetch = __call__


def html_to_pdf(html: str, *, fetcher: RefusingFetcher | None = None) -> bytes:
    """``html``, a complete self-contained page, laid out as a PDF document.

    The page is read from the text alone (no base address), every URL it names is
    refused by ``fetcher`` (a new :class:`RefusingFetcher` unless one is given, to
    see what was asked), and fonts come from the system (fontconfig). Pages are A4
    and numbered (:data:`PAGE_STYLE`); the PDF is tagged (its headings, tables and
    reading order are marked for assistive technology) and takes its title from the
    page's ``<title>``. WeasyPrint's warnings (unsupported CSS, refused resources)
    are not printed.

    Raises:
        PdfError: WeasyPrint cannot be imported (it is not installed, or the Pango
            library it needs is missing), or the layout fails.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise PdfError(
            "cannot write PDF: WeasyPrint and the Pango library are needed "
            f"(pip install weasyprint; apt-get install libpango-1.0-0 libpangoft2-1.0-0): "
            f"{type(error).__name__}"
        ) from None
    refusing = fetcher if fetcher is not None else RefusingFetcher()
    try:
        with _quiet():
            page = weasyprint.CSS(string=PAGE_STYLE, url_fetcher=refusing)
            document = weasyprint.HTML(string=html, base_url=None, url_fetcher=refusing)
            pdf = document.write_pdf(stylesheets=[page], pdf_tags=True)
    except (ValueError, OSError, RuntimeError) as error:
        raise PdfError(f"cannot lay the page out as PDF ({type(error).__name__})") from None
    if not isinstance(pdf, bytes):  # pragma: no cover - WeasyPrint returns bytes without a target
        raise PdfError("cannot lay the page out as PDF (no document)")
    return pdf


@contextmanager
def _quiet() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in _QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
