"""Values every page template can use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from steward import clock
from steward.policy import erasure_approvers, erasure_requesters, rights_officer_roles
from steward.policy.model import Plan
from steward.vault.rules.dashboard import panels_for
from steward.vault.rules.extract_release import deidentified_only_role
from steward.vault.runtime import get_vault
from steward.vault.services.response_due import response_due
from steward.vault.services.rights_requests import open_counts


def vault_context(request: HttpRequest) -> dict[str, Any]:
    """The organization's name and the privacy officer, for page headers and footers, and
    the roles that reach each staff section (for the staff navigation; each page still
    decides for itself), with the number of overdue rights requests and of overdue
    incident clocks and vulnerability reports (counted only when a page shows it)."""
    del request
    plan = get_vault().plan
    organization = plan.organization
    return {
        "organization": organization,
        "privacy_officer": organization.privacy_officer,
        "erasure_roles": frozenset(erasure_requesters(plan)) | frozenset(erasure_approvers(plan)),
        "rights_roles": frozenset(rights_officer_roles(plan)),
        "disclosure_roles": frozenset(
            r.id
            for r in plan.roles
            if plan.disclosure is not None
            and (r.id in plan.disclosure.approver_roles or not r.export.empty)
        ),
        **_egress_roles(plan),
        **_response_roles(plan),
        "rights_overdue": lambda: open_counts(clock.now()).overdue,
        "response_due": lambda: response_due(clock.now()),
    }


def _egress_roles(plan: Plan) -> dict[str, frozenset[str]]:
    """The roles that reach the extracts, the register and the statistics pages, the
    roles that act for a recipient (counts only: no case pages), and the members of the
    oversight body (the oversight pages, the register; no case pages)."""
    staff = [r for r in plan.roles if r.staff]
    return {
        "extract_roles": frozenset(
            r.id for r in staff if not r.export.empty or deidentified_only_role(r)
        ),
        "register_roles": frozenset(
            r.id for r in staff if r.approves_disclosures or r.reads_audit or r.oversees
        ),
        "statistics_roles": frozenset(
            r.id for r in staff if r.approves_disclosures or r.recipient is not None
        ),
        "counts_only_roles": frozenset(r.id for r in staff if r.recipient is not None),
        "dashboard_roles": frozenset(r.id for r in staff if panels_for(plan, r)),
        "alert_roles": frozenset(
            r.id
            for r in staff
            if r.reads_audit and not r.oversees and plan.operations.community_alerts
        ),
    }


def _response_roles(plan: Plan) -> dict[str, frozenset[str]]:
    """The roles that reach the incident register and the vulnerability reports: those
    who handle them (roles that read the audit log) and the oversight body's members
    (read only). Each page still decides for itself."""
    readers = frozenset(r.id for r in plan.roles if r.staff and (r.reads_audit or r.oversees))
    incidents = plan.operations.incidents
    keeps = incidents is None or incidents.keep_register
    return {
        "incident_roles": readers if keeps else frozenset(),
        "vulnerability_roles": (
            readers if plan.operations.vulnerability_disclosure is not None else frozenset()
        ),
        "oversight_roles": frozenset(r.id for r in plan.roles if r.staff and r.oversees),
    }
