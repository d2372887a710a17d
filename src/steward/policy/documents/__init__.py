"""The documents an organization owes, generated from its data management plan.

:func:`write_documents` writes each document as self-contained HTML and as
Markdown, and on request as PDF (:func:`render_pdfs`): the data management plan, the
impact assessment, a privacy notice per dataset, the public data-sharing policy, the
record of processing activities (and a processor's record when the organization
processes data for others), and an index.
Each states its :class:`Provenance`. :func:`write_collection` writes several plans'
documents, one folder each, with an index of them all.

The vault's intake pages show the privacy notice of one dataset with the same
pieces: :func:`build_context`, :func:`notice_view`, :func:`render_markdown` and
:func:`markdown_to_html`, and the helpers :func:`contact_line` and :func:`purpose_labels`;
the staff's acknowledgement page shows the management plan and :func:`role_view`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from steward.policy.documents.build import PlanContext, build_context
from steward.policy.documents.collection import write_collection
from steward.policy.documents.context import contact_line, purpose_labels, role_view
from steward.policy.documents.impact import draft_banner, page_mark
from steward.policy.documents.notice import notice_view
from steward.policy.documents.provenance import Provenance, provenance_markdown, provenance_of
from steward.policy.documents.render import Raw, markdown_to_html, render_html, render_markdown
from steward.policy.documents.writer import DocumentWriteError, prepare_folder, write_atomically
from steward.policy.loader import LoadedPlan

__all__ = [
    "DocumentWriteError",
    "Provenance",
    "build_context",
    "contact_line",
    "markdown_to_html",
    "notice_view",
    "prepare_folder",
    "provenance_markdown",
    "provenance_of",
    "purpose_labels",
    "render_documents",
    "render_html",
    "render_markdown",
    "render_pdfs",
    "role_view",
    "with_pdfs",
    "write_atomically",
    "write_collection",
    "write_documents",
]

_PLAN_WIDE = (
    ("management-plan", "Data management plan"),
    ("impact-assessment", "Data protection impact assessment"),
    ("sharing-policy", "Data-sharing policy"),
    ("record-of-processing", "Record of processing activities"),
)
_PROCESSOR = ("processor-record", "Record of processing activities as a processor")
_CONTENTS = frozenset({"management-plan", "impact-assessment", "record-of-processing"})
"""The documents whose HTML page opens with a list of their sections."""


def render_documents(
    loaded: LoadedPlan,
    *,
    failing_checks: int = 0,
    generated: datetime | None = None,
    pdf: bool = False,
) -> dict[str, str]:
    """Every document of ``loaded`` in memory: file name -> text, index files last.

    Each document states the plan version, the plan's SHA-256, the time ``generated``
    (default: now, from :mod:`steward.clock`) and the Steward version: in a block that
    closes the Markdown and in the HTML page's footer. With ``failing_checks`` above
    zero, every document opens with a banner saying it is a draft of a plan that fails
    that many checks and must not be published. The impact assessment of a plan without
    ``consultation`` or ``sign_off`` is marked as a draft on its own: a note at the top,
    and on every page of the HTML. The processor's record (GDPR Art. 30(2)) is written
    only when the plan says the organization processes data for others. With ``pdf``
    the index also links each document's PDF (made by :func:`render_pdfs`).

    Raises:
        jinja2.TemplateError: a template is broken (a bug in Steward, not in the plan).
    """
    doc = build_context(loaded, generated)
    page = _Page(doc, _draft_banner(failing_checks))
    organization = loaded.plan.organization.name
    documents = list(_PLAN_WIDE) + ([_PROCESSOR] if doc.processor is not None else [])
    for stem, title in documents:
        mark = draft_banner(doc.impact) if stem == "impact-assessment" else ""
        page.add(
            stem,
            f"{title}{' (draft)' if mark else ''}: {organization}",
            f"{stem}.md.j2",
            title,
            mark=mark,
            page_mark=page_mark(doc.impact) if mark else None,
        )
    for notice in doc.notices:
        title = f"Privacy notice: {notice.dataset.label}"
        page.add(notice.file_stem, title, "privacy-notice.md.j2", title, notice=notice)
    page.add(
        "index", f"Documents: {organization}", "index.md.j2", None, entries=page.entries, pdf=pdf
    )
    return page.files


def render_pdfs(files: Mapping[str, str]) -> dict[str, bytes]:
    """The PDF of each HTML page in ``files`` (as :func:`render_documents` returns
    them): ``management-plan.html`` -> ``management-plan.pdf``, in the same order.

    Each page is laid out by :func:`steward.pdf.html_to_pdf`: fonts from the system,
    every outside address refused, so a PDF holds only what its page holds.

    Raises:
        PdfError: (a :class:`~steward.errors.StewardError`) WeasyPrint or Pango is
            missing, or a page cannot be laid out.
    """
    from steward.pdf import html_to_pdf  # WeasyPrint loads only when PDF is asked for

    return {
        f"{name.removesuffix('.html')}.pdf": html_to_pdf(text)
        for name, text in files.items()
        if name.endswith(".html")
    }


def with_pdfs(texts: Mapping[str, str], pdf: bool) -> dict[str, str | bytes]:
    """``texts`` with, when ``pdf``, each page's PDF after its HTML and Markdown.

    Raises:
        PdfError: as :func:`render_pdfs`.
    """
    pdfs = render_pdfs(texts) if pdf else {}
    files: dict[str, str | bytes] = {}
    for name, text in texts.items():
        files[name] = text
        stem = name.removesuffix(".html")
        if f"{stem}.pdf" in pdfs:
            files[f"{stem}.pdf"] = pdfs[f"{stem}.pdf"]
    return files


def write_documents(
    loaded: LoadedPlan,
    out: Path,
    *,
    failing_checks: int = 0,
    generated: datetime | None = None,
    pdf: bool = False,
) -> list[Path]:
    """Write every document of ``loaded`` into the folder ``out``, creating it if needed.

    All documents are rendered before the first file is written, and each file is
    written to a temporary name and renamed, so no file is ever half-written.
    Returns the paths written, in a stable order (index last). ``failing_checks``
    marks every document as a draft and ``generated`` is the time they state (see
    :func:`render_documents`); with ``pdf`` each document is also written as PDF
    (:func:`render_pdfs`), after its HTML and Markdown.

    Raises:
        DocumentWriteError: (a :class:`~steward.errors.StewardError`) ``out`` is not a
            folder, cannot be created, or a file in it cannot be written.
        PdfError: (a :class:`~steward.errors.StewardError`) with ``pdf``, WeasyPrint
            or Pango is missing, or a page cannot be laid out; nothing is written.
    """
    texts = render_documents(loaded, failing_checks=failing_checks, generated=generated, pdf=pdf)
    files = with_pdfs(texts, pdf)
    prepare_folder(out)
    written: list[Path] = []
    for name, text in files.items():
        path = out / name
        write_atomically(path, text)
        written.append(path)
    return written


class _Page:
    """Renders documents of one plan, each as Markdown and HTML with its provenance."""

    def __init__(self, doc: PlanContext, banner: str) -> None:
        self.doc = doc
        self.banner = banner
        self.files: dict[str, str] = {}
        self.entries: list[tuple[str, Raw]] = []

    def add(
        self,
        stem: str,
        title: str,
        template: str,
        entry: str | None,
        *,
        mark: str = "",
        page_mark: str | None = None,
        **extra: object,
    ) -> None:
        """Render ``template`` as the document ``stem``: the plan's banner and ``mark``
        (a draft's note) open it; ``page_mark`` is repeated on every HTML page."""
        doc = self.doc
        text = self.banner + mark + render_markdown(template, doc=doc, **extra)
        self.files[f"{stem}.md"] = text + provenance_markdown(doc.provenance)
        self.files[f"{stem}.html"] = render_html(
            title,
            text,
            language=doc.plan.organization.language,
            page_mark=page_mark,
            provenance=doc.provenance,
            contents=stem in _CONTENTS,
        )
        if entry is not None:
            self.entries.append((entry, Raw(stem)))


def _draft_banner(failing_checks: int) -> str:
    if failing_checks <= 0:
        return ""
    return (
        f"> **Draft, not for publication.** The plan fails {failing_checks} "
        f"check{'s' if failing_checks != 1 else ''}; run `steward policy check` and fix "
        "them before these documents are used.\n\n"
    )
