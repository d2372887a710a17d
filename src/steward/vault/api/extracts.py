"""API routes of de-identified extracts: list them, and download a released one.

Every route calls only :mod:`steward.vault.services.extracts`, which decides by the plan
and audits. The list shows manifests (the measured risk, never rows): every extract to
a role that may make them (an export grant), those made for the caller's own role
otherwise. The download gives the rows (CSV) only to a staff member of the analyst role
the extract was made for, until it expires; an extract for an outside recipient leaves
only through its encrypted delivery. Making extracts is a command
(``steward extracts make``), where a recipe file is at hand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.models_egress import Extract
from steward.vault.runtime import get_vault
from steward.vault.services.extracts import download_extract, shown_manifest, visible_extracts

router = Router(tags=["extracts"])


class ExtractOut(Schema):
    """An extract and its manifest (no rows, no personal values)."""

    id: UUID
    dataset: str
    recipient: str = Field(description="the outside recipient, or empty")
    role: str = Field(description="the analyst role, or empty")
    purpose: str
    fields: list[str]
    k_target: int
    state: str = Field(description="released, withheld or expired")
    withheld: str = Field(description="why it was withheld, if it was")
    rows: int
    source_records: int
    made_at: datetime
    expires: datetime | None
    manifest: dict[str, Any]


def extract_out(extract: Extract) -> ExtractOut:
    """The API shape of ``extract``."""
    return ExtractOut(
        id=extract.id,
        dataset=extract.dataset,
        recipient=extract.recipient,
        role=extract.role,
        purpose=extract.purpose,
        fields=list(extract.fields),
        k_target=extract.k_target,
        state=extract.state,
        withheld=extract.withheld,
        rows=extract.rows,
        source_records=extract.source_records,
        made_at=extract.made_at,
        expires=extract.expires,
        manifest=shown_manifest(extract),
    )


@router.get(
    "/extracts",
    response={200: list[ExtractOut], **READ_ERRORS},
    summary="De-identified extracts and their manifests",
    operation_id="listExtracts",
)
def list_extracts(request: HttpRequest) -> list[ExtractOut]:
    """The latest extracts the caller may see, newest first, with their measured risk."""
    return [extract_out(e) for e in visible_extracts(get_vault(), actor_of(request))]


@router.get(
    "/extracts/{extract_id}",
    response={200: None, **READ_ERRORS},
    summary="Download a released extract (CSV)",
    operation_id="downloadExtract",
    openapi_extra={"responses": {"200": {"description": "the rows", "content": {"text/csv": {}}}}},
)
def download(request: HttpRequest, extract_id: UUID) -> HttpResponse:
    """The de-identified rows of a released extract made for the caller's role, until it
    expires (403 once expired or if it was withheld; 404 for another role's). Each
    download is audited."""
    got = download_extract(get_vault(), actor_of(request), extract_id)
    response = HttpResponse(got.content, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{got.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
