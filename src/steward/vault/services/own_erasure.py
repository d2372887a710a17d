"""A person erases their own data, or asks for it where the law keeps some of it.

The route is decided by :func:`~steward.vault.rules.own_choices.erasure_route` from the
plan and the retention facts of the person's records (no values read):

* immediate: the erasure is registered as done, then carried out by the one deletion
  service (:func:`~steward.vault.services.deletion.erase_subject`: every value, consent,
  sealed submission and the access code go, the key is shredded, the erasure ledger
  written), and every session of the person is ended, all in one transaction with the
  ``own.erase`` audit entry;
* otherwise an open erasure request joins the rights register for staff to answer,
  and the person is told what is kept, why (purpose, legal basis and reference) and
  until when.

Only one erasure request is open at a time; a second is refused clearly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.db import transaction

from steward import clock
from steward.errors import StewardError
from steward.vault.audit_actions import AuditAction
from steward.vault.models import RightsRequest
from steward.vault.rules.own_choices import ErasureRoute, Holding, KeptField, erasure_route
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.deletion import erase_subject
from steward.vault.services.own_records import own_records, person_of, refuse
from steward.vault.services.person_sessions import end_sessions_of
from steward.vault.services.retention_sweep import facts_of
from steward.vault.services.rights_register import register

__all__ = [
    "ERASED_REASON",
    "ConfirmationNeeded",
    "ErasureAlreadyAsked",
    "OwnErasureOutcome",
    "erase_own",
    "erasure_preview",
]

ERASED_REASON: Final = "erased at the person's own request"


class ConfirmationNeeded(StewardError):
    """The person did not confirm that they want their data erased (nothing was done)."""


class ErasureAlreadyAsked(StewardError):
    """An erasure request of this person is already open; staff are answering it."""


@dataclass(frozen=True)
class OwnErasureOutcome:
    """What became of the person's erasure.

    Attributes:
        immediate: everything was erased now (the code no longer works).
        request_id: the row of the rights register.
        kept: what the law keeps for now (empty when immediate).
        reason: plain words for the person.
    """

    immediate: bool
    request_id: int
    kept: tuple[KeptField, ...]
    reason: str


def erasure_preview(vault: Vault, actor: Actor, *, now: datetime | None = None) -> ErasureRoute:
    """How the person's erasure would go now, and what would be kept (no values read)."""
    subject = person_of(actor)
    holdings = [Holding(facts) for _, facts in facts_of(own_records(subject))]
    return erasure_route(vault.plan, holdings, now or clock.now())


def open_erasure_request(actor: Actor) -> RightsRequest | None:
    """The person's erasure request still open, if any."""
    return RightsRequest.objects.filter(
        subject_id=person_of(actor),
        kind=RightsRequest.Kind.ERASURE,
        status=RightsRequest.Status.OPEN,
    ).first()


def erase_own(
    vault: Vault, actor: Actor, confirm: bool, *, now: datetime | None = None
) -> OwnErasureOutcome:
    """Erase the person's data now, or register their request where the law keeps some.

    Raises:
        ConfirmationNeeded: ``confirm`` is false (audited; nothing done).
        ErasureAlreadyAsked: a request of theirs is open (audited; nothing done).
        ChoiceRefused: the actor is not a person with their code.
        AuditUnavailable, KeyStoreError: nothing was erased or registered.
    """
    subject = person_of(actor)
    when = now or clock.now()
    obj = f"subject/{subject}"
    if not confirm:
        refuse(
            vault, actor, AuditAction.OWN_ERASE, obj,
            "tick the box to confirm that you want your data erased",
            purpose="not confirmed", error=ConfirmationNeeded,
        )  # fmt: skip
    if open_erasure_request(actor) is not None:
        refuse(
            vault, actor, AuditAction.OWN_ERASE, obj,
            "you have already asked for erasure; staff are answering that request",
            purpose="already asked", error=ErasureAlreadyAsked,
        )  # fmt: skip
    records = own_records(subject)
    route = erasure_route(vault.plan, [Holding(f) for _, f in facts_of(records)], when)
    latest = records[-1] if records else None
    with transaction.atomic():
        if route.immediate:
            request = register(
                vault.plan, subject, RightsRequest.Kind.ERASURE, now=when, record=latest,
                done=True, decision=ERASED_REASON,
            )  # fmt: skip
            audit(vault, actor=actor.ref, action=AuditAction.OWN_ERASE, obj=obj, purpose="erased")
            erase_subject(vault, subject, reason=ERASED_REASON, actor=actor, now=when)
            end_sessions_of(subject)
        else:
            request = register(
                vault.plan, subject, RightsRequest.Kind.ERASURE, now=when, record=latest,
            )  # fmt: skip
            audit(
                vault,
                actor=actor.ref,
                action=AuditAction.OWN_ERASE,
                obj=obj,
                fields=sorted({k.field for k in route.kept}),
                purpose="erasure requested; some data is kept by law",
            )
    return OwnErasureOutcome(route.immediate, request.pk, route.kept, route.reason)
