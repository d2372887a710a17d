"""The transparency report: computed from the egress register every time it is asked for.

There is no stored copy to edit: :func:`build_report` reads the register
(:func:`~.egress_register.collect_entries`) for the period and tallies it with the pure
rules of :mod:`steward.vault.rules.transparency`; :func:`report_html` and
:func:`report_json` render that one result. :func:`publish_report` is the act of
publishing (the command line, a staff member): it renders both and audits it
(``transparency.publish`` on ``transparency/<period>``), failing closed.

The public pages (``/transparency/``) serve :func:`build_report` for periods that have
ended, and only when the plan says the report is published
(``disclosure.publish_transparency_report``). A public read is not audited: it holds no
personal data, and auditing anonymous reads would let anyone grow the audit log.

What the report shows is in :mod:`steward.vault.rules.transparency` (the figures and the
bands) and :mod:`.sharing_inventory` (the parties); it never names a person, never
shows a legal reference, and names an outside party by its kind only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from django.db import transaction

from steward import clock
from steward.policy.documents import (
    Provenance,
    provenance_markdown,
    render_html,
    render_markdown,
)
from steward.policy.model import Plan
from steward.vault.audit_actions import AuditAction
from steward.vault.rules.transparency import (
    AggregateFacts,
    DisclosureFacts,
    ExtractFacts,
    Outcome,
    Period,
    Tally,
    smallest_group,
    tally,
)
from steward.vault.runtime import Vault
from steward.vault.services.auditing import audit
from steward.vault.services.egress_register import EntryKind, RegisterEntry, collect_entries
from steward.vault.services.sharing_inventory import InventoryRow, sharing_inventory

__all__ = [
    "Published",
    "TransparencyReport",
    "build_report",
    "publish_report",
    "published",
    "report_html",
    "report_json",
]

TEMPLATE: Final = "transparency-report.md.j2"
FORMAT: Final = "steward-transparency-report/1"


@dataclass(frozen=True)
class TransparencyReport:
    """One period's report: its figures and the sharing inventory, as of ``generated``."""

    organization: str
    language: str
    plan_version: str
    period: Period
    generated: datetime
    tally: Tally
    inventory: list[InventoryRow]
    public: bool
    plan_digest: str = ""
    """SHA-256 of the plan file the report was computed under."""
    plan_file: str = ""
    """The name of that plan file."""

    @property
    def provenance(self) -> Provenance:
        """The plan version, its SHA-256, the time of computing and the Steward version."""
        return Provenance(
            source=self.plan_file or "not recorded",
            version=self.plan_version,
            digest=self.plan_digest or "not recorded",
            generated=self.generated,
        )

    def as_json(self) -> dict[str, object]:
        """The report as plain JSON values (figures as ``{low, high, exact}``)."""
        t = self.tally
        return {
            "format": FORMAT,
            "organization": self.organization,
            "plan_version": self.plan_version,
            "plan_sha256": self.plan_digest,
            "steward_version": self.provenance.steward_version,
            "period": {
                "slug": self.period.slug,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "generated": self.generated.isoformat(),
            "smallest_group": t.smallest,
            "requests": {
                "all": t.requests.as_json(),
                "by_ground": [row.as_json() for row in t.by_ground],
                "by_requester": [row.as_json() for row in t.by_requester],
                "under_prohibition": t.requests_under_prohibition,
            },
            "records": {
                "asked": t.records_asked.as_json(),
                "disclosed": t.records_disclosed.as_json(),
            },
            "people": {
                "asked_about": t.people_asked.as_json(),
                "disclosed": t.people_disclosed.as_json(),
                "notified": t.people_notified.as_json(),
                "notices_delayed": t.notices_delayed.as_json(),
            },
            "extracts": {
                "released": t.extracts_released,
                "withheld": t.extracts_withheld,
                "by_recipient": [row.__dict__ for row in t.extracts],
            },
            "aggregates": {
                "releases": t.aggregate_releases,
                "by_audience": [row.__dict__ for row in t.aggregates],
            },
            "inventory": [row.as_json() for row in self.inventory],
        }


@dataclass(frozen=True)
class Published:
    """A published report: the same result as HTML and as JSON."""

    report: TransparencyReport
    html: str
    json: str


def published(plan: Plan) -> bool:
    """Whether the plan publishes a transparency report."""
    return plan.disclosure is not None and plan.disclosure.publish_transparency_report


def _facts(entry: RegisterEntry) -> DisclosureFacts:
    return DisclosureFacts(
        ground=entry.ground,
        requester_kind=entry.party_kind,
        outcome=Outcome(entry.outcome),
        records_asked=entry.record_keys,
        records_released=entry.released_keys,
        people_asked=entry.people_keys,
        people_released=entry.released_people_keys,
        notices=entry.notices,
    )


def _party(entry: RegisterEntry, public: bool) -> str:
    if entry.recipient or entry.party_kind == "public":
        return entry.party
    if public:
        return entry.party_kind or "not stated"
    return entry.party or entry.party_kind or "not stated"


def build_report(
    vault: Vault, period: Period, *, public: bool = True, now: datetime | None = None
) -> TransparencyReport:
    """The report of ``period`` computed now from the register. No audit (counts only).
    With ``public``, outside parties are named by their kind only."""
    moment = now or clock.now()
    start, end = period.bounds
    entries = collect_entries(vault, start, end, now=moment)
    plan = vault.plan
    figures = tally(
        [_facts(e) for e in entries if e.kind is EntryKind.DISCLOSURE],
        [
            ExtractFacts(_party(e, public), e.outcome == "released", e.records_released)
            for e in entries
            if e.kind is EntryKind.EXTRACT
        ],
        [
            AggregateFacts(_party(e, public), e.cells, e.suppressed)
            for e in entries
            if e.kind is EntryKind.AGGREGATE
        ],
        smallest=smallest_group(r.min_group_size for r in plan.recipients),
    )
    return TransparencyReport(
        organization=plan.organization.name,
        language=plan.organization.language,
        plan_version=plan.version,
        period=period,
        generated=moment,
        tally=figures,
        inventory=sharing_inventory(plan, entries, public=public),
        public=public,
        plan_digest=vault.loaded.digest,
        plan_file=Path(vault.loaded.source).name,
    )


def report_json(report: TransparencyReport) -> str:
    """The report as JSON text (sorted keys, UTF-8 safe)."""
    return json.dumps(report.as_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def report_markdown(report: TransparencyReport) -> str:
    """The report as Markdown, closed by its provenance (plan version, SHA-256, time of
    computing, Steward version)."""
    return _body(report) + provenance_markdown(report.provenance)


def _body(report: TransparencyReport) -> str:
    return render_markdown(TEMPLATE, report=report)


def report_html(report: TransparencyReport) -> str:
    """The report as one self-contained HTML page (no outside resources), in the style
    of the plan's other documents."""
    footer = (
        "Computed by Steward from the disclosure register; regenerated every time, "
        "never edited by hand."
    )
    title = f"Transparency report: {report.organization}, {report.period.label}"
    return render_html(
        title,
        _body(report),
        footer=footer,
        language=report.language,
        provenance=report.provenance,
    )


def publish_report(
    vault: Vault, period: Period, actor_ref: str, *, now: datetime | None = None
) -> Published:
    """Compute, render and audit the publication of ``period``'s public report
    (``transparency.publish`` on ``transparency/<slug>``), in one transaction.

    Raises:
        AuditUnavailable: the publication could not be audited; nothing is returned.
    """
    with transaction.atomic():
        report = build_report(vault, period, public=True, now=now)
        html, text = report_html(report), report_json(report)
        audit(
            vault,
            actor=actor_ref,
            action=AuditAction.TRANSPARENCY_PUBLISH,
            obj=f"transparency/{period.slug}",
        )
    return Published(report, html, text)
