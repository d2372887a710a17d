"""Vulnerability reports and their disclosure clock: receiving a report through the
public form (sealed), opening sealed reports with the intake key, moving the clock with
a recorded reason, marking a report confirmed, fixed or rejected, and recording the
disclosure to stakeholders. Decisions are the pure rules of
:mod:`steward.vault.rules.vulnerability_clock`; each step is audited in its own
transaction (nothing changes when the audit entry cannot be written).

A report's text may name its reporter or the people a flaw exposes. When the vault has
an intake key (a plan with sealed intake), the form seals it to that key
(:func:`steward.crypto.sealed.seal`, context ``vulnerability:<id>``): the server cannot
read it until someone opens it with the private key (``steward intake unseal``), which
re-encrypts it under the key ring. Without an intake key it is encrypted with the key
ring at once (subject ``vulnerability:<id>``, bound to dataset ``vulnerability``, the
report id and field ``text``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.db import transaction

from steward import clock
from steward.crypto import DecryptionError, seal, unseal
from steward.policy.model import Plan
from steward.vault.audit_actions import AuditAction
from steward.vault.models_response import VulnerabilityClockChange, VulnerabilityReport
from steward.vault.rules.vulnerability_clock import (
    MAX_EXPLANATION,
    ReportState,
    VulnerabilityAct,
    disclose_by,
    move_refusal,
    report_refusal,
    state_refusal,
)
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import audit
from steward.vault.services.report_throttle import take_report_place
from steward.vault.services.vulnerability_register import (
    ReportView,
    check_act,
    load_report,
    text_place,
    view_of,
)

__all__ = [
    "PUBLIC_ACTOR",
    "SEVERITIES",
    "UnsealedReports",
    "accepts_reports",
    "change_report",
    "move_clock",
    "open_sealed_reports",
    "receive_report",
    "record_disclosure",
    "sealed_context",
]

PUBLIC_ACTOR: Final = "public/security-report"
SEVERITIES: Final = ("unknown", "low", "medium", "high", "critical")
MAX_NOTE: Final = 2000
MAX_CONTACT: Final = 200


def accepts_reports(plan: Plan) -> bool:
    """Whether the plan takes vulnerability reports through the public form."""
    rules = plan.operations.vulnerability_disclosure
    return rules is not None and rules.accepts_reports


def sealed_context(report_id: UUID) -> str:
    """The context a report's sealed box is bound to."""
    return f"vulnerability:{report_id}"


def receive_report(
    vault: Vault, *, title: str, text: str, contact: str = "", address: str | None = None
) -> UUID:
    """Store a report from the public form or API: sealed to the intake key when the
    vault has one, else encrypted with the key ring; its disclosure date is set from the
    plan. Audited (``vulnerability.receive``) as the public form. With ``address`` (the
    sender's network address), the report counts toward that address's limit
    (:func:`~steward.vault.services.report_throttle.take_report_place`). Returns the
    report's id (a receipt for the reporter).

    Raises:
        NotFound: the plan takes no reports.
        InvalidValue: the report is too short or too long (nothing stored).
        ReportThrottled: the address sent too many reports lately (nothing stored).
        AuditUnavailable: nothing stored.
    """
    if not accepts_reports(vault.plan):
        raise NotFound("this organization takes no vulnerability reports here")
    why = report_refusal(title.strip(), text)
    if why is None and len(contact.strip()) > MAX_CONTACT:
        why = f"the contact is longer than {MAX_CONTACT} characters"
    if why:
        raise InvalidValue(why)
    now, made_id = clock.now(), uuid4()
    payload = json.dumps(
        {"title": title.strip(), "text": text.strip(), "contact": contact.strip()}
    ).encode()
    sealed = clear = None
    if vault.intake_public_key is not None:
        sealed = seal(payload, vault.intake_public_key, context=sealed_context(made_id))
    else:
        subject, place = text_place(made_id)
        clear = vault.keyring.encrypt(subject, payload, **place)
    with transaction.atomic():
        if address is not None:
            take_report_place(vault, address, now)
        VulnerabilityReport.objects.create(
            id=made_id,
            received_at=now,
            sealed=sealed,
            text=clear,
            disclose_by=disclose_by(vault.plan, now),
        )
        audit(
            vault,
            actor=PUBLIC_ACTOR,
            action=AuditAction.VULNERABILITY_RECEIVE,
            obj=f"vulnerability/{made_id}",
            purpose="sealed" if sealed else "encrypted",
        )
    return made_id


@dataclass(frozen=True)
class UnsealedReports:
    """How opening sealed reports went: the ids opened and the failures by id."""

    opened: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]


def open_sealed_reports(
    vault: Vault, private_key: X25519PrivateKey, *, actor: str
) -> UnsealedReports:
    """Open every sealed report with the intake private key and keep its text encrypted
    under the key ring instead; each opening is audited. A report that cannot be opened
    (another key, altered bytes) is reported and left sealed."""
    opened: list[str] = []
    failed: list[tuple[str, str]] = []
    for row in VulnerabilityReport.objects.exclude(sealed=None).exclude(sealed=b""):
        try:
            payload = unseal(bytes(row.sealed or b""), private_key, context=sealed_context(row.id))
        except DecryptionError:
            failed.append((str(row.id), "cannot be opened with this key"))
            continue
        subject, place = text_place(row.id)
        with transaction.atomic():
            row.text = vault.keyring.encrypt(subject, payload, **place)
            row.sealed = None
            row.save(update_fields=["text", "sealed"])
            audit(
                vault,
                actor=actor,
                action=AuditAction.VULNERABILITY_READ,
                obj=f"vulnerability/{row.id}",
                purpose="unseal",
            )
        opened.append(str(row.id))
    return UnsealedReports(tuple(opened), tuple(failed))


def _person(actor: Actor) -> int:
    if actor.user_id is None:
        raise AccessDenied("vulnerability reports are handled by a person with a staff account")
    return actor.user_id


def move_clock(
    vault: Vault,
    actor: Actor,
    report_id: UUID | str,
    *,
    new_date: datetime | None,
    reason: str,
    explanation: str,
) -> ReportView:
    """Move the disclosure date (shorten or extend) with a reason and an explanation,
    both kept as a :class:`VulnerabilityClockChange`. Audited (``vulnerability.clock``,
    the reason only).

    Raises:
        NotFound: no such report.
        AccessDenied: not a handler (audited).
        InvalidValue: the rule refuses (no reason, a short explanation, a past date, a
            report disclosed or rejected).
        AuditUnavailable: nothing changed.
    """
    now = clock.now()
    target = f"vulnerability/{load_report(report_id).id}"
    check_act(vault, actor, VulnerabilityAct.HANDLE, target, AuditAction.VULNERABILITY_CLOCK)
    with transaction.atomic():
        found = load_report(report_id, lock=True)
        why = move_refusal(ReportState(found.state), reason, explanation, new_date, now)
        if why:
            raise InvalidValue(why)
        assert new_date is not None  # checked by the rule
        VulnerabilityClockChange.objects.create(
            report=found,
            at=now,
            by_id=_person(actor),
            before=found.disclose_by or found.received_at,
            after=new_date,
            reason=reason,
            explanation=" ".join(explanation.split())[:MAX_EXPLANATION],
        )
        found.disclose_by = new_date
        found.save(update_fields=["disclose_by"])
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.VULNERABILITY_CLOCK,
            obj=target,
            purpose=reason,
        )
        return view_of(vault, actor, found, now)


def change_report(
    vault: Vault,
    actor: Actor,
    report_id: UUID | str,
    *,
    state: str = "",
    severity: str = "",
    title: str | None = None,
) -> ReportView:
    """Mark a report ``confirmed``, ``fixed`` or ``rejected``, set its severity or a short
    title (naming nobody). Audited (``vulnerability.disclose``, what changed).

    Raises:
        NotFound, AccessDenied (audited), AuditUnavailable: as :func:`move_clock`.
        InvalidValue: a state the rule refuses, an unknown severity, a long title.
    """
    if severity and severity not in SEVERITIES:
        raise InvalidValue(f"the severity is one of {', '.join(SEVERITIES)}")
    if title is not None and len(title.strip()) > 200:
        raise InvalidValue("the title is longer than 200 characters")
    now = clock.now()
    target = f"vulnerability/{load_report(report_id).id}"
    check_act(vault, actor, VulnerabilityAct.HANDLE, target, AuditAction.VULNERABILITY_DISCLOSE)
    with transaction.atomic():
        found = load_report(report_id, lock=True)
        changed: list[str] = []
        if state:
            why = state_refusal(ReportState(found.state), state)
            if why:
                raise InvalidValue(why)
            found.state = state
            changed.append("state")
        if severity:
            found.severity = severity
            changed.append("severity")
        if title is not None:
            found.title = " ".join(title.split())
            changed.append("title")
        if not changed:
            raise InvalidValue("nothing to change")
        found.save()
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.VULNERABILITY_DISCLOSE,
            obj=target,
            fields=changed,
            purpose=f"state: {found.state}",
        )
        return view_of(vault, actor, found, now)


def record_disclosure(
    vault: Vault, actor: Actor, report_id: UUID | str, *, note: str
) -> ReportView:
    """Record that the disclosure to stakeholders was made now, with a note (to whom,
    where it was published). The report becomes ``disclosed``; its reminder then reads
    on time or late. Audited (``vulnerability.disclose``).

    Raises:
        NotFound: no such report.
        AccessDenied: a role that does not approve disclosures (audited).
        InvalidValue: an empty or long note, a report already disclosed or rejected.
        AuditUnavailable: nothing changed.
    """
    words = note.strip()
    if not words:
        raise InvalidValue("say how and to whom the disclosure was made")
    if len(words) > MAX_NOTE:
        raise InvalidValue(f"the note is longer than {MAX_NOTE:,} characters")
    now = clock.now()
    target = f"vulnerability/{load_report(report_id).id}"
    check_act(vault, actor, VulnerabilityAct.DISCLOSE, target, AuditAction.VULNERABILITY_DISCLOSE)
    with transaction.atomic():
        found = load_report(report_id, lock=True)
        if found.state in {ReportState.DISCLOSED, ReportState.REJECTED}:
            raise InvalidValue(f"the report is {found.state}: nothing more to disclose")
        found.state = ReportState.DISCLOSED.value
        found.disclosed_at, found.disclosed_by_id = now, _person(actor)
        found.disclosure_note = words
        found.save()
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.VULNERABILITY_DISCLOSE,
            obj=target,
            purpose="disclosed",
        )
        return view_of(vault, actor, found, now)
