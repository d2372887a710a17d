"""Notices of disclosure: the person is told before their data is delivered, unless the
law forbids it, and then when the prohibition ends.

* :func:`owe_notices` runs when a disclosure is approved: one notice per person whose
  records were released, sent now or held by a prohibition
  (:func:`~steward.vault.rules.disclosure_notice.decide_notice`), emailed too where the
  plan allows it (:mod:`.notice_email`), and the earliest delivery written on the
  disclosure (``deliver_after``: after the plan's ``objection_period`` when someone is
  told now).
* :func:`send_due_notices` sends the held notices whose prohibition has ended; the
  scheduled job ``disclosure-notices`` (:data:`DISCLOSURE_NOTICES`) runs it every hour.

Every step is audited (``disclosure.notice``, on the disclosure, with counts only: never
a name, an address or a value). A person sees their sent notices, and objects, through
:mod:`.own_notices`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.policy import Plan
from steward.policy.model import Disclosure, Notification
from steward.vault.audit_actions import AuditAction
from steward.vault.models_egress import DisclosureItem, DisclosureNotice, DisclosureRequest
from steward.vault.rules.disclosure_notice import Timing, decide_notice, deliver_after
from steward.vault.runtime import Vault
from steward.vault.services.access import InvalidValue
from steward.vault.services.auditing import audit
from steward.vault.services.jobs import Job, JobContext, Schedule
from steward.vault.services.notice_email import email_address, send_notice_email

__all__ = [
    "DISCLOSURE_NOTICES",
    "NOTICE_ACTOR",
    "NoticeOutcome",
    "ProhibitionRefused",
    "check_prohibition",
    "owe_notices",
    "send_due_notices",
]

NOTICE_ACTOR: Final = "system/disclosure-notices"
"""Who the audit log names for notices: Steward itself, on the approver's decision."""
JOB_NAME: Final = "disclosure-notices"


class ProhibitionRefused(InvalidValue):
    """The prohibition asked for cannot hold the notices back (no reason, no end date,
    an end already past, or a plan that says people are always told); says why, never a
    personal value (answered 400)."""


@dataclass(frozen=True)
class NoticeOutcome:
    """What :func:`owe_notices` did (counts only).

    Attributes:
        sent: notices sent now (on the person's page).
        held: notices held back by a prohibition until it ends.
        emailed: of those sent, how many were also emailed.
        deliver_after: the earliest delivery, also saved on the disclosure; ``None``
            only when the plan has no disclosure section.
    """

    sent: int
    held: int
    emailed: int
    deliver_after: datetime | None


def _rules(vault: Vault) -> Disclosure:
    return vault.plan.disclosure or Disclosure()


def _period(rules: Disclosure) -> timedelta | None:
    period = rules.objection_period
    return timedelta(days=period.days) if period is not None else None


def check_prohibition(
    vault: Vault, prohibited_until: datetime | None, prohibition_reason: str, *, at: datetime
) -> None:
    """Check a prohibition before approving a disclosure (nothing is written).

    Raises:
        ProhibitionRefused: the rule refuses it; the message says why.
    """
    decision = decide_notice(
        _rules(vault).notify_subject,
        prohibited_until=prohibited_until,
        prohibition_reason=prohibition_reason,
        now=at,
    )
    if decision.refusal is not None:
        raise ProhibitionRefused(decision.refusal)


def _released_subjects(disclosure: DisclosureRequest) -> list[UUID]:
    """The distinct people whose records the disclosure released, erased people left out."""
    rows = (
        DisclosureItem.objects.filter(
            disclosure=disclosure,
            released=True,
            subject__isnull=False,
            subject__erased__isnull=True,
        )
        .values_list("subject_id", flat=True)
        .distinct()
    )
    return sorted({UUID(str(s)) for s in rows}, key=str)


def owe_notices(
    vault: Vault,
    disclosure: DisclosureRequest,
    *,
    at: datetime,
    prohibited_until: datetime | None = None,
    prohibition_reason: str = "",
) -> NoticeOutcome:
    """Create the notices ``disclosure`` owes, send those not held, and set its
    ``deliver_after``. Call it when the disclosure is approved.

    One notice per distinct person with a released record (people erased since are left
    out). Under ``notify_subject: never`` no notice is made. Running it again for the
    same disclosure makes no second notice for anyone (the counts are then of new
    notices only) and keeps the delivery date already set.

    Raises:
        ProhibitionRefused: the prohibition asked for is refused; nothing was written.
        AuditUnavailable: nothing was written (emails already handed to the mail
            framework are not recalled).
    """
    rules = _rules(vault)
    decision = decide_notice(
        rules.notify_subject,
        prohibited_until=prohibited_until,
        prohibition_reason=prohibition_reason,
        now=at,
    )
    if decision.refusal is not None:
        raise ProhibitionRefused(decision.refusal)
    subjects = [] if decision.timing is Timing.NEVER else _released_subjects(disclosure)
    held = decision.timing is Timing.HOLD
    sent = emailed = 0
    with transaction.atomic():
        already = set(
            DisclosureNotice.objects.filter(disclosure=disclosure).values_list(
                "subject_id", flat=True
            )
        )
        fresh = [s for s in subjects if s not in already]
        when = deliver_after(_period(rules), notified_now=0 if held else len(fresh), now=at)
        for subject_id in fresh:
            notice = DisclosureNotice.objects.create(
                disclosure=disclosure,
                subject_id=subject_id,
                created=at,
                prohibited_until=prohibited_until if held else None,
                prohibition_reason=prohibition_reason.strip() if held else "",
                sent=None if held else at,
            )
            if not held:
                sent += 1
                emailed += _email(vault, notice, when, at)
        if disclosure.deliver_after is None:
            disclosure.deliver_after = when
            DisclosureRequest.objects.filter(pk=disclosure.pk).update(deliver_after=when)
        _audit(vault, disclosure, sent=sent, held=len(fresh) if held else 0, emailed=emailed)
    return NoticeOutcome(
        sent=sent,
        held=len(fresh) if held else 0,
        emailed=emailed,
        deliver_after=disclosure.deliver_after,
    )


def _email(vault: Vault, notice: DisclosureNotice, deadline: datetime, at: datetime) -> int:
    """Email ``notice`` where the plan allows it; 1 when sent (and marked), else 0."""
    address = email_address(vault, notice.subject_id)
    if address is None:
        return 0
    open_until = deadline if deadline > at else None
    if not send_notice_email(vault, address, open_until):
        return 0
    DisclosureNotice.objects.filter(pk=notice.pk).update(emailed=at)
    return 1


def _audit(
    vault: Vault, disclosure: DisclosureRequest, *, sent: int, held: int, emailed: int
) -> None:
    setting = _rules(vault).notify_by_email
    audit(
        vault,
        actor=NOTICE_ACTOR,
        action=AuditAction.DISCLOSURE_NOTICE,
        obj=f"disclosure/{disclosure.pk}",
        fields=[setting.field] if emailed and setting is not None else [],
        purpose=f"notices: {sent} sent, {held} held by a prohibition, {emailed} emailed",
    )


def send_due_notices(vault: Vault, *, now: datetime | None = None) -> int:
    """Send every held notice whose prohibition has ended by ``now`` (the clock's time
    by default); the number sent. Emailed where the plan allows it; one audit entry
    per disclosure concerned.

    Raises:
        AuditUnavailable: the notices of that disclosure stay held (those of the
            disclosures before it are sent).
    """
    when = now or clock.now()
    due = DisclosureNotice.objects.filter(sent__isnull=True, prohibited_until__lte=when)
    total = 0
    for disclosure_id in sorted(set(due.values_list("disclosure_id", flat=True)), key=str):
        with transaction.atomic():
            disclosure = DisclosureRequest.objects.get(pk=disclosure_id)
            notices = list(due.filter(disclosure_id=disclosure_id).select_for_update())
            deadline = disclosure.deliver_after or when
            emailed = 0
            for notice in notices:
                DisclosureNotice.objects.filter(pk=notice.pk).update(sent=when)
                emailed += _email(vault, notice, deadline, when)
            _audit(vault, disclosure, sent=len(notices), held=0, emailed=emailed)
        total += len(notices)
    return total


def notices_schedule(plan: Plan) -> Schedule:
    """Every hour when the plan may hold notices back (``unless_prohibited``)."""
    rules = plan.disclosure
    if rules is None or rules.notify_subject is not Notification.UNLESS_PROHIBITED:
        return Schedule(None, "the plan never holds a notice back (disclosure.notify_subject)")
    return Schedule(timedelta(hours=1), "every hour, to send notices whose prohibition ended")


def run_notices(context: JobContext) -> str:
    """Send the notices now due (the scheduled job); one sentence for the record."""
    count = send_due_notices(context.vault)
    return f"sent {count} notice{'s' if count != 1 else ''} whose prohibition ended"


DISCLOSURE_NOTICES: Final = Job(JOB_NAME, "Disclosure notices", notices_schedule, run_notices)
"""The scheduled job that sends notices once their prohibition ends."""
