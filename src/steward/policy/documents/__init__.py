"""The documents an organization owes, generated from its data management plan.

:func:`write_documents` writes each document as self-contained HTML and as
Markdown, and on request as PDF (:func:`render_pdfs`): the data management plan,
the impact assessment, a privacy notice per dataset, the public data-sharing
policy, the record of processing activities, and an index naming the plan version
and digest.

The vault's intake pages show the privacy notice of one dataset with the same
pieces: :func:`build_context`, :func:`notice_view`, :func:`render_markdown` and
:func:`markdown_to_html`, and the helpers :func:`contact_line` and :func:`purpose_labels`;
the staff's acknowledgement page shows the management plan and :func:`role_view`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from steward.policy.documents.build import PlanContext, build_context
from steward.policy.documents.context import contact_line, purpose_labels, role_view
from steward.policy.documents.notice import notice_view
from steward.policy.documents.render import Raw, markdown_to_html, render_html, render_markdown
from steward.policy.documents.writer import DocumentWriteError, prepare_folder, write_atomically
from steward.policy.loader import LoadedPlan

__all__ = [
    "DocumentWriteError",
    "build_context",
    "contact_line",
    "markdown_to_html",
    "notice_view",
    "prepare_folder",
    "purpose_labels",
    "render_documents",
    "render_html",
    "render_markdown",
    "render_pdfs",
    "role_view",
    "write_atomically",
    "write_documents",
]

_PLAN_WIDE = (
    ("management-plan", "Data management plan"),
    ("impact-assessment", "Data protection impact assessment"),
    ("sharing-policy", "Data-sharing policy"),
    ("record-of-processing", "Record of processing activities"),
)


def render_documents(
    loaded: LoadedPlan, *, failing_checks: int = 0, pdf: bool = False
) -> dict[str, str]:
    """Every document of ``loaded`` in memory: file name -> text, index files last.

    With ``failing_checks`` above zero, every document opens with a banner saying it
    is a draft of a plan that fails that many checks and must not be published. With
    ``pdf`` the index also links each document's PDF (made by :func:`render_pdfs`).

    Raises:
        jinja2.TemplateError: a template is broken (a bug in Steward, not in the plan).
    """
    doc = build_context(loaded)
    banner = _draft_banner(failing_checks)
    organization = loaded.plan.organization.name
    entries: list[tuple[str, Raw]] = []
    files: dict[str, str] = {}
    for stem, title in _PLAN_WIDE:
        _add(files, stem, f"{title}: {organization}", f"{stem}.md.j2", doc, entries, title, banner)
    for notice in doc.notices:
        title = f"Privacy notice: {notice.dataset.label}"
        _add(
            files,
            notice.file_stem,
            title,
            "privacy-notice.md.j2",
            doc,
            entries,
            title,
            banner,
            notice=notice,
        )
    index = banner + render_markdown("index.md.j2", doc=doc, entries=entries, pdf=pdf)
    files["index.md"] = index
    files["index.html"] = render_html(
        f"Documents: {organization}",
        index,
        footer=_footer(doc),
        language=doc.plan.organization.language,
    )
    return files


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


def write_documents(
    loaded: LoadedPlan, out: Path, *, failing_checks: int = 0, pdf: bool = False
) -> list[Path]:
    """Write every document of ``loaded`` into the folder ``out``, creating it if needed.

    All documents are rendered before the first file is written, and each file is
    written to a temporary name and renamed, so no file is ever half-written.
    Returns the paths written, in a stable order (index last). ``failing_checks``
    marks every document as a draft (see :func:`render_documents`); with ``pdf``
    each document is also written as PDF (:func:`render_pdfs`), after its HTML and
    Markdown.

    Raises:
        DocumentWriteError: (a :class:`~steward.errors.StewardError`) ``out`` is not a
            folder, cannot be created, or a file in it cannot be written.
        PdfError: (a :class:`~steward.errors.StewardError`) with ``pdf``, WeasyPrint
            or Pango is missing, or a page cannot be laid out; nothing is written.
    """
    texts = render_documents(loaded, failing_checks=failing_checks, pdf=pdf)
    pdfs = render_pdfs(texts) if pdf else {}
    files: dict[str, str | bytes] = {}
    for name, text in texts.items():
        files[name] = text
        stem = name.removesuffix(".html")
        if f"{stem}.pdf" in pdfs:
            files[f"{stem}.pdf"] = pdfs[f"{stem}.pdf"]
    prepare_folder(out)
    written: list[Path] = []
    for name, content in files.items():
        path = out / name
        write_atomically(path, content)
        written.append(path)
    return written


def _add(
    files: dict[str, str],
    stem: str,
    title: str,
    template: str,
    doc: PlanContext,
    entries: list[tuple[str, Raw]],
    entry_title: str,
    banner: str,
    **extra: object,
) -> None:
    text = banner + render_markdown(template, doc=doc, **extra)
    files[f"{stem}.md"] = text
    files[f"{stem}.html"] = render_html(
        title, text, footer=_footer(doc), language=doc.plan.organization.language
    )
    entries.append((entry_title, Raw(stem)))


def _draft_banner(failing_checks: int) -> str:
    if failing_checks <= 0:
        return ""
    return (
        f"> **Draft, not for publication.** The plan fails {failing_checks} "
        f"check{'s' if failing_checks != 1 else ''}; run `steward policy check` and fix "
        "them before these documents are used.\n\n"
    )


def _footer(doc: PlanContext) -> str:
    return (
        f"Generated by Steward from {doc.source}, plan version {doc.version}, SHA-256 {doc.digest}."
    )
