"""Privacy notices for the public pages: the short one atop a form, and the full one.

The full notice is the plan's own generated document (``steward.policy.documents``):
its Markdown is rendered with every plan value escaped, converted to an HTML
fragment and cached per plan digest and dataset, so every process shows the same
text as ``steward policy docs`` writes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from steward.policy import LoadedPlan
from steward.policy.documents import (
    build_context,
    contact_line,
    markdown_to_html,
    notice_view,
    render_markdown,
)
from steward.policy.model import Dataset, Plan


@dataclass(frozen=True)
class ShortNotice:
    """Who we are, what the form is for, how long we keep answers, and who to ask."""

    organization: str
    privacy_officer: str | None
    purposes: tuple[tuple[str, str], ...]
    """(label, how long it is kept) for every purpose the form's answers serve."""
    sealed: bool


def short_notice(plan: Plan, dataset: Dataset) -> ShortNotice:
    """The short privacy notice printed at the top of ``dataset``'s form."""
    notice = notice_view(plan, dataset)
    return ShortNotice(
        organization=plan.organization.name,
        privacy_officer=contact_line(plan.organization.privacy_officer),
        purposes=tuple((p.label, p.retention) for p in notice.purposes),
        sealed=dataset.sealed,
    )


_lock = threading.Lock()
_cache: dict[tuple[str, str], str] = {}


def full_notice_html(loaded: LoadedPlan, dataset: Dataset) -> str:
    """The full privacy notice of ``dataset`` as an HTML fragment (it opens with the
    page's only ``h1``). Plan text in it is escaped; it links to no outside resource.

    Raises:
        jinja2.TemplateError: a document template is broken (a bug in Steward).
    """
    key = (loaded.digest, dataset.id)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    text = render_markdown(
        "privacy-notice.md.j2",
        doc=build_context(loaded),
        notice=notice_view(loaded.plan, dataset),
    )
    html = markdown_to_html(text)
    with _lock:
        _cache[key] = html
    return html
