"""The notice rule as tables: when people are told, when data may be delivered, when a
notice may be emailed, and when a person may still object."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from steward.policy import load_plan
from steward.policy.model import EmailNotice, Notification
from steward.vault.rules.disclosure_notice import (
    MAX_REASON,
    DisclosureState,
    Timing,
    decide_notice,
    deliver_after,
    may_email,
    objection_reason_problem,
    objection_refusal,
)
from steward.vault.rules.reveal import ConsentState

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=90)
CITY = Path(__file__).resolve().parents[2] / "examples" / "city-constituent-services.yaml"

ALWAYS, UNLESS, NEVER = Notification.ALWAYS, Notification.UNLESS_PROHIBITED, Notification.NEVER

# notify, prohibited_until, reason -> timing, send_at, refusal (a fragment) or None
NOTICE_TABLE = [
    (UNLESS, None, "", Timing.NOW, NOW, None),
    (ALWAYS, None, "", Timing.NOW, NOW, None),
    (NEVER, None, "", Timing.NEVER, None, None),
    (NEVER, LATER, "gag order", Timing.NEVER, None, None),
    (UNLESS, LATER, "Court order 26-113 forbids telling", Timing.HOLD, LATER, None),
    (UNLESS, LATER, "", None, None, "needs its reason"),
    (UNLESS, LATER, "   ", None, None, "needs its reason"),
    (UNLESS, None, "gag order", None, None, "needs the date it ends"),
    (UNLESS, NOW, "gag order", None, None, "already passed"),
    (UNLESS, NOW - timedelta(days=1), "gag order", None, None, "already passed"),
    (UNLESS, LATER, "x" * (MAX_REASON + 1), None, None, f"at most {MAX_REASON}"),
    (ALWAYS, LATER, "gag order", None, None, "always told"),
    (ALWAYS, None, "gag order", None, None, "always told"),
]


@pytest.mark.parametrize(
    ("notify", "until", "reason", "timing", "send_at", "refusal"), NOTICE_TABLE
)
def test_decide_notice(
    notify: Notification,
    until: datetime | None,
    reason: str,
    timing: Timing | None,
    send_at: datetime | None,
    refusal: str | None,
) -> None:
    decision = decide_notice(notify, prohibited_until=until, prohibition_reason=reason, now=NOW)
    if refusal is None:
        assert decision
        assert decision.refusal is None
        assert (decision.timing, decision.send_at) == (timing, send_at)
    else:
        assert not decision
        assert decision.refusal is not None
        assert refusal in decision.refusal


PERIOD = timedelta(days=14)

# objection period, people told now -> earliest delivery
DELIVERY_TABLE = [
    (PERIOD, 1, NOW + PERIOD),
    (PERIOD, 40, NOW + PERIOD),
    (PERIOD, 0, NOW),  # every notice held by a prohibition, or nobody to tell
    (None, 3, NOW),  # the plan gives no time to object
    (None, 0, NOW),
]


@pytest.mark.parametrize(("period", "told", "expected"), DELIVERY_TABLE)
def test_deliver_after(period: timedelta | None, told: int, expected: datetime) -> None:
    assert deliver_after(period, notified_now=told, now=NOW) == expected


AGREED, WITHDRAWN, NOT_AGREED = (
    ConsentState.AGREED,
    ConsentState.WITHDRAWN,
    ConsentState.NOT_AGREED,
)
FIELD = ["follow_up", "service_updates"]  # the city's email field serves these

# setting purposes (None: no setting), consent to service_updates -> may email
EMAIL_TABLE = [
    (None, AGREED, False),
    (["follow_up"], WITHDRAWN, True),  # public task: no consent involved
    (["follow_up"], NOT_AGREED, True),
    (["service_updates"], AGREED, True),
    (["service_updates"], WITHDRAWN, False),  # a withdrawn consent is never used
    (["service_updates"], NOT_AGREED, False),
    ([], WITHDRAWN, True),  # any purpose of the field: follow_up still served
    (["planning_statistics"], AGREED, False),  # not a purpose of the field
]


@pytest.mark.parametrize(("purposes", "consent", "allowed"), EMAIL_TABLE)
def test_may_email(purposes: list[str] | None, consent: ConsentState, allowed: bool) -> None:
    plan = load_plan(CITY).plan
    setting = None if purposes is None else EmailNotice(field="email", purposes=purposes)
    assert may_email(plan, setting, FIELD, {"service_updates": consent}) is allowed


def test_may_email_with_a_consent_only_field() -> None:
    plan = load_plan(CITY).plan
    setting = EmailNotice(field="email")
    only = ["service_updates"]
    assert may_email(plan, setting, only, {"service_updates": AGREED})
    assert not may_email(plan, setting, only, {"service_updates": WITHDRAWN})
    assert not may_email(plan, setting, only, {})


OPEN, DONE, STOPPED = DisclosureState.OPEN, DisclosureState.DONE, DisclosureState.STOPPED
DEADLINE = NOW + PERIOD

# sent, deadline, state, already objected -> refusal fragment or None
OBJECTION_TABLE = [
    (NOW, DEADLINE, OPEN, False, None),
    (None, DEADLINE, OPEN, False, "no such notice"),
    (NOW, DEADLINE, OPEN, True, "already objected"),
    (NOW, DEADLINE, DONE, False, "already been delivered"),
    (NOW, DEADLINE, STOPPED, False, "will not go ahead"),
    (NOW, NOW, OPEN, False, "time to object has passed"),
    (NOW, NOW - timedelta(seconds=1), OPEN, False, "time to object has passed"),
    (NOW, None, OPEN, False, "time to object has passed"),
    (NOW - timedelta(days=30), NOW - timedelta(days=16), DONE, False, "already been delivered"),
]


@pytest.mark.parametrize(("sent", "deadline", "state", "objected", "refusal"), OBJECTION_TABLE)
def test_objection_refusal(
    sent: datetime | None,
    deadline: datetime | None,
    state: DisclosureState,
    objected: bool,
    refusal: str | None,
) -> None:
    found = objection_refusal(
        sent=sent, deliver_after=deadline, state=state, objected=objected, now=NOW
    )
    if refusal is None:
        assert found is None
    else:
        assert found is not None
        assert refusal in found


@pytest.mark.parametrize(
    ("reason", "problem"),
    [
        ("I do not agree", None),
        ("", "say why"),
        ("  \n ", "say why"),
        ("x" * (MAX_REASON + 1), f"at most {MAX_REASON}"),
        ("x" * MAX_REASON, None),
        (" " * 5 + "x" * MAX_REASON + " " * 5, None),
    ],
)
def test_objection_reason_problem(reason: str, problem: str | None) -> None:
    found = objection_reason_problem(reason)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found
