"""API route adding a row to a table dataset (``POST /api/datasets/{dataset}/rows``).

The route only calls :func:`~steward.vault.services.tables.add_row`, which decides
(grants, scope, MFA), checks the values by the intake rules, encrypts, stores and
audits; errors are answered by :mod:`.errors` (403 refused, 404 no such dataset,
400 with the problems by field, nothing stored).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from steward.vault.api.auth import actor_of
from steward.vault.api.schemas import ErrorOut, ProblemsOut, RowIn, RowOut
from steward.vault.runtime import get_vault
from steward.vault.services.tables import add_row

router = Router(tags=["records"])

ROW_ERRORS: dict[int, type[Schema]] = {
    400: ProblemsOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ProblemsOut,
    503: ErrorOut,
}


@router.post(
    "/datasets/{dataset}/rows",
    response={201: RowOut, **ROW_ERRORS},
    summary="Add a row to a table",
    operation_id="addRow",
)
def add_table_row(request: HttpRequest, dataset: str, body: RowIn) -> Status[RowOut]:
    """Store one new row of the table ``dataset``, if the caller's role may write its
    fields and the row falls in the caller's scope (the plan's routing picks its team).

    The values are checked like intake answers: undeclared fields, fields never
    recorded, missing required values and values of the wrong form are refused with 400
    and every problem by field; nothing is stored. The row's personal values are
    encrypted under its own subject key; the creation is audited."""
    record = add_row(get_vault(), actor_of(request), dataset, dict(body.values))
    return Status(201, RowOut(id=str(record.id), dataset=record.dataset, team=record.team))
