"""What is due in the incident register and among vulnerability reports at a moment:
counts only (no title, no text), for the staff navigation's badge and for dashboards.

Not audited: it reads no description, note or report, only dates and states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from steward.vault.models_response import Incident, VulnerabilityReport
from steward.vault.rules.incident import ClockState, clock_of
from steward.vault.rules.vulnerability_clock import Reminder, ReportState, reminder_of

__all__ = ["ResponseDue", "response_due"]


@dataclass(frozen=True)
class ResponseDue:
    """Counts of clocks asking for attention at a moment."""

    incident_clocks_overdue: int
    incident_clocks_due_soon: int
    reports_overdue: int
    reports_within_2_days: int
    reports_within_7_days: int

    @property
    def overdue(self) -> int:
        """Incident clocks and reports past their date, together."""
        return self.incident_clocks_overdue + self.reports_overdue


def response_due(now: datetime) -> ResponseDue:
    """The counts at ``now``: each incident not closed counts once per overdue or due-soon
    notice clock; each report not disclosed or rejected by its reminder."""
    overdue = soon = 0
    rows = Incident.objects.exclude(state="closed").values_list(
        "authority_due", "authority_notified_at", "people_due", "people_notified_at"
    )
    for authority, told, people, notified in rows:
        for clock in (clock_of(authority, told, now), clock_of(people, notified, now)):
            overdue += clock.state is ClockState.OVERDUE
            soon += clock.state is ClockState.DUE_SOON
    reminders = [
        reminder_of(due, None, ReportState(state), now)
        for due, state in VulnerabilityReport.objects.filter(disclosed_at=None)
        .exclude(state__in=["disclosed", "rejected"])
        .values_list("disclose_by", "state")
    ]
    return ResponseDue(
        overdue,
        soon,
        reminders.count(Reminder.OVERDUE),
        reminders.count(Reminder.WITHIN_2_DAYS),
        reminders.count(Reminder.WITHIN_7_DAYS),
    )
