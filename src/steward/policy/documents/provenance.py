"""Where a document comes from: the plan version, the plan's SHA-256, when it was
generated and by which Steward.

One :class:`Provenance` feeds both forms of every document: :func:`provenance_markdown`
is the block closing each Markdown file, and ``page.html.j2`` prints the same rows in
each HTML page's footer. The generation time is passed in (or read from
:mod:`steward.clock`), so tests fix it and nothing depends on the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from steward import __version__, clock
from steward.policy.loader import LoadedPlan


@dataclass(frozen=True)
class Provenance:
    """The facts that tie a document to the plan text and the program that wrote it."""

    source: str
    version: str
    digest: str
    generated: datetime
    steward_version: str = __version__

    @property
    def generated_text(self) -> str:
        """The generation time in UTC, to the minute, e.g. ``2026-03-01 14:05 UTC``."""
        return f"{self.generated.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

    @property
    def generated_date(self) -> str:
        """The generation date in UTC, e.g. ``2026-03-01``."""
        return f"{self.generated.astimezone(UTC):%Y-%m-%d}"

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs, in the order every document prints them."""
        return [
            ("Plan version", self.version),
            ("Plan SHA-256", self.digest),
            ("Generated", self.generated_text),
            ("Steward version", self.steward_version),
            ("Plan file", self.source),
        ]


def provenance_of(loaded: LoadedPlan, generated: datetime | None = None) -> Provenance:
    """The provenance of documents written from ``loaded`` at ``generated``
    (default: now, from :func:`steward.clock.now`). A naive time is taken as UTC."""
    moment = generated or clock.now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Provenance(
        source=Path(loaded.source).name,
        version=loaded.plan.version,
        digest=loaded.digest,
        generated=moment,
    )


def provenance_markdown(provenance: Provenance) -> str:
    """The block that closes every Markdown document: a rule, then one line per fact."""
    from steward.policy.documents.render import escape_markdown

    lines = [f"{label}: {escape_markdown(value)}" for label, value in provenance.rows()]
    return "\n---\n\n" + "  \n".join(lines) + "\n"
