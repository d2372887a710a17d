"""API routes of aggregates: release counts, list and get releases.

Every route calls only :class:`~steward.vault.services.aggregate_releases.AggregateReleaseService`.
Releasing is for a signed-in person whose role approves disclosures (403 otherwise,
audited). Staff who release see every release; an account of a role that acts for a
recipient sees that recipient's and the public ones. Without credentials, the public
releases are at ``/statistics/`` (HTML) and ``/statistics/releases.json``. A release
the caller may not see is 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from steward.vault.api.auth import actor_of
from steward.vault.api.records import READ_ERRORS
from steward.vault.api.schemas import ErrorOut
from steward.vault.runtime import get_vault
from steward.vault.services.aggregate_releases import AggregateReleaseService, ReleaseView

router = Router(tags=["aggregates"])


class ReleaseIn(Schema):
    """What to count, for whom, over which whole months."""

    dataset: str = Field(max_length=63)
    audience: str = Field(max_length=63, description="a plan recipient's id, or 'public'")
    by: list[str] = Field(min_length=1, max_length=2, description="one field, or two")
    start: date | None = Field(default=None, description="first month (default: last month)")
    end: date | None = Field(default=None, description="last month (default: the first)")
    epsilon: float | None = Field(
        default=None, gt=0, le=10, description="differentially private noise, if given"
    )


class ReleaseOut(Schema):
    """A release: the table exactly as it was shown (suppressed counts are null)."""

    id: UUID
    dataset: str
    audience: str
    by_fields: list[str]
    period_start: date | None
    period_end: date | None
    min_group_size: int
    table: dict[str, Any]
    cells: int
    suppressed: int
    epsilon: float | None
    released_at: datetime
    again: bool = Field(description="true when an identical earlier release is given again")


def _out(view: ReleaseView) -> ReleaseOut:
    return ReleaseOut(**view.__dict__)


def _service() -> AggregateReleaseService:
    return AggregateReleaseService(get_vault())


@router.post(
    "/aggregates",
    response={201: ReleaseOut, 200: ReleaseOut, **READ_ERRORS, 400: ErrorOut},
    summary="Release counts with small cells suppressed",
    operation_id="releaseAggregate",
)
def release(request: HttpRequest, body: ReleaseIn) -> Status[ReleaseOut]:
    """Count a dataset by one or two clear fields for a recipient or the public, over
    whole months that have ended; small counts are suppressed. 201 with the new release,
    200 with an identical earlier one; 400 for a field, period or audience the plan does
    not allow, or a table that could be subtracted from an earlier one; 403 for a role
    that does not approve disclosures."""
    made = _service().release(
        actor_of(request), body.dataset, body.audience, body.by, body.start, body.end, body.epsilon
    )
    return Status(200 if made.again else 201, _out(made))


@router.get(
    "/aggregates",
    response={200: list[ReleaseOut], **READ_ERRORS},
    summary="The releases the caller may see",
    operation_id="listAggregates",
)
def list_releases(request: HttpRequest) -> list[ReleaseOut]:
    """Releases, newest first: all for roles that release, the recipient's own and the
    public ones for a role acting for a recipient, none for anyone else."""
    return [_out(v) for v in _service().visible(actor_of(request))]


@router.get(
    "/aggregates/{release_id}",
    response={200: ReleaseOut, **READ_ERRORS},
    summary="One release the caller may see",
    operation_id="getAggregate",
)
def get_release(request: HttpRequest, release_id: UUID) -> ReleaseOut:
    """One release; 404 when there is none or the caller may not see it."""
    return _out(_service().get(actor_of(request), release_id))
