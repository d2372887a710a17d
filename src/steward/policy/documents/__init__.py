"""The documents an organization owes, generated from its data management plan.

:func:`write_documents` writes each document as self-contained HTML and as
Markdown: the data management plan, the impact assessment, a privacy notice per
dataset, the public data-sharing policy, the record of processing activities, and
an index naming the plan version and digest.

The vault's intake pages show the privacy notice of one dataset with the same
pieces: :func:`build_context`, :func:`notice_view`, :func:`render_markdown` and
:func:`markdown_to_html`, and the helpers :func:`contact_line` and :func:`purpose_labels`;
the staff's acknowledgement page shows the management plan and :func:`role_view`.
"""

from __future__ import annotations

from pathlib import Path

from steward.policy.documents.build import PlanContext, build_context
from steward.policy.documents.context import contact_line, purpose_labels, role_view
from steward.policy.documents.impact import draft_banner, page_mark
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


def render_documents(loaded: LoadedPlan, *, failing_checks: int = 0) -> dict[str, str]:
    """Every document of ``loaded`` in memory: file name -> text, index files last.

    With ``failing_checks`` above zero, every document opens with a banner saying it
    is a draft of a plan that fails that many checks and must not be published. The
    impact assessment of a plan without ``consultation`` or ``sign_off`` is marked as a
    draft on its own: a note at the top, and on every page of the HTML.

    Raises:
        jinja2.TemplateError: a template is broken (a bug in Steward, not in the plan).
    """
    doc = build_context(loaded)
    banner = _draft_banner(failing_checks)
    organization = loaded.plan.organization.name
    entries: list[tuple[str, Raw]] = []
    files: dict[str, str] = {}
    for stem, title in _PLAN_WIDE:
        mark = draft_banner(doc.impact) if stem == "impact-assessment" else ""
        _add(
            files,
            stem,
            f"{title}{' (draft)' if mark else ''}: {organization}",
            f"{stem}.md.j2",
            doc,
            entries,
            title,
            banner + mark,
            page_mark=page_mark(doc.impact) if mark else None,
        )
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
    index = banner + render_markdown("index.md.j2", doc=doc, entries=entries)
    files["index.md"] = index
    files["index.html"] = render_html(
        f"Documents: {organization}",
        index,
        footer=_footer(doc),
        language=doc.plan.organization.language,
    )
    return files


def write_documents(loaded: LoadedPlan, out: Path, *, failing_checks: int = 0) -> list[Path]:
    """Write every document of ``loaded`` into the folder ``out``, creating it if needed.

    All documents are rendered before the first file is written, and each file is
    written to a temporary name and renamed, so no file is ever half-written.
    Returns the paths written, in a stable order (index last). ``failing_checks``
    marks every document as a draft (see :func:`render_documents`).

    Raises:
        DocumentWriteError: (a :class:`~steward.errors.StewardError`) ``out`` is not a
            folder, cannot be created, or a file in it cannot be written.
    """
    files = render_documents(loaded, failing_checks=failing_checks)
    prepare_folder(out)
    written: list[Path] = []
    for name, text in files.items():
        path = out / name
        write_atomically(path, text)
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
    page_mark: str | None = None,
    **extra: object,
) -> None:
    text = banner + render_markdown(template, doc=doc, **extra)
    files[f"{stem}.md"] = text
    files[f"{stem}.html"] = render_html(
        title,
        text,
        footer=_footer(doc),
        language=doc.plan.organization.language,
        page_mark=page_mark,
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
