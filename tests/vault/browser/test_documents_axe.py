"""axe-core in Debian's chromium finds nothing wrong with the documents of every
example plan, nor with the anonymization report (HTML, each page loaded as it is
written, with nothing fetched)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route

from steward.deid.report.html import render
from steward.deid.search.anonymize import Settings, anonymize
from steward.deid.search.hierarchies import from_rows
from steward.deid.search.sources import UsedHierarchy
from steward.policy import load_plan
from steward.policy.documents import render_documents

pytestmark = pytest.mark.browser

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.yaml"))


def violations(page: Page, html: str) -> list[dict[str, Any]]:
    """axe-core's violations on ``html``, loaded with every request refused."""
    fetched: list[str] = []

    def refuse(route: Route) -> None:
        fetched.append(route.request.url)
        route.abort()

    page.route("**/*", refuse)
    page.set_content(html, wait_until="load")
    found: list[dict[str, Any]] = Axe().run(page).response["violations"]
    assert fetched == [], f"the page asked for {fetched}"
    return found


def described(found: list[dict[str, Any]]) -> str:
    """Each violation: its rule, impact, help and the elements it names."""
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(
            f"    {' '.join(node['target'])}: {node['html'][:160]}" for node in violation["nodes"]
        )
    return "\n".join(lines)


@pytest.mark.parametrize("plan", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_document_passes_axe(page: Page, plan: Path) -> None:
    files = render_documents(load_plan(plan), pdf=True)
    problems = {
        name: described(found)
        for name, text in files.items()
        if name.endswith(".html") and (found := violations(page, text))
    }
    assert problems == {}, "\n".join(f"{name}:\n{text}" for name, text in problems.items())


def test_the_anonymization_report_passes_axe(page: Page) -> None:
    ages = from_rows(
        "age", [[str(a), f"{a // 10 * 10}-{a // 10 * 10 + 9}", "*"] for a in range(20, 60)]
    )
    sex = from_rows("sex", [["F", "*"], ["M", "*"]])
    table = pl.DataFrame(
        {
            "age": [str(20 + i % 20) for i in range(200)] + ["50", "51", "52"],
            "sex": ["F" if (i // 20) % 2 else "M" for i in range(200)] + ["F"] * 3,
            "illness": ["flu", "cold"] * 101 + ["flu"],
        }
    )
    settings = Settings(("age", "sex"), k=5, max_suppression=0.05)
    result = anonymize(table, settings, {"age": ages, "sex": sex})
    result = replace(
        result,
        hierarchies={
            "age": UsedHierarchy("age", ages, "built-in", "age bands"),
            "sex": UsedHierarchy("sex", sex, "file", "ARX file"),
        },
    )
    assert result.suppressed == 3
    found = violations(page, render(result, settings, "people.csv", input_digest="0" * 64))
    assert found == [], described(found)


def test_the_check_finds_what_is_wrong(page: Page) -> None:
    """The same check on a page without language, title or landmarks, with an
    unnamed image: axe reports each."""
    found = violations(
        page, '<!DOCTYPE html><html><body><img src="data:,"><p>Text</p></body></html>'
    )
    rules = {violation["id"] for violation in found}
    assert {"html-has-lang", "document-title", "image-alt"} <= rules
    assert "image-alt" in described(found)
