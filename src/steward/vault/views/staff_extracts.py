"""Staff pages of de-identified extracts (``/staff/extracts/``).

The list shows each extract's manifest figures (the k target, the measured k, rows,
state, expiry), never rows: every extract to a role that makes them (an export grant),
those made for the actor's own role to an analyst role. Other roles get 403. A staff
member of the analyst role an extract was made for downloads its rows (CSV) until it
expires, through :func:`~steward.vault.services.extracts.download_extract`, which
decides and audits.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.extracts import (
    download_extract,
    may_see_extracts,
    shown_manifest,
    visible_extracts,
)
from steward.vault.views.staff import service_error
from steward.vault.views.staff_common import error_page, page, private, staff_page

TEMPLATE: Final = "steward/staff/extracts.html"
NOT_ALLOWED: Final = "your role neither makes nor receives de-identified extracts"


@require_GET
@staff_page
def extracts_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The extracts the actor may see, newest first."""
    if not may_see_extracts(actor):
        return error_page(request, 403, "Not allowed", NOT_ALLOWED, actor)
    try:
        extracts = visible_extracts(get_vault(), actor)
    except AccessDenied as error:
        return service_error(request, error, actor)
    rows = [{"extract": e, "measured": shown_manifest(e).get("measured", {})} for e in extracts]
    return page(request, TEMPLATE, {"rows": rows}, actor=actor)


@require_GET
@staff_page
def download_view(request: HttpRequest, actor: Actor, extract_id: UUID) -> HttpResponse:
    """A released extract's rows as a CSV attachment, for its analyst role."""
    try:
        got = download_extract(get_vault(), actor, extract_id)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    response = HttpResponse(got.content, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{got.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return private(response)
