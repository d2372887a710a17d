"""Staff adding one row to a table dataset: decided, validated, encrypted, audited.

The row is stored exactly as an intake answer is
(:func:`~steward.vault.services.collect.store_record`): checked by the intake rules,
each personal value encrypted under the row's own subject key, routed to a team by the
plan, and audited as ``record.create`` in the same transaction. Each row gets a subject
of its own: a table row is about one person (a household, a donor), and its own key is
what lets that one row be erased.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import NoReturn

from django.db import transaction

from steward.audit import Outcome
from steward.policy.model import Dataset, DatasetKind, Scope
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record, Subject
from steward.vault.rules.intake import Submission, check_row
from steward.vault.rules.routing import route
from steward.vault.rules.table_rows import decide_add_row, writable_fields
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.collect import SubmissionRejected, store_record


def table_of(vault: Vault, dataset_id: str) -> Dataset:
    """The plan dataset ``dataset_id``.

    Raises:
        NotFound: the plan has no such dataset.
    """
    try:
        return vault.plan.dataset(dataset_id)
    except KeyError:
        raise NotFound(f"there is no dataset '{dataset_id}'") from None


def fields_to_fill(vault: Vault, actor: Actor, dataset: Dataset) -> list[str]:
    """The fields the actor may fill in on a new row of ``dataset`` (for the form)."""
    return writable_fields(actor.role, dataset, today=actor.today())


def add_row(vault: Vault, actor: Actor, dataset_id: str, values: Mapping[str, str]) -> Record:
    """Store ``values`` as a new row of the table ``dataset_id``, on behalf of ``actor``.

    Blank values are left out. The decision is
    :func:`~steward.vault.rules.table_rows.decide_add_row` (grants, scope; refusals are
    audited), then the values are checked by
    :func:`~steward.vault.rules.intake.check_row`. A role scoped to assigned records
    gets the row assigned to itself.

    Raises:
        NotFound: no such dataset, or it is not a table.
        AccessDenied: the actor may not add this row (expired, no second factor, no
            write grant, out of scope); nothing is stored.
        SubmissionRejected: a value breaks the plan (``problems`` by field); nothing
            is stored.
        AuditUnavailable: the row could not be audited; nothing is stored.
    """
    dataset = table_of(vault, dataset_id)
    if dataset.kind is not DatasetKind.TABLE:
        raise NotFound(f"there is no table '{dataset.id}': rows are added only to tables")
    target = f"dataset/{dataset.id}"
    answers = {k: v.strip() for k, v in values.items() if v is not None and v.strip()}
    if actor.expired():
        _deny(vault, actor, target, "this account's temporary access has ended")
    if actor.role.mfa and not actor.mfa_verified:
        _deny(vault, actor, target, "this role must sign in with a second factor")
    destination = route(vault.plan, dataset.id, answers)
    verdict = decide_add_row(
        actor.role,
        dataset,
        answers,
        routed_team=destination.team,
        actor_team=actor.team,
        actor_user=actor.user_id,
        today=actor.today(),
    )
    if not verdict:
        _deny(vault, actor, target, verdict.reason, sorted(answers))
    problems = check_row(vault.plan, dataset.id, values)
    if problems:
        raise SubmissionRejected(problems)
    with transaction.atomic():
        subject = Subject.objects.create()
        record = store_record(
            vault, dataset, subject, answers, Submission(dataset.id, answers), actor=actor.ref
        )
        if actor.role.scope is Scope.ASSIGNED and actor.user_id is not None:
            record.assigned_to_id = actor.user_id
            record.save(update_fields=["assigned_to", "updated"])
    return record


def _deny(
    vault: Vault, actor: Actor, target: str, reason: str, fields: list[str] | None = None
) -> NoReturn:
    """Audit the refused attempt (best effort: the refusal never depends on it), refuse."""
    with suppress(AuditUnavailable), transaction.atomic():
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.RECORD_CREATE,
            obj=target,
            fields=fields or (),
            outcome=Outcome.DENIED,
        )
    raise AccessDenied(reason)
