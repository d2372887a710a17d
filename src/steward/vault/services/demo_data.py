"""Filling a demo vault: staff accounts and synthetic residents, loaded like real ones.

Residents go through :func:`steward.vault.services.collect.submit`, so every one is
validated against the plan, encrypted under its own key and audited exactly as a real
submission would be. The values come from :mod:`steward.synthetic` (Faker, seeded, so a
demo is reproducible); keys and passwords stay random.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from steward.synthetic import fake_consents, fake_submission, new_faker
from steward.vault.models import Record, StaffMember
from steward.vault.rules.intake import Submission
from steward.vault.runtime import Vault
from steward.vault.services.accounts import NewPassword, create_account
from steward.vault.services.actors import Actor
from steward.vault.services.cases import CaseService
from steward.vault.services.collect import SubmissionRejected, submit

DEMO_ACTOR: Final = "cli/demo"
DEMO_TEAM: Final = "north"
DEMO_SUPERVISOR_ROLE: Final = "supervisor"
"""The role the demo assigns cases under, as the caseworker's team supervisor would."""


@dataclass(frozen=True)
class DemoAccount:
    """A demo staff account and its one-time password (shown once, never stored in clear)."""

    role: str
    team: str
    password: NewPassword


@dataclass(frozen=True)
class DemoLoad:
    """What loading synthetic residents did."""

    dataset: str
    created: int
    rejected: int
    team: int
    assigned: int


def create_demo_accounts(
    vault: Vault, people: list[tuple[str, str, str, str]]
) -> list[DemoAccount]:
    """Create one personal account per ``(username, full name, role, team)``.

    Raises:
        AccountError: a user name is generic or taken, or a role is not a staff role.
        AuditUnavailable: an account creation could not be audited.
    """
    made = []
    for username, name, role, team in people:
        password = create_account(vault, username, role, team=team, name=name, by=DEMO_ACTOR)
        made.append(DemoAccount(role, team, password))
    return made


def load_residents(
    vault: Vault,
    count: int,
    *,
    dataset: str,
    seed: int,
    caseworker: str | None = None,
) -> DemoLoad:
    """Submit ``count`` synthetic residents to ``dataset``, then assign some of them.

    Each record reaches the team the plan's routing rule picks, as a real submission
    would. Then the supervisor of the caseworker's team assigns every second record of
    that team to ``caseworker``, through the same case service and rule as on the
    staff pages; each assignment is audited. A submission the plan refuses (it should
    not happen) is counted, not stored.

    Raises:
        KeyError: the plan has no such dataset.
        StaffMember.DoesNotExist: ``caseworker`` names no staff account.
        AccessDenied: the plan does not let a supervisor of that team assign the cases.
        AuditUnavailable: a submission or assignment could not be audited.
    """
    faker = new_faker(seed)
    created: list[str] = []
    rejected = 0
    for _ in range(count):
        answers = fake_submission(vault.plan, dataset, faker)
        consents = fake_consents(vault.plan, dataset, answers, faker)
        try:
            receipt = submit(vault, Submission(dataset, answers, consents))
        except SubmissionRejected:
            rejected += 1
            continue
        created.append(receipt.reference)
    team, assigned = _assign_to(vault, created, caseworker)
    return DemoLoad(dataset, len(created), rejected, team, assigned)


def _assign_to(vault: Vault, references: list[str], caseworker: str | None) -> tuple[int, int]:
    """Assign every second record of the caseworker's team to them; returns how many
    records that team got, and how many were assigned."""
    if caseworker is None:
        return Record.objects.filter(pk__in=references, team=DEMO_TEAM).count(), 0
    member = StaffMember.objects.get(user__username=caseworker)
    rows = Record.objects.filter(pk__in=references, team=member.team).order_by("created", "id")
    supervisor = Actor(
        ref=DEMO_ACTOR,
        role=vault.plan.role(DEMO_SUPERVISOR_ROLE),
        team=member.team,
        mfa_verified=True,
    )
    cases = CaseService(vault)
    ids = list(rows.values_list("id", flat=True))
    for record_id in ids[::2]:
        cases.assign(supervisor, record_id, assignee=caseworker)
    return len(ids), len(ids[::2])
