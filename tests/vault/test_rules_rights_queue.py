"""The rights queue's rules, as tables: who handles the register, which decisions fit
which request, overdue, and the order of the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from steward.policy import Plan, load_plan
from steward.vault.rules.reveal import REASON_SAYS_NOTHING
from steward.vault.rules.rights_queue import (
    Officer,
    QueueDecision,
    decide_request,
    decisions_for,
    is_overdue,
    may_handle,
    queue_key,
    status_after,
)
from tests.vault.conftest import CITY

PLAN = load_plan(CITY).plan
REASON = "checked with the person by telephone"
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def officer(role: str, **kwargs: object) -> Officer:
    return Officer(role=PLAN.role(role), **{"user_id": 7, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("role", "extra", "allowed"),
    [
        ("privacy_officer", {}, True),
        ("caseworker", {}, False),
        ("supervisor", {}, False),
        ("analyst", {}, False),
        ("resident", {}, False),
        ("privacy_officer", {"user_id": None}, False),  # a service token
        ("privacy_officer", {"mfa_verified": False}, False),
        ("privacy_officer", {"expired": True}, False),
    ],
)
def test_who_may_handle_the_register(role: str, extra: dict[str, object], allowed: bool) -> None:
    verdict = may_handle(PLAN, officer(role, **extra))
    assert bool(verdict) is allowed
    assert verdict.reason


@pytest.mark.parametrize(
    ("kind", "status", "expected"),
    [
        ("correction", "open", ("apply", "refuse")),
        ("erasure", "open", ("carry_out", "refuse")),
        ("access", "open", ("answered", "refuse")),
        ("export", "open", ("answered", "refuse")),
        ("withdrawal", "open", ("answered", "refuse")),
        ("code_reissue", "open", ("answered", "refuse")),
        ("correction", "done", ()),
        ("erasure", "refused", ()),
        ("access", "done", ()),
        ("unknown", "open", ()),
    ],
)
def test_decisions_fit_kind_and_status(kind: str, status: str, expected: tuple[str, ...]) -> None:
    assert tuple(d.value for d in decisions_for(kind, status)) == expected


@pytest.mark.parametrize(
    ("role", "kind", "status", "decision", "reason", "allowed", "says"),
    [
        ("privacy_officer", "correction", "open", "apply", REASON, True, ""),
        ("privacy_officer", "correction", "open", "refuse", REASON, True, ""),
        ("privacy_officer", "correction", "open", "carry_out", REASON, False, "apply, refuse"),
        ("privacy_officer", "erasure", "open", "carry_out", REASON, True, ""),
        ("privacy_officer", "erasure", "open", "apply", REASON, False, "carry_out, refuse"),
        ("privacy_officer", "access", "open", "answered", REASON, True, ""),
        ("privacy_officer", "access", "done", "refuse", REASON, False, "final"),
        ("privacy_officer", "erasure", "refused", "carry_out", REASON, False, "final"),
        ("privacy_officer", "access", "open", "answered", "ok", False, REASON_SAYS_NOTHING),
        ("privacy_officer", "access", "open", "answered", "   ", False, REASON_SAYS_NOTHING),
        ("caseworker", "correction", "open", "apply", REASON, False, "caseworker"),
        ("supervisor", "erasure", "open", "carry_out", REASON, False, "supervisor"),
        ("analyst", "access", "open", "answered", REASON, False, "analyst"),
    ],
)
def test_decide_request(
    role: str, kind: str, status: str, decision: str, reason: str, allowed: bool, says: str
) -> None:
    verdict = decide_request(PLAN, officer(role), kind, status, decision, reason)
    assert bool(verdict) is allowed
    assert says in verdict.reason


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        (QueueDecision.APPLY, "done"),
        (QueueDecision.CARRY_OUT, "done"),
        (QueueDecision.ANSWERED, "done"),
        (QueueDecision.REFUSE, "refused"),
    ],
)
def test_status_after(decision: QueueDecision, status: str) -> None:
    assert status_after(decision) == status


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        ("open", NOW - timedelta(seconds=1), True),
        ("open", NOW, False),
        ("open", NOW + timedelta(days=1), False),
        ("open", None, False),
        ("done", NOW - timedelta(days=9), False),
        ("refused", NOW - timedelta(days=9), False),
    ],
)
def test_overdue(status: str, due: datetime | None, overdue: bool) -> None:
    assert is_overdue(status, due, NOW) is overdue


def test_queue_order_overdue_first_then_due_then_received_no_deadline_last() -> None:
    day = timedelta(days=1)
    rows = [
        # (name, status, due, received)
        ("no-deadline-old", "open", None, NOW - 50 * day),
        ("due-later", "open", NOW + 5 * day, NOW - 25 * day),
        ("overdue-recent", "open", NOW - 1 * day, NOW - 31 * day),
        ("due-soon", "open", NOW + 1 * day, NOW - 29 * day),
        ("overdue-oldest", "open", NOW - 9 * day, NOW - 39 * day),
        ("done-long-ago", "done", NOW - 20 * day, NOW - 50 * day),
        ("due-soon-later-received", "open", NOW + 1 * day, NOW - 2 * day),
    ]
    ordered = sorted(rows, key=lambda r: queue_key(r[1], r[2], r[3], NOW, rows.index(r)))
    assert [r[0] for r in ordered] == [
        "overdue-oldest",
        "overdue-recent",
        "done-long-ago",
        "due-soon",
        "due-soon-later-received",
        "due-later",
        "no-deadline-old",
    ]


def test_what_a_legal_obligation_keeps() -> None:
    """The queue carries an erasure out by the same rule as the person's page."""
    from steward.vault.rules.own_choices import Holding, erasure_route
    from steward.vault.rules.retention import RetentionFacts
    from tests.vault.conftest import HELP_DESK

    def kept(plan: Plan, facts: RetentionFacts, now: datetime) -> set[str]:
        return {k.field for k in erasure_route(plan, [Holding(facts)], now).kept}

    plan = load_plan(HELP_DESK).plan
    stored = frozenset({"amount", "allocation", "transaction_id"})
    facts = RetentionFacts(dataset="donation", created=NOW, stored=stored)
    assert kept(plan, facts, NOW + timedelta(days=30)) == set(stored)
    assert kept(plan, facts, NOW + timedelta(days=4 * 365)) == set()
    city = RetentionFacts(dataset="service_request", created=NOW, stored=frozenset({"phone"}))
    assert kept(PLAN, city, NOW) == set()
