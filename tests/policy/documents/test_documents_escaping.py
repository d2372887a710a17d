"""Plan text cannot inject HTML or Markdown into the documents."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.policy import load_plan_text
from steward.policy.documents import write_documents
from steward.policy.documents.render import Raw, escape_markdown, markdown_to_html

from .conftest import CITY

ATTACK = "<script>alert(1)</script>"


def city_with(name: str) -> str:
    text = CITY.read_text(encoding="utf-8")
    return text.replace(
        "name: City of Riverton, Office of Constituent Services", f"name: '{name}'", 1
    )


def test_script_in_organization_name_is_escaped(tmp_path: Path) -> None:
    loaded = load_plan_text(city_with("Evil " + ATTACK), source="evil.yaml")
    for path in write_documents(loaded, tmp_path):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), path.name
        if path.suffix == ".html":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path.name


def test_markdown_syntax_in_plan_text_is_literal(tmp_path: Path) -> None:
    hostile = "[click](javascript:alert(1)) **bold** `code` {onclick=x} | cell"
    loaded = load_plan_text(city_with(hostile), source="evil.yaml")
    write_documents(loaded, tmp_path)
    page = (tmp_path / "management-plan.html").read_text(encoding="utf-8")
    assert "<a href" not in page.split('<div class="toc">')[0]
    assert "javascript:" not in re.findall(r'href="([^"]*)"', page)
    assert "<strong>bold</strong>" not in page
    assert "<code>" not in page
    assert "[click](javascript:alert(1)) **bold** `code` {onclick=x} | cell" in page


def test_escape_markdown_examples() -> None:
    assert escape_markdown(None) == ""
    assert escape_markdown(Raw("**kept**")) == "**kept**"
    assert escape_markdown("a\n  b") == "a b"
    assert escape_markdown("<b>&amp;</b>") == "&lt;b&gt;&amp;amp;&lt;/b&gt;"
    assert escape_markdown("# heading") == "\\# heading"
    assert escape_markdown("- item") == "\\- item"
    assert escape_markdown("1. first") == "1\\. first"
    assert escape_markdown("2026.2") == "2026.2"
    assert escape_markdown("a_b|c") == "a\\_b\\|c"


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60))
def test_escaped_text_never_renders_markup(value: str) -> None:
    rendered = markdown.markdown("Text: " + escape_markdown(value), extensions=["tables"])
    inner = rendered.removeprefix("<p>").removesuffix("</p>")
    assert "<" not in inner


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40))
def test_escaped_text_stays_in_its_table_cell(value: str) -> None:
    table = f"| a | b |\n|---|---|\n| {escape_markdown(value)} | x |\n"
    rendered = markdown_to_html(table)
    assert rendered.count("<td") + rendered.count('<th scope="row"') == 2
