"""Values every page template can use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from steward.vault.runtime import get_vault


def vault_context(request: HttpRequest) -> dict[str, Any]:
    """The organization's name and the privacy officer, for page headers and footers."""
    del request
    organization = get_vault().plan.organization
    return {
        "organization": organization,
        "privacy_officer": organization.privacy_officer,
    }
