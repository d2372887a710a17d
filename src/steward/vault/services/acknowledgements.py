"""The team's acknowledgements of the data management plan: kept, audited and listed.

When the plan sets ``governance.team_acknowledgement``, a staff member confirms that
they read the plan text the vault runs under before their first access and again after
every change of that text (a new SHA-256 digest, a new :class:`PlanVersion`; see
:mod:`steward.vault.rules.acknowledgement` for why the digest and not the ``version``
field). Each confirmation is a :class:`PlanAcknowledgement` row (who, which plan text,
under which role, when, from :func:`steward.clock.now`), written in the same transaction
as its ``plan.acknowledge`` audit entry, and never edited afterwards. The roles that
read the audit log (the privacy officer) list them; reading the list is audited too.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.db import transaction

from steward.audit import Outcome
from steward.clock import now
from steward.vault.audit_actions import AuditAction
from steward.vault.models import PlanAcknowledgement, StaffMember
from steward.vault.rules.acknowledgement import Standing, listing_refusal, standing
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit

LIST_OBJECT: Final = "plan/acknowledgements"


@dataclass(frozen=True)
class PlanText:
    """The plan text the vault runs under, as people acknowledge it."""

    version: str
    digest: str
    required: bool
    """Whether the plan asks its team to acknowledge it."""


@dataclass(frozen=True)
class Acknowledgement:
    """One person's confirmation that they read one plan text."""

    username: str
    role: str
    version: str
    digest: str
    at: datetime


@dataclass(frozen=True)
class AccountStanding:
    """Where one staff account stands with the plan text in force."""

    username: str
    name: str
    role: str
    team: str
    can_sign_in: bool
    """Active, and its temporary access has not ended."""
    standing: Standing
    current: Acknowledgement | None
    """Their acknowledgement of the plan text in force, if any."""
    latest: Acknowledgement | None
    """Their most recent acknowledgement of any plan text, if any."""


@dataclass(frozen=True)
class AcknowledgementList:
    """The privacy officer's view: the plan text and every account's standing."""

    plan: PlanText
    accounts: list[AccountStanding]

    @property
    def outstanding(self) -> list[AccountStanding]:
        """The accounts that can sign in and must still acknowledge the plan text in force."""
        return [a for a in self.accounts if a.can_sign_in and a.standing.must_acknowledge]


def plan_text(vault: Vault) -> PlanText:
    """The plan text ``vault`` runs under."""
    return PlanText(
        version=vault.plan.version,
        digest=vault.loaded.digest,
        required=vault.plan.governance.team_acknowledgement,
    )


def standing_of(vault: Vault, user_id: int) -> Standing:
    """Where staff account ``user_id`` stands with the plan text in force (one query, none
    when the plan asks for no acknowledgement)."""
    if not vault.plan.governance.team_acknowledgement:
        return Standing.NOT_ASKED
    digests = set(
        PlanAcknowledgement.objects.filter(user_id=user_id).values_list("plan__digest", flat=True)
    )
    return standing(required=True, person=True, current=vault.loaded.digest, acknowledged=digests)


def _rows(**filters: object) -> list[Acknowledgement]:
    """Acknowledgements matching ``filters``, newest first."""
    query = (
        PlanAcknowledgement.objects.filter(**filters)
        .select_related("user", "plan")
        .order_by("-acknowledged", "-id")
    )
    return [_acknowledgement(row) for row in query]


def _acknowledgement(row: PlanAcknowledgement) -> Acknowledgement:
    return Acknowledgement(
        username=row.user.username,
        role=row.role,
        version=row.plan.version,
        digest=row.plan.digest,
        at=row.acknowledged,
    )


def latest_acknowledgement(user_id: int) -> Acknowledgement | None:
    """Staff account ``user_id``'s most recent acknowledgement of any plan text, if any."""
    rows = _rows(user_id=user_id)
    return rows[0] if rows else None


def acknowledge(vault: Vault, actor: Actor) -> tuple[Acknowledgement, bool]:
    """Record that ``actor`` (a signed-in staff member) acknowledged the plan text in force.

    Returns the acknowledgement and whether it is new: acknowledging the same text twice
    keeps the first one and writes nothing. A new one is audited (``plan.acknowledge``,
    the plan's version as its purpose) in the same transaction.

    Raises:
        ValueError: ``actor`` is not a staff member (a service token acknowledges nothing).
        AuditUnavailable: the acknowledgement could not be audited; nothing was recorded.
    """
    if actor.user_id is None:
        raise ValueError("only a staff member acknowledges the plan")
    plan_id = vault.plan_version_id()
    with transaction.atomic():
        row, created = PlanAcknowledgement.objects.get_or_create(
            user_id=actor.user_id,
            plan_id=plan_id,
            defaults={"role": actor.role.id, "acknowledged": now()},
        )
        if created:
            audit(
                vault,
                actor=actor.ref,
                action=AuditAction.PLAN_ACKNOWLEDGE,
                obj=f"plan/{vault.loaded.digest}",
                purpose=f"version {vault.plan.version}",
            )
    found = _rows(pk=row.pk)[0]
    return found, created


def account_standings(vault: Vault) -> list[AccountStanding]:
    """Every staff account, by user name, with where it stands with the plan text in force."""
    text = plan_text(vault)
    by_user: dict[str, list[Acknowledgement]] = defaultdict(list)
    for found in _rows():
        by_user[found.username].append(found)
    moment = now()
    standings = []
    for member in StaffMember.objects.select_related("user").order_by("user__username"):
        mine = by_user.get(member.user.username, [])
        ended = member.access_until is not None and moment >= member.access_until
        standings.append(
            AccountStanding(
                username=member.user.username,
                name=member.user.get_full_name(),
                role=member.role,
                team=member.team,
                can_sign_in=member.user.is_active and not ended,
                standing=standing(
                    required=text.required,
                    person=True,
                    current=text.digest,
                    acknowledged={a.digest for a in mine},
                ),
                current=next((a for a in mine if a.digest == text.digest), None),
                latest=mine[0] if mine else None,
            )
        )
    return standings


def acknowledgement_history(limit: int | None = None) -> list[Acknowledgement]:
    """Every acknowledgement ever recorded, of every plan text, newest first."""
    rows = _rows()
    return rows if limit is None else rows[:limit]


def read_acknowledgements(vault: Vault, actor: Actor) -> AcknowledgementList:
    """The list for the privacy officer: who acknowledged the plan text in force.

    Only roles that read the audit log may see it; the reading, and a refusal, are
    audited (``plan.acknowledgements_read``).

    Raises:
        AccessDenied: the role may not see the list (the refusal is audited, best effort).
        AuditUnavailable: the reading could not be audited; nothing is returned.
    """
    reason = listing_refusal(
        role=actor.role.id,
        reads_audit=actor.role.reads_audit,
        expired=actor.expired(now()),
        needs_mfa=actor.role.mfa,
        mfa_verified=actor.mfa_verified,
    )
    if reason:
        with suppress(AuditUnavailable), transaction.atomic():
            audit(
                vault,
                actor=actor.ref,
                action=AuditAction.PLAN_ACKNOWLEDGEMENTS_READ,
                obj=LIST_OBJECT,
                outcome=Outcome.DENIED,
            )
        raise AccessDenied(reason)
    with transaction.atomic():
        audit(
            vault, actor=actor.ref, action=AuditAction.PLAN_ACKNOWLEDGEMENTS_READ, obj=LIST_OBJECT
        )
        accounts = account_standings(vault)
    return AcknowledgementList(plan=plan_text(vault), accounts=accounts)
