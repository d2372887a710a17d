"""The vault's HTTP API: ``api`` is mounted at ``/api/`` by ``steward.server.urls``.

OpenAPI documentation is served at ``/api/docs`` and the schema at
``/api/openapi.json``. Every response carries ``Cache-Control: no-store``: even
masked views describe people, and revealed values and exports must never be cached.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from steward import __version__
from steward.vault.api import (
    acknowledgements,
    aggregates,
    alerts,
    audit,
    cases,
    deliveries,
    disclosures,
    erasure,
    errors,
    extracts,
    incidents,
    oversight,
    own_choices,
    own_data,
    own_notices,
    public,
    records,
    retention,
    rights,
    rights_codes,
    rows,
    security_reports,
    transparency,
    vulnerabilities,
)
from steward.vault.api.auth import API_AUTH
from steward.vault.api.parser import StrictJsonParser

DESCRIPTION = """\
Read, reveal, change and export records of the vault under the organization's data
management plan, and submit intake forms.

**Authentication**: `Authorization: Bearer stw_...` with a service token
(`steward tokens create`). The intake route is public. Every read is decided,
masked and audited by the plan; revealing a field needs a purpose and a reason.
"""


class StewardAPI(NinjaAPI):
    """A NinjaAPI whose every response is marked ``Cache-Control: no-store``."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        response["Cache-Control"] = "no-store"
        return response

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        response = super().create_temporal_response(request)
        response["Cache-Control"] = "no-store"
        return response


api = StewardAPI(
    title="Steward vault API",
    version=__version__,
    description=DESCRIPTION,
    auth=API_AUTH,
    urls_namespace="steward-api",
    parser=StrictJsonParser(),
)
errors.install(api)
api.add_router("/", records.router)
api.add_router("/", rows.router)
api.add_router("/", cases.router)
api.add_router("/", public.router)
api.add_router("/", security_reports.router)
api.add_router("/", audit.router)
api.add_router("/", acknowledgements.router)
api.add_router("/", erasure.router)
api.add_router("/", retention.router)
api.add_router("/", own_data.router)
api.add_router("/", own_choices.router)
api.add_router("/", own_notices.router)
api.add_router("/", rights.router)
api.add_router("/", rights_codes.router)
api.add_router("/", disclosures.router)
api.add_router("/", deliveries.router)
api.add_router("/", extracts.router)
api.add_router("/", aggregates.router)
api.add_router("/", transparency.router)
api.add_router("/", incidents.router)
api.add_router("/", vulnerabilities.router)
api.add_router("/", alerts.router)
api.add_router("/", oversight.router)
