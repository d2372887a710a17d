"""Filling a demo vault: staff accounts and synthetic residents, loaded like real ones.

Residents go through :func:`steward.vault.services.collect.submit`, so every one is
validated against the plan, encrypted under its own key and audited exactly as a real
submission would be. The values come from :mod:`steward.synthetic` (Faker, seeded, so a
demo is reproducible); keys and passwords stay random.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.contrib.auth.models import User
from django.db import transaction

from steward.synthetic import fake_consents, fake_submission, new_faker
from steward.vault.models import Record
from steward.vault.rules.intake import Submission
from steward.vault.runtime import Vault
from steward.vault.services.accounts import NewPassword, create_account
from steward.vault.services.auditing import audit
from steward.vault.services.collect import SubmissionRejected, submit

DEMO_ACTOR: Final = "cli/demo"
DEMO_TEAM: Final = "north"
DEMO_DISTRICT: Final = "North"


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
    """Submit ``count`` synthetic residents to ``dataset``, then hand some to a team.

    Records from the North district go to team ``north``; every second one of those
    is assigned to ``caseworker``. Each assignment is audited. A submission the plan
    refuses (it should not happen) is counted, not stored.

    Raises:
        KeyError: the plan has no such dataset.
        User.DoesNotExist: ``caseworker`` names no account.
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
    team, assigned = _hand_out(vault, created, caseworker)
    return DemoLoad(dataset, len(created), rejected, team, assigned)


def _hand_out(vault: Vault, references: list[str], caseworker: str | None) -> tuple[int, int]:
    user = User.objects.get(username=caseworker) if caseworker else None
    rows = Record.objects.filter(pk__in=references).order_by("created")
    north = [r for r in rows if r.clear_values.get("district") == DEMO_DISTRICT]
    assigned = 0
    with transaction.atomic():
        for index, row in enumerate(north):
            row.team = DEMO_TEAM
            fields = ["team"]
            if user is not None and index % 2 == 0:
                row.assigned_to = user
                fields.append("assigned_to")
                assigned += 1
            row.save(update_fields=fields)
            audit(vault, actor=DEMO_ACTOR, action="record.assign", obj=f"record/{row.id}")
    return len(north), assigned
