"""PDF from Steward's self-contained HTML pages, with nothing fetched from outside.

:func:`html_to_pdf` lays out a page with WeasyPrint and fonts from the system. It is
given the HTML as text and no base address, and its URL fetcher refuses every URL
(web, file and data addresses alike): a page that names an outside image, stylesheet
or font is laid out without it, and nothing is read or requested. WeasyPrint is
imported on the first call only (it is heavy; ``steward deid --help`` never loads it).
"""

from steward.pdf.render import PdfError, RefusingFetcher, html_to_pdf

__all__ = ["PdfError", "RefusingFetcher", "html_to_pdf"]
