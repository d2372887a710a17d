"""Values every page template can use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from steward import clock
from steward.policy import erasure_approvers, erasure_requesters, rights_officer_roles
from steward.vault.runtime import get_vault
from steward.vault.services.rights_requests import open_counts


def vault_context(request: HttpRequest) -> dict[str, Any]:
    """The organization's name and the privacy officer, for page headers and footers, and
    the roles that handle erasures, disclosures and rights requests (for the staff
    navigation), with the number of overdue rights requests (counted only when a page
    shows it)."""
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
        "rights_overdue": lambda: open_counts(clock.now()).overdue,
    }
