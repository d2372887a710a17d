"""The API route that lists who acknowledged the plan, for roles that read the audit log."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from steward.vault.api.auth import actor_of
from steward.vault.api.schemas import ErrorOut
from steward.vault.runtime import get_vault
from steward.vault.services.acknowledgements import Acknowledgement, read_acknowledgements

router = Router(tags=["staff"])


class PlanTextOut(Schema):
    """The plan text the vault runs under."""

    version: str
    digest: str = Field(description="SHA-256 of the plan file: what people acknowledge")
    required: bool = Field(description="whether the plan asks its team to acknowledge it")


class AcknowledgementOut(Schema):
    """One person's confirmation that they read one plan text."""

    version: str
    digest: str
    role: str = Field(description="the plan role they held when they confirmed")
    at: datetime


class AccountStandingOut(Schema):
    """Where one staff account stands with the plan text in force."""

    username: str
    role: str
    team: str
    can_sign_in: bool
    standing: str = Field(
        description="acknowledged, never acknowledged, plan changed (acknowledged an earlier "
        "text only) or not asked"
    )
    current: AcknowledgementOut | None = Field(description="their acknowledgement of this text")
    latest: AcknowledgementOut | None = Field(description="their latest, of any plan text")


class AcknowledgementsOut(Schema):
    """Who acknowledged the plan text in force, and who must still."""

    plan: PlanTextOut
    outstanding: int = Field(description="accounts that can sign in and must still acknowledge")
    accounts: list[AccountStandingOut]


def _out(found: Acknowledgement | None) -> AcknowledgementOut | None:
    if found is None:
        return None
    return AcknowledgementOut(
        version=found.version, digest=found.digest, role=found.role, at=found.at
    )


@router.get(
    "/acknowledgements",
    response={200: AcknowledgementsOut, 401: ErrorOut, 403: ErrorOut, 503: ErrorOut},
    summary="Who acknowledged the plan",
    operation_id="listAcknowledgements",
)
def list_acknowledgements(request: HttpRequest) -> AcknowledgementsOut:
    """Every staff account and where it stands with the plan text the vault runs under.
    Only roles with ``reads_audit`` may ask; the reading (and a refusal) is audited."""
    listing = read_acknowledgements(get_vault(), actor_of(request))
    plan = listing.plan
    return AcknowledgementsOut(
        plan=PlanTextOut(version=plan.version, digest=plan.digest, required=plan.required),
        outstanding=len(listing.outstanding),
        accounts=[
            AccountStandingOut(
                username=a.username,
                role=a.role,
                team=a.team,
                can_sign_in=a.can_sign_in,
                standing=a.standing.value,
                current=_out(a.current),
                latest=_out(a.latest),
            )
            for a in listing.accounts
        ],
    )
