"""API route issuing a person a new access code: ``POST /api/rights/codes``.

For a privacy officer (a role in :func:`steward.policy.rights_officer_roles`) signed in
with their staff session, after checking who the person is outside Steward. A service
token is refused (403): issuing a code is a person's act. The route calls only
:func:`~steward.vault.services.code_reissue.reissue_code`, which decides, replaces the
code (the old one stops working), ends the person's sessions, registers and audits.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.api.schemas import ErrorOut
from steward.vault.runtime import get_vault
from steward.vault.services.access import InvalidValue
from steward.vault.services.code_reissue import may_reissue, reissue_code

router = Router(tags=["rights"])
NOT_CHECKED = "confirm that you checked who the person is outside Steward (identity_checked)"


class CodeReissueIn(Schema):
    """Which person (by their case reference), why, and that their identity was checked."""

    record: str = Field(max_length=100, description="the case reference on the receipt")
    reason: str = Field(max_length=1000, description="why, in a few words (kept); no names")
    identity_checked: bool = Field(
        description="true: you checked who the person is outside Steward"
    )


class CodeReissueOut(Schema):
    """The new access code: give it to the person now; it is never shown again."""

    record: str
    access_code: str = Field(description="shown once; Steward keeps only a keyed hash")


@router.post(
    "/rights/codes",
    response={201: CodeReissueOut, **READ_ERRORS, 400: ErrorOut, 410: ErrorOut},
    summary="Issue a person a new access code",
    operation_id="reissueAccessCode",
)
def reissue(request: HttpRequest, body: CodeReissueIn) -> Status[CodeReissueOut]:
    """Replace the access code of the person of a case; the old code stops working at
    once and their open pages close. 403 for roles that do not answer rights requests
    and for service tokens; 404 for a case out of scope; 400 for a reason that says
    nothing or names the person, or an identity not checked; 410 for an erased person.
    """
    vault, actor = get_vault(), actor_of(request)
    if not body.identity_checked and may_reissue(vault, actor):
        raise InvalidValue(NOT_CHECKED)
    code = reissue_code(vault, actor, body.record, body.reason)
    return Status(201, CodeReissueOut(record=body.record.strip(), access_code=code))
