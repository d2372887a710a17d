"""The staff dashboard: everything due, gathered from each part of Steward, for the
panels the actor's role sees (:func:`steward.vault.rules.dashboard.panels_for`).

Each panel is a few figures (counts and states, never a person's value), each marked
when it needs attention, with a link to the page where the work is done. Reading the
dashboard reads no record and is not audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from steward.vault.models_egress import DisclosureNotice, DisclosureRequest
from steward.vault.models_response import CommunityAlert, Incident, OversightReview
from steward.vault.rules.dashboard import Panel, panels_for
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.jobs import JobRegistry
from steward.vault.services.jobs_catalogue import standard_jobs
from steward.vault.services.jobs_status import job_statuses
from steward.vault.services.oversight import count_access
from steward.vault.services.oversight_review import OVERSIGHT_REVIEW
from steward.vault.services.response_due import response_due
from steward.vault.services.retention_status import read_retention_status
from steward.vault.services.rights_requests import open_counts

__all__ = ["Figure", "PanelView", "dashboard"]


@dataclass(frozen=True)
class Figure:
    """One line of a panel: what is counted, its value, and whether it needs action."""

    label: str
    value: str
    attention: bool = False


@dataclass(frozen=True)
class PanelView:
    """One panel: its title, its figures and the page where the work is done."""

    panel: Panel
    title: str
    link: str
    figures: tuple[Figure, ...]

    @property
    def attention(self) -> bool:
        """Whether any figure needs action."""
        return any(f.attention for f in self.figures)


def _count(label: str, value: int, *, attention: bool = False) -> Figure:
    return Figure(label, str(value), attention and value > 0)


def _rights(vault: Vault, now: datetime) -> PanelView:
    counts = open_counts(now)
    figures = (
        _count("open requests", counts.open),
        _count("past their legal deadline", counts.overdue, attention=True),
    )
    return PanelView(Panel.RIGHTS, "People's rights requests", "/staff/rights/", figures)


def _disclosures(vault: Vault, now: datetime) -> PanelView:
    state = DisclosureRequest.State
    waiting = DisclosureRequest.objects.filter(state=state.REQUESTED).count()
    approved = DisclosureRequest.objects.filter(state=state.APPROVED)
    ready = approved.filter(deliver_after__lte=now).count()
    held = DisclosureNotice.objects.filter(sent__isnull=True, prohibited_until__gt=now).count()
    figures = (
        _count("requests waiting for a decision", waiting, attention=True),
        _count("approved, ready to deliver", ready, attention=True),
        _count("approved, in the time to object", approved.count() - ready),
        _count("notices held by a prohibition", held),
    )
    return PanelView(Panel.DISCLOSURES, "Disclosures", "/staff/disclosures/", figures)


def _retention(vault: Vault, now: datetime) -> PanelView:
    status = read_retention_status(vault, now=now)
    figures = (
        _count(
            f"records with something due within {status.horizon_days} days",
            sum(status.due.values()),
        ),
        Figure("the daily sweep", status.job.health.value, status.job.needs_attention),
    )
    return PanelView(Panel.RETENTION, "Retention", "/staff/retention/", figures)


def _jobs(vault: Vault, now: datetime) -> PanelView:
    statuses = job_statuses(standard_jobs(), vault.plan, now)
    figures = tuple(
        Figure(s.title, s.health.value, s.needs_attention)
        for s in statuses
        if s.schedule.interval is not None or s.needs_attention
    )
    return PanelView(Panel.JOBS, "Backups, restore drills and scheduled jobs",
                     "/staff/jobs/", figures)  # fmt: skip


ACCESS_DAYS: Final = 30
"""The days of access the dashboard counts (the oversight body chooses its own period)."""


def _access(vault: Vault, now: datetime) -> PanelView:
    stats = count_access(vault, now - timedelta(days=ACCESS_DAYS), now)
    labels = {r.id: r.label for r in vault.plan.roles}
    most = max(stats.reveals_by_staff.items(), key=lambda item: item[1], default=None)
    unusual = [str(f["staff"]) for f in stats.unusual]
    figures = (
        *(
            Figure(f"reveals by {labels.get(role, role)}", str(count))
            for role, count in stats.reveals_by_role.items()
        ),
        *(
            Figure(f"denials to {labels.get(role, role)}", str(count))
            for role, count in stats.denials_by_role.items()
        ),
        Figure("most reveals by one person", f"{most[0]}: {most[1]}" if most else "none"),
        Figure(
            "reveals far above their peers'",
            ", ".join(unusual) if unusual else "nobody",
            attention=bool(unusual),
        ),
    )
    return PanelView(Panel.ACCESS, f"Access in the last {ACCESS_DAYS} days",
                     "/staff/audit/", figures)  # fmt: skip


def _incidents(vault: Vault, now: datetime) -> PanelView:
    due = response_due(now)
    still_open = Incident.objects.exclude(state=Incident.State.CLOSED).count()
    figures = (
        _count("incidents not closed", still_open),
        _count("notice deadlines passed", due.incident_clocks_overdue, attention=True),
        _count("notice deadlines within a day", due.incident_clocks_due_soon, attention=True),
    )
    return PanelView(Panel.INCIDENTS, "Incidents", "/staff/incidents/", figures)


def _vulnerabilities(vault: Vault, now: datetime) -> PanelView:
    due = response_due(now)
    figures = (
        _count("reports past their disclosure date", due.reports_overdue, attention=True),
        _count("to disclose within 2 days", due.reports_within_2_days, attention=True),
        _count("to disclose within 7 days", due.reports_within_7_days),
    )
    return PanelView(Panel.VULNERABILITIES, "Reported vulnerabilities",
                     "/staff/vulnerabilities/", figures)  # fmt: skip


def _reviews(vault: Vault, now: datetime) -> PanelView:
    waiting = OversightReview.objects.filter(outcome_at__isnull=True).count()
    (job,) = job_statuses(JobRegistry([OVERSIGHT_REVIEW]), vault.plan, now)
    figures = (
        _count("review reports waiting for the body's outcome", waiting, attention=True),
        Figure("the job that makes them", job.health.value, job.needs_attention),
    )
    return PanelView(Panel.REVIEWS, "Oversight reviews", "/staff/oversight/", figures)


def _alerts(vault: Vault, now: datetime) -> PanelView:
    state = CommunityAlert.State
    rules = vault.plan.operations.community_alerts
    asks_partner = bool(rules and rules.partner_approval)
    rows = CommunityAlert.objects
    reviewed = rows.filter(state=state.REVIEWED).count()
    ready = rows.filter(state=state.APPROVED).count() + (0 if asks_partner else reviewed)
    figures = (
        _count("drafts to read", rows.filter(state=state.DRAFT).count(), attention=True),
        *((_count("waiting for the partner", reviewed),) if asks_partner else ()),
        _count("ready to publish", ready, attention=True),
        _count("published", rows.filter(state=state.PUBLISHED).count()),
    )
    return PanelView(Panel.ALERTS, "Community alerts", "/staff/alerts/", figures)


BUILDERS: dict[Panel, Callable[[Vault, datetime], PanelView]] = {
    Panel.RIGHTS: _rights,
    Panel.DISCLOSURES: _disclosures,
    Panel.RETENTION: _retention,
    Panel.JOBS: _jobs,
    Panel.ACCESS: _access,
    Panel.INCIDENTS: _incidents,
    Panel.VULNERABILITIES: _vulnerabilities,
    Panel.REVIEWS: _reviews,
    Panel.ALERTS: _alerts,
}


def dashboard(vault: Vault, actor: Actor, now: datetime) -> list[PanelView]:
    """The panels the actor's role sees at ``now``, those needing attention first (page
    order otherwise); empty for a role that sees none. Never raises for a role."""
    panels = [BUILDERS[p](vault, now) for p in panels_for(vault.plan, actor.role)]
    return sorted(panels, key=lambda p: not p.attention)
