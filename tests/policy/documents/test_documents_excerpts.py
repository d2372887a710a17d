"""The excerpts of documents in ``docs/documents.md`` are what Steward writes today:
every line of each excerpt under "An excerpt of each document" is a line of a document
generated from one of the example plans."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from steward.policy.documents import render_documents
from steward.policy.loader import load_plan

REPO = Path(__file__).resolve().parents[3]
HEADING = "### An excerpt of each document"
BLOCK = re.compile(r"```markdown\n(.*?)```", re.S)


def excerpts_section(text: str) -> str | None:
    """The text of the excerpts section: up to the next heading outside a code block."""
    if HEADING not in text:
        return None
    lines, in_code = [], False
    for line in text.split(HEADING, 1)[1].splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_every_excerpt_line_is_in_a_generated_document() -> None:
    text = (REPO / "docs" / "documents.md").read_text(encoding="utf-8")
    section = excerpts_section(text)
    assert section is not None, "the excerpts section is missing from docs/documents.md"
    blocks = BLOCK.findall(section)
    assert len(blocks) >= 5
    generated = datetime(2026, 12, 1, tzinfo=UTC)
    written: set[str] = set()
    for plan in sorted((REPO / "examples").glob("*.yaml")):
        for name, document in render_documents(load_plan(plan), generated=generated).items():
            if name.endswith(".md"):
                written.update(document.splitlines())
    missing = [
        line for block in blocks for line in block.splitlines() if line and line not in written
    ]
    assert missing == []
