"""Which panels of the staff dashboard a role sees: each only where the plan grants the
role the work the panel counts, and only where the plan uses that part of Steward.

* ``rights``: the roles that answer people's rights requests;
* ``disclosures``: the roles that approve disclosures or may open them (an export grant);
* ``retention``, ``jobs`` (backups, restore drills, every scheduled job) and ``access``
  (reveals and denials of the last 30 days by role and by person, and staff far above
  their peers): the roles that read the audit log;
* ``incidents`` (clocks overdue or due soon) and ``vulnerabilities`` (reports near or past
  their disclosure date): the roles that read the audit log, and the oversight body's
  members (read only), where the plan keeps the register or takes reports;
* ``reviews`` (review reports waiting for the oversight body's outcome, and the job that
  makes them): the roles that read the audit log and the oversight body's members, where
  the plan sets ``governance.review_every``;
* ``alerts``: the roles that handle incidents, where the plan makes community alerts.

A role that acts for a recipient (counts only) sees none: it has its statistics. An
overseeing role sees only the incident, vulnerability and review panels. Plain Python: no
Django, no database.
"""

from __future__ import annotations

from enum import StrEnum

from steward.policy import rights_officer_roles
from steward.policy.model import Plan, Role

__all__ = ["Panel", "panels_for"]


class Panel(StrEnum):
    """A panel of the dashboard, in the order the page shows them."""

    RIGHTS = "rights"
    DISCLOSURES = "disclosures"
    RETENTION = "retention"
    JOBS = "jobs"
    ACCESS = "access"
    INCIDENTS = "incidents"
    VULNERABILITIES = "vulnerabilities"
    REVIEWS = "reviews"
    ALERTS = "alerts"


def panels_for(plan: Plan, role: Role) -> tuple[Panel, ...]:
    """The panels ``role`` sees under ``plan``, in page order. Never raises."""
    if not role.staff or role.recipient is not None:
        return ()
    incidents = plan.operations.incidents
    reads_response = role.reads_audit or role.oversees
    if role.oversees:
        role = role.model_copy(update={"reads_audit": False, "approves_disclosures": False})
    shown = {
        Panel.RIGHTS: role.id in rights_officer_roles(plan),
        Panel.DISCLOSURES: plan.disclosure is not None
        and (role.id in plan.disclosure.approver_roles or not role.export.empty),
        Panel.RETENTION: role.reads_audit,
        Panel.JOBS: role.reads_audit,
        Panel.ACCESS: role.reads_audit,
        Panel.INCIDENTS: reads_response and incidents is not None and incidents.keep_register,
        Panel.VULNERABILITIES: reads_response
        and plan.operations.vulnerability_disclosure is not None,
        Panel.REVIEWS: reads_response and plan.governance.review_every is not None,
        Panel.ALERTS: role.reads_audit
        and incidents is not None
        and plan.operations.community_alerts is not None,
    }
    return tuple(panel for panel in Panel if shown[panel])
