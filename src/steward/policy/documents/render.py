"""Render documents: Jinja2 Markdown templates, then HTML inside a self-contained page.

Two Jinja2 environments share the template folder:

* the Markdown environment escapes every ``{{ value }}`` with :func:`escape_markdown`
  (a ``finalize`` hook), so plan text can neither inject HTML nor Markdown syntax;
* the HTML environment autoescapes, and wraps the converted body in ``page.html.j2``.

Every table the Markdown produces gets ``scope="col"`` on its header cells and turns
the first non-empty cell of each body row into a ``<th scope="row">``: in these
documents the first column always names the row (blank signature rows stay cells).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import markdown
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from steward.policy.documents.context import every_words
from steward.policy.documents.provenance import Provenance
from steward.policy.documents.wording import yes_no
from steward.policy.safeguards import promise

_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]|])")
_WHITESPACE = re.compile(r"\s+")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LEADING_ORDINAL = re.compile(r"^(\d+)([.)])(?=\s|$)")
_LEADING_MARKER = re.compile(r"^(?:#|[-+*](?=\s|$)|[-=]+$)")


class Raw(str):
    """Markdown the templates build on purpose; :func:`escape_markdown` leaves it alone."""

    __slots__ = ()


def escape_markdown(value: Any) -> str:
    """``value`` as Markdown text that renders literally and cannot carry HTML.

    Each run of whitespace (line breaks included) becomes one space; ``<``, ``>`` and
    anything that looks like an HTML entity become entities; Markdown punctuation
    gets a backslash, and so does a leading list or heading marker. ``None`` becomes
    an empty string; :class:`Raw` passes through unchanged.
    """
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return ""
    text = _WHITESPACE.sub(" ", str(value))
    text = _ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _LEADING_ORDINAL.sub(r"\1\\\2", text)
    if _LEADING_MARKER.match(text):
        text = "\\" + text
    return text


@cache
def markdown_environment() -> Environment:
    """The Jinja2 environment for Markdown templates (``*.md.j2``)."""
    env = Environment(
        loader=PackageLoader("steward.policy.documents", "templates"),
        autoescape=False,  # noqa: S701 - every value is escaped by finalize below.
        finalize=escape_markdown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yesno"] = yes_no
    env.filters["every"] = every_words
    # Every sentence that promises behaviour goes through the safeguard registry: as it
    # is when Steward enforces it, marked "Planned, not yet in place:" otherwise.
    env.globals["promise"] = promise
    return env


@cache
def html_environment() -> Environment:
    """The Jinja2 environment for the HTML page wrapper, with autoescaping on."""
    return Environment(
        loader=PackageLoader("steward.policy.documents", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_markdown(template: str, **context: Any) -> str:
    """Render the Markdown template ``template`` with ``context``.

    Raises:
        jinja2.TemplateError: the template is broken or reads a missing value.
    """
    text = markdown_environment().get_template(template).render(**context)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def markdown_to_html(text: str) -> str:
    """Convert a rendered document to an HTML fragment with accessible tables."""
    return _convert(text)[0]


def _convert(text: str) -> tuple[str, str]:
    """(the HTML fragment, its table of contents as HTML) for ``text``.

    The contents are never placed in the text by a marker: a Markdown file must not
    carry a stray ``[TOC]``. :func:`render_html` puts them in the page when asked.
    """
    converter = markdown.Markdown(
        extensions=["tables", "toc", "sane_lists", _TableScopes()],
        extension_configs={"toc": {"toc_depth": "2-3", "title": "Contents", "marker": ""}},
        output_format="html",
    )
    body = converter.convert(text)
    return body, str(getattr(converter, "toc", ""))


def render_html(
    title: str,
    body_markdown: str,
    *,
    footer: str = "",
    language: str = "en",
    page_mark: str | None = None,
    provenance: Provenance | None = None,
    contents: bool = False,
) -> str:
    """A complete, self-contained HTML page for a document, in ``language`` (BCP 47).

    ``title``, ``footer`` and ``page_mark`` are autoescaped; the body comes from
    ``body_markdown``. A ``page_mark`` (a draft's warning) stays in view on screen and
    is repeated at the top of every printed page. With ``provenance``, the footer states
    the plan version, its SHA-256, when the page was generated and by which Steward
    version. With ``contents``, a navigation list of the document's sections opens the
    page.
    """
    html, toc = _convert(body_markdown)
    body = Markup(html)  # noqa: S704 - values escaped upstream.
    nav = Markup(toc) if contents and "<li>" in toc else None  # noqa: S704 - from the body.
    page = html_environment().get_template("page.html.j2")
    return page.render(
        title=title,
        body=body,
        footer=footer,
        language=language,
        page_mark=page_mark,
        provenance=provenance,
        contents=nav,
    )


class _ScopeTreeprocessor(markdown.treeprocessors.Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for table in root.iter("table"):
            for head in table.iter("thead"):
                for cell in head.iter("th"):
                    cell.set("scope", "col")
            for body in table.iter("tbody"):
                for row in body.iter("tr"):
                    cells = list(row)
                    if cells and cells[0].tag == "td" and (cells[0].text or "").strip():
                        cells[0].tag = "th"
                        cells[0].set("scope", "row")


class _TableScopes(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ScopeTreeprocessor(md), "table_scopes", 5)
