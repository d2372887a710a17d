"""Values every page template can use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from steward.policy import erasure_approvers, erasure_requesters
from steward.vault.runtime import get_vault


def vault_context(request: HttpRequest) -> dict[str, Any]:
    """The organization's name and the privacy officer, for page headers and footers, and
    the roles that handle erasures (for the staff navigation)."""
    del request
    plan = get_vault().plan
    organization = plan.organization
    return {
        "organization": organization,
        "privacy_officer": organization.privacy_officer,
        "erasure_roles": frozenset(erasure_requesters(plan)) | frozenset(erasure_approvers(plan)),
    }
