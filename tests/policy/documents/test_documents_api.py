"""The package's public surface stays small and deliberate."""

from __future__ import annotations

import steward.policy.documents as documents
from steward.errors import StewardError
from steward.policy import LoadedPlan


def test_public_names() -> None:
    assert sorted(documents.__all__) == [
        "DocumentWriteError",
        "render_documents",
        "write_documents",
    ]
    assert issubclass(documents.DocumentWriteError, StewardError)


def test_render_documents_keeps_everything_in_memory(city: LoadedPlan) -> None:
    files = documents.render_documents(city)
    assert list(files)[-2:] == ["index.md", "index.html"]
    assert all(text.endswith("\n") for text in files.values())
