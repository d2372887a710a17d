"""Issuing a person a new access code, when they lost theirs.

A privacy officer (a role in :func:`steward.policy.rights_officer_roles`) checks who the
person is outside Steward, finds their case by its reference (the record id on the
receipt), and issues a new code with a reason. In one transaction the old code is
replaced (it stops working at once), every open session of the person ends, the use
of the right is registered (``code_reissue``, done, by staff, the reason as the
decision) and audited ``code.reissue`` with the reason. Refusals are audited too.

The new code is returned once, to be handed to the person; only its keyed hash is kept.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Final, NoReturn
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.audit import Outcome
from steward.vault.audit_actions import AuditAction
from steward.vault.models import AccessCode, RightsRequest
from steward.vault.rules.code_reissue import reissue_refusal
from steward.vault.rules.unreadable import Unreadable
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.collect import access_code_lookup, new_access_code
from steward.vault.services.person_sessions import end_sessions_of
from steward.vault.services.record_views import ValueUnreadable
from steward.vault.services.rights_register import register
from steward.vault.services.staff_reasons import check_reason, record_in_scope

CODES_OBJECT: Final = "access-codes"


def may_reissue(vault: Vault, actor: Actor) -> bool:
    """Whether the actor may issue new access codes at all (to show the page)."""
    return _refusal(vault, actor) is None


def reissue_code(vault: Vault, actor: Actor, record_id: UUID | str, reason: str) -> str:
    """Give the person of case ``record_id`` a new access code; returns it (show it once).

    Raises:
        AccessDenied: the actor may not issue codes (audited).
        NotFound: no such case, or out of the actor's scope.
        ValueUnreadable: the person is erased (410); there is nothing to open.
        InvalidValue: the reason says nothing, or repeats one of the person's values.
        AuditUnavailable: nothing was changed; the old code still works.
    """
    refusal = _refusal(vault, actor)
    if refusal is not None:
        _deny(vault, actor, CODES_OBJECT, refusal)
    row = record_in_scope(actor, record_id)
    subject_id = row.subject_id
    if row.subject.erased is not None:
        raise ValueUnreadable(Unreadable.ERASED)
    text = check_reason(vault, subject_id, reason)
    code = new_access_code()
    now = clock.now()
    with transaction.atomic():
        AccessCode.objects.filter(subject_id=subject_id).delete()
        AccessCode.objects.create(subject_id=subject_id, lookup=access_code_lookup(vault, code))
        end_sessions_of(subject_id)
        made = register(
            vault.plan,
            subject_id,
            RightsRequest.Kind.CODE_REISSUE,
            now=now,
            record=row,
            done=True,
            by_person=False,
            decision=text,
        )
        if actor.user_id is not None:
            made.decided_by_id = actor.user_id
            made.save(update_fields=["decided_by"])
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.CODE_REISSUE,
            obj=f"subject/{subject_id}",
            purpose=text,
        )
    return code


def _refusal(vault: Vault, actor: Actor) -> str | None:
    return reissue_refusal(
        vault.plan,
        actor.role,
        person=actor.user_id is not None,
        expired=actor.expired(),
        mfa_verified=actor.mfa_verified,
    )


def _deny(vault: Vault, actor: Actor, target: str, reason: str) -> NoReturn:
    """Audit a refused reissue (best effort: the refusal stands regardless) and refuse."""
    with suppress(AuditUnavailable), transaction.atomic():
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.CODE_REISSUE,
            obj=target,
            outcome=Outcome.DENIED,
        )
    raise AccessDenied(reason)
