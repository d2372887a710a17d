"""The package's public surface (pinned with every other in ``tests/test_public_api.py``)."""

from __future__ import annotations

import steward.policy.documents as documents
from steward.errors import StewardError
from steward.policy import LoadedPlan


def test_write_errors_are_steward_errors() -> None:
    assert issubclass(documents.DocumentWriteError, StewardError)


def test_render_documents_keeps_everything_in_memory(city: LoadedPlan) -> None:
    files = documents.render_documents(city)
    assert list(files)[-2:] == ["index.md", "index.html"]
    assert all(text.endswith("\n") for text in files.values())
