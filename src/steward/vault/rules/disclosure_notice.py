"""When a person is told of a disclosure of their data, when the data may then be
delivered, whether the notice may also go by email, and whether they may still object.

Plain Python: no Django, no database, no clock (the time is passed in). The services
(:mod:`steward.vault.services.disclosure_notices`) fetch the facts and carry out what
these functions decide.

* The plan's ``disclosure.notify_subject`` says whether people are told: ``always``,
  ``unless_prohibited`` (a prohibition, such as a court's order not to tell, holds the
  notice back until it ends) or ``never``.
* A prohibition needs its reason and the date it ends; it is refused without either,
  when its end has already passed, and whenever the plan says ``always``.
* When someone is told now, the data is not delivered before they have had the plan's
  ``objection_period`` to object. When every notice is held by a prohibition, delivery
  may go ahead (the law forbids telling them, so no objection can come in time), and the
  notices go out when the prohibition ends.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from steward.policy import Plan
from steward.policy.model import EmailNotice, Notification
from steward.vault.rules.own_choices import serves_purpose
from steward.vault.rules.reveal import ConsentState

MAX_REASON: Final = 1000
"""The longest prohibition reason or objection Steward keeps (characters)."""


class Timing(StrEnum):
    """When a person's notice goes out."""

    NOW = "now"
    HOLD = "hold"
    NEVER = "never"


@dataclass(frozen=True)
class NoticeDecision:
    """What happens to the notices of one disclosure.

    Attributes:
        timing: sent now, held until ``send_at``, or never (the plan tells nobody).
        send_at: when the notices go out (``None`` when never).
        refusal: why the prohibition asked for is refused (then nothing else applies);
            never holds a personal value.
    """

    timing: Timing
    send_at: datetime | None = None
    refusal: str | None = None

    def __bool__(self) -> bool:
        return self.refusal is None


def decide_notice(
    notify: Notification,
    *,
    prohibited_until: datetime | None,
    prohibition_reason: str,
    now: datetime,
) -> NoticeDecision:
    """Whether the people whose data is disclosed are told now, later or never.

    A prohibition is asked for when ``prohibited_until`` or ``prohibition_reason`` is
    given. It is refused (``refusal`` set) when the plan says ``always``, when it lacks
    its reason or its end date, when its reason is longer than :data:`MAX_REASON`, or
    when its end is not after ``now``. Under ``never`` nobody is told, prohibition or not.
    """
    reason = prohibition_reason.strip()
    asked = prohibited_until is not None or bool(reason)
    if notify is Notification.NEVER:
        return NoticeDecision(Timing.NEVER)
    if not asked:
        return NoticeDecision(Timing.NOW, now)
    refusal = _prohibition_refusal(notify, prohibited_until, reason, now)
    if refusal is not None or prohibited_until is None:
        return NoticeDecision(Timing.NOW, now, refusal or "a prohibition needs its end date")
    return NoticeDecision(Timing.HOLD, prohibited_until)


def _prohibition_refusal(
    notify: Notification, until: datetime | None, reason: str, now: datetime
) -> str | None:
    if notify is Notification.ALWAYS:
        return (
            "the plan says people are always told of a disclosure of their data; "
            "a prohibition cannot hold the notice back"
        )
    if not reason:
        return "a prohibition needs its reason (the order or law that forbids telling)"
    if len(reason) > MAX_REASON:
        return f"a prohibition's reason is at most {MAX_REASON} characters"
    if until is None:
        return "a prohibition needs the date it ends, when the person is then told"
    if until <= now:
        return "the prohibition's end date has already passed: tell the person now"
    return None


def deliver_after(
    objection_period: timedelta | None, *, notified_now: int, now: datetime
) -> datetime:
    """The earliest time the disclosed data may be delivered.

    ``now`` plus the objection period when at least one person is told now
    (``notified_now``); ``now`` when nobody is told now (nobody to notify, notices held
    by a prohibition, a plan that never tells) or the plan gives no objection period.
    """
    if notified_now > 0 and objection_period is not None:
        return now + objection_period
    return now


def may_email(
    plan: Plan,
    setting: EmailNotice | None,
    field_purposes: Collection[str],
    states: Mapping[str, ConsentState],
) -> bool:
    """Whether a notice may be emailed to the address a record holds.

    ``setting`` is the plan's ``disclosure.notify_by_email``; ``field_purposes`` the
    purposes the record's dataset declares for that field; ``states`` the record's
    consent answers. Allowed only when the plan names the field and the record still
    serves one of the setting's purposes (any purpose of the field when it names none)
    that the field serves: a consent refused or withdrawn is never used to write.
    """
    if setting is None:
        return False
    wanted = [p for p in field_purposes if not setting.purposes or p in setting.purposes]
    return any(serves_purpose(plan, purpose, states) for purpose in wanted)


class DisclosureState(StrEnum):
    """Where a disclosure stands, as the objection rule needs it."""

    OPEN = "open"
    """Requested or approved, not yet delivered."""
    DONE = "done"
    """Delivered or expired: the data has left."""
    STOPPED = "stopped"
    """Refused or withdrawn: nothing will leave."""


def objection_refusal(
    *,
    sent: datetime | None,
    deliver_after: datetime | None,
    state: DisclosureState,
    objected: bool,
    now: datetime,
) -> str | None:
    """Why objection to this disclosure is closed to the person now, or ``None`` when
    they may object.

    Only a notice that was sent can be objected to, once, before the data is delivered
    and before the deadline (``deliver_after``); a disclosure refused or withdrawn needs
    no objection.
    """
    if sent is None:
        return "there is no such notice of yours"
    if objected:
        return "you have already objected to this disclosure; the organization will answer you"
    if state is DisclosureState.STOPPED:
        return "this disclosure will not go ahead: there is nothing to object to"
    if state is DisclosureState.DONE:
        return "your data has already been delivered, so objection is closed"
    if deliver_after is None or now >= deliver_after:
        return "the time to object has passed, so objection is closed"
    return None


def objection_reason_problem(reason: str) -> str | None:
    """What is wrong with the reason a person gives for objecting, or ``None``: it must
    say something, in at most :data:`MAX_REASON` characters."""
    text = reason.strip()
    if not text:
        return "say why you object, in a few words"
    if len(text) > MAX_REASON:
        return f"your reason is at most {MAX_REASON} characters"
    return None
