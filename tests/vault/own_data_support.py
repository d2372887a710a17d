"""Helpers for the own-data tests: people, their actors, plans with other rights, and
reading the audit log back. (No tests here.)"""

from __future__ import annotations

import dataclasses
from uuid import UUID

from steward.policy.model import Plan
from steward.vault.models import AuditEntryRow, Record
from steward.vault.rules.intake import Submission
from steward.vault.runtime import Vault, use_vault
from steward.vault.services.actors import Actor
from steward.vault.services.collect import Receipt, submit
from steward.vault.services.person_sessions import person_actor
from tests.vault.test_staff_support import DISTINCT

OTHER = {
    "full_name": "Barnaby Thistlewood",
    "email": "barnaby.t@example.net",
    "phone": "555 019 2288",
    "street_address": "3 Crumplehorn Row",
    "district": "South",
    "request_type": "graffiti",
    "details": "Paint on the Marrowfield wall",
    "age_band": "65+",
}
"""A second person, whose values appear nowhere in the first person's answers."""


def person(vault: Vault, answers: dict[str, str] | None = None) -> tuple[Receipt, Actor]:
    """A resident who submitted the city form (with consent to updates) and their actor."""
    receipt = submit(
        vault,
        Submission("service_request", answers or DISTINCT, frozenset({"service_updates"})),
    )
    subject = Record.objects.get(pk=receipt.reference).subject_id
    return receipt, person_actor(vault, subject)


def subject_of(receipt: Receipt) -> UUID:
    return Record.objects.get(pk=receipt.reference).subject_id


def with_plan(vault: Vault, plan: Plan) -> Vault:
    """``vault`` running ``plan`` (same plan version row), made the current vault."""
    changed = dataclasses.replace(vault, loaded=dataclasses.replace(vault.loaded, plan=plan))
    use_vault(changed)
    return changed


def with_rights(vault: Vault, **rights: object) -> Vault:
    plan = vault.plan
    return with_plan(
        vault, plan.model_copy(update={"rights": plan.rights.model_copy(update=rights)})
    )


def entries_of(vault: Vault, ref: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(action, outcome, fields) of every audit entry whose actor is ``ref``."""
    hasher = vault.audit.hasher
    assert hasher is not None
    mine = hasher.actor(ref)
    return [
        (e.action, str(e.outcome), e.fields) for e in vault.audit.entries() if e.actor_ref == mine
    ]


def audit_text() -> str:
    """Every stored audit entry, as text."""
    return "\n".join(bytes(r.record).decode("utf-8") for r in AuditEntryRow.objects.all())
