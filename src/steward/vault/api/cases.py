"""API routes over cases: where a case stands, assigning or handing it on, closing and
reopening it.

Assignment routes call only :class:`~steward.vault.services.cases.CaseService`, which
decides by the plan's routing section and audits every assignment (``record.assign``);
close and reopen call :mod:`steward.vault.services.case_status` (``record.close``,
``record.reopen``, with the reason).
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Router

from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.api.schemas import (
    AssignIn,
    AssignmentOptionsOut,
    AssignmentOut,
    CaseStatusIn,
    CaseStatusOut,
    ErrorOut,
    PersonOut,
    TeamOut,
)
from steward.vault.runtime import get_vault
from steward.vault.services.case_status import CaseStatus, close_case, reopen_case
from steward.vault.services.cases import CaseService

router = Router(tags=["cases"])


@router.get(
    "/records/{record_id}/assignment",
    response={200: AssignmentOptionsOut, **READ_ERRORS},
    summary="Where a case stands, and where it may go",
    operation_id="getAssignment",
)
def options(request: HttpRequest, record_id: UUID) -> AssignmentOptionsOut:
    """The case's team and assignee, the teams it may be handed to and the people it may
    be assigned to. Only for roles the plan lets assign (``routing.assigned_by``); a
    case out of the caller's scope is answered 404."""
    found = CaseService(get_vault()).options(actor_of(request), record_id)
    return AssignmentOptionsOut(
        record=found.record,
        dataset=found.dataset,
        team=found.team,
        assigned_to=found.assigned_to,
        teams=[TeamOut(id=team, label=label) for team, label in found.teams],
        people=[
            PersonOut(username=p.username, name=p.name, role=p.role, team=p.team, user_id=p.user_id)
            for p in found.people
        ],
    )


@router.post(
    "/records/{record_id}/assignment",
    response={200: AssignmentOut, **READ_ERRORS},
    summary="Assign a case, or hand it to another team",
    operation_id="assignRecord",
)
def assign(request: HttpRequest, record_id: UUID, body: AssignIn) -> AssignmentOut:
    """Put the case in ``team`` (default: its own), assigned to the staff member
    ``assignee`` or, without one, to no one (the team's queue). The plan decides who
    may (403 otherwise, audited); the assignment is audited."""
    done = CaseService(get_vault()).assign(
        actor_of(request), record_id, team=body.team, assignee=body.assignee
    )
    return AssignmentOut(
        record=done.record, team=done.team, assigned_to=done.assigned_to, assignee=done.assignee
    )


@router.post(
    "/records/{record_id}/close",
    response={200: CaseStatusOut, 409: ErrorOut, **READ_ERRORS},
    summary="Close a case, with a reason",
    operation_id="closeRecord",
)
def close(request: HttpRequest, record_id: UUID, body: CaseStatusIn) -> CaseStatusOut:
    """Close the case, for ``reason`` (audited as typed). Roles that may change the
    case's dataset close the cases in their scope (403 otherwise, audited); a case out
    of scope is answered 404; a case already closed 409."""
    return _status_out(close_case(get_vault(), actor_of(request), record_id, reason=body.reason))


@router.post(
    "/records/{record_id}/reopen",
    response={200: CaseStatusOut, 409: ErrorOut, **READ_ERRORS},
    summary="Reopen a closed case, with a reason",
    operation_id="reopenRecord",
)
def reopen(request: HttpRequest, record_id: UUID, body: CaseStatusIn) -> CaseStatusOut:
    """Reopen the closed case, for ``reason`` (audited). Refused (403, audited) past the
    plan's ``cases.reopen_within`` or once the case's details were deleted; an open
    case is answered 409."""
    return _status_out(reopen_case(get_vault(), actor_of(request), record_id, reason=body.reason))


def _status_out(done: CaseStatus) -> CaseStatusOut:
    return CaseStatusOut(
        record=done.record,
        status=done.status,
        closed=done.closed,
        reopen_until=done.reopen_until,
    )
