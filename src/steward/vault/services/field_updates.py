"""The write path of the access service: replacing one field's value.

:meth:`steward.vault.services.access.AccessService.update` delegates here, so the one
access service still decides every write (its gate, its scope, its audit), and staff,
service tokens and people correcting their own data all change values the same way:
validated like intake, re-encrypted, re-indexed and audited in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.policy.model import Action
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record
from steward.vault.rules.intake import value_problem
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.record_views import ValueUnreadable
from steward.vault.services.record_writes import store_value

if TYPE_CHECKING:
    from steward.vault.services.access import AccessService


def write_field(
    service: AccessService, actor: Actor, record_id: UUID | str, field: str, value: str
) -> None:
    """Replace one field's value for ``actor``, as
    :meth:`~steward.vault.services.access.AccessService.update` promises (same errors)."""
    from steward.vault.services.access import InvalidValue

    vault = service.vault
    row = service._record(actor, record_id)
    dataset = service._dataset(row.dataset)
    spec = service._field(dataset, field)
    target = f"record/{row.id}"
    service._gate(actor, dataset, Action.WRITE, target, only=spec)
    problem = value_problem(spec, value)
    if problem:
        raise InvalidValue(f"{dataset.id}.{field}: {problem}")
    try:
        with transaction.atomic():
            store_value(vault, row, dataset, spec, value.strip())
            # What the person told staff (or corrected themself) is the case's last
            # contact, which ``from: last_contact`` retention counts from.
            Record.objects.filter(pk=row.pk).update(last_contact=clock.now())
            audit(
                vault, actor=actor.ref, action=AuditAction.FIELD_WRITE, obj=target, fields=[field]
            )
    except ValueUnreadable:
        service._record_failure(actor, AuditAction.FIELD_WRITE, target, [field])
        raise
