"""Which panels of the staff dashboard a role sees: each only where the plan grants the
role the work the panel counts, and only where the plan uses that part of Steward.

* ``rights``: the roles that answer people's rights requests;
* ``disclosures``: the roles that approve disclosures or may open them (an export grant);
* ``retention``, ``jobs`` (backups, restore drills, every scheduled job): the roles that
  read the audit log;
* ``alerts``: the roles that handle incidents, where the plan makes community alerts.

A role that acts for a recipient (counts only) or an overseeing role sees none of these:
the first has its statistics, the second its oversight page. Plain Python: no Django,
no database.
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
    ALERTS = "alerts"


def panels_for(plan: Plan, role: Role) -> tuple[Panel, ...]:
    """The panels ``role`` sees under ``plan``, in page order. Never raises."""
    if not role.staff or role.recipient is not None or role.oversees:
        return ()
    shown = {
        Panel.RIGHTS: role.id in rights_officer_roles(plan),
        Panel.DISCLOSURES: plan.disclosure is not None
        and (role.id in plan.disclosure.approver_roles or not role.export.empty),
        Panel.RETENTION: role.reads_audit,
        Panel.JOBS: role.reads_audit,
        Panel.ALERTS: role.reads_audit
        and plan.operations.incidents is not None
        and plan.operations.community_alerts is not None,
    }
    return tuple(panel for panel in Panel if shown[panel])
