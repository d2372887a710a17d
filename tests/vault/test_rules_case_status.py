"""Who may close and reopen a case, and until when: the rule as a table of cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from steward.policy import load_plan
from steward.policy.duration import Duration
from steward.policy.model import Cases
from steward.vault.rules.case_status import (
    CaseChange,
    CaseState,
    Refusal,
    Worker,
    decide_status_change,
    may_change_cases,
    reopen_deadline,
)

EXAMPLES = Path(__file__).parents[2] / "examples"
PLAN = load_plan(EXAMPLES / "city-constituent-services.yaml").plan
HELP_DESK = load_plan(EXAMPLES / "security-help-desk.yaml").plan
ROLE = {role.id: role for role in PLAN.roles}
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
REASON = "resident confirmed the lamp was repaired"
OPEN = CaseState("service_request", None)
CLOSED = CaseState("service_request", NOW - timedelta(days=3))

CLOSE, REOPEN = CaseChange.CLOSE, CaseChange.REOPEN
WORKER, SUPERVISOR = Worker(ROLE["caseworker"]), Worker(ROLE["supervisor"])

# role x action on the city plan: the roles that may change the dataset close and reopen
ROLE_TABLE = {
    # role: refusal for close, refusal for reopen (a closed case, 3 days ago)
    "caseworker": (Refusal.NONE, Refusal.NONE),
    "supervisor": (Refusal.NONE, Refusal.NONE),
    "privacy_officer": (Refusal.ROLE, Refusal.ROLE),  # no write grant
    "analyst": (Refusal.ROLE, Refusal.ROLE),
    "resident": (Refusal.ROLE, Refusal.ROLE),  # not staff
    "council_viewer": (Refusal.ROLE, Refusal.ROLE),  # counts only
    "oversight_board": (Refusal.ROLE, Refusal.ROLE),  # reads registers and reports
}


def test_the_role_table_covers_every_role_of_the_plan() -> None:
    assert set(ROLE_TABLE) == set(ROLE)


@pytest.mark.parametrize("change", [CLOSE, REOPEN])
@pytest.mark.parametrize("role", list(ROLE_TABLE))
def test_role_x_action(role: str, change: CaseChange) -> None:
    case = OPEN if change is CLOSE else CLOSED
    decision = decide_status_change(PLAN, Worker(ROLE[role]), case, change, REASON, NOW)
    expected = ROLE_TABLE[role][0 if change is CLOSE else 1]
    assert decision.refusal is expected, decision.message
    assert decision.allowed is (expected is Refusal.NONE)
    assert REASON not in decision.message


CASES = [
    # (name, worker, case, change, reason, refusal, words in the message)
    ("close an open case", Worker(ROLE["caseworker"]), OPEN, CLOSE, REASON, Refusal.NONE, ""),
    ("close it twice", Worker(ROLE["caseworker"]), CLOSED, CLOSE, REASON, Refusal.STATE, "already"),
    (
        "reopen an open case",
        Worker(ROLE["supervisor"]),
        OPEN,
        REOPEN,
        REASON,
        Refusal.STATE,
        "open",
    ),
    ("no reason", Worker(ROLE["caseworker"]), OPEN, CLOSE, "", Refusal.REASON, "reason"),
    ("a reason of spaces", Worker(ROLE["caseworker"]), OPEN, CLOSE, "   ", Refusal.REASON, "why"),
    ("a reason too short", Worker(ROLE["caseworker"]), OPEN, CLOSE, "done", Refusal.REASON, "why"),
    (
        "a reason with a control character",
        Worker(ROLE["caseworker"]),
        OPEN,
        CLOSE,
        "fixed\x1b[2J and done",
        Refusal.REASON,
        "control",
    ),
    (
        "a reason too long",
        Worker(ROLE["caseworker"]),
        OPEN,
        CLOSE,
        "repaired " * 60,
        Refusal.REASON,
        "too long",
    ),
    (
        "expired account",
        Worker(ROLE["caseworker"], expired=True),
        OPEN,
        CLOSE,
        REASON,
        Refusal.ROLE,
        "ended",
    ),
    (
        "no second factor",
        Worker(ROLE["supervisor"], mfa_verified=False),
        OPEN,
        CLOSE,
        REASON,
        Refusal.ROLE,
        "second factor",
    ),
    (
        "a dataset gone from the plan",
        Worker(ROLE["supervisor"]),
        CaseState("old_dataset", None),
        CLOSE,
        REASON,
        Refusal.ROLE,
        "no longer",
    ),
    (
        "details deleted",
        Worker(ROLE["supervisor"]),
        CaseState("service_request", NOW - timedelta(days=1), purged=True),
        REOPEN,
        REASON,
        Refusal.PURGED,
        "deleted",
    ),
    (
        "a purged case is refused before the window",
        Worker(ROLE["supervisor"]),
        CaseState("service_request", NOW - timedelta(days=400), purged=True),
        REOPEN,
        REASON,
        Refusal.PURGED,
        "new case",
    ),
    (
        "the reason is checked before the state",
        Worker(ROLE["caseworker"]),
        CLOSED,
        CLOSE,
        "",
        Refusal.REASON,
        "reason",
    ),
]


@pytest.mark.parametrize(
    ("worker", "case", "change", "reason", "refusal", "words"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_status_changes(
    worker: Worker,
    case: CaseState,
    change: CaseChange,
    reason: str,
    refusal: Refusal,
    words: str,
) -> None:
    decision = decide_status_change(PLAN, worker, case, change, reason, NOW)
    assert decision.refusal is refusal, decision.message
    assert words in decision.message
    if reason.strip():
        assert reason.strip() not in decision.message


WINDOW = timedelta(days=30)  # the city plan: cases.reopen_within: 30d


@pytest.mark.parametrize(
    ("since_closing", "allowed"),
    [
        (timedelta(0), True),
        (timedelta(days=1), True),
        (WINDOW - timedelta(seconds=1), True),
        (WINDOW, True),  # the last moment is included
        (WINDOW + timedelta(seconds=1), False),
        (timedelta(days=365), False),
    ],
)
def test_the_reopening_window_edges(since_closing: timedelta, allowed: bool) -> None:
    closed = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    case = CaseState("service_request", closed)
    decision = decide_status_change(
        PLAN, Worker(ROLE["supervisor"]), case, REOPEN, REASON, closed + since_closing
    )
    assert decision.allowed is allowed
    if not allowed:
        assert decision.refusal is Refusal.WINDOW
        assert "30 days" in decision.message
        assert "2026-10-31 09:30 UTC" in decision.message


def test_without_a_window_a_case_reopens_at_any_time_while_kept() -> None:
    assert HELP_DESK.cases.reopen_within is None
    worker = Worker(next(r for r in HELP_DESK.roles if r.id == "help_desk_staff"))
    long_ago = CaseState("assistance_request", NOW - timedelta(days=3650))
    assert decide_status_change(HELP_DESK, worker, long_ago, REOPEN, REASON, NOW).allowed
    gone = CaseState("assistance_request", NOW - timedelta(days=3650), purged=True)
    decision = decide_status_change(HELP_DESK, worker, gone, REOPEN, REASON, NOW)
    assert decision.refusal is Refusal.PURGED
    assert reopen_deadline(HELP_DESK, NOW) is None


def test_a_zero_window_means_never() -> None:
    plan = PLAN.model_copy(update={"cases": Cases(reopen_within=Duration(0, "d"))})
    closed = NOW - timedelta(seconds=1)
    decision = decide_status_change(
        plan, Worker(ROLE["supervisor"]), CaseState("service_request", closed), REOPEN, REASON, NOW
    )
    assert decision.refusal is Refusal.WINDOW
    assert reopen_deadline(plan, closed) == closed


def test_a_temporary_role_past_its_date_changes_nothing() -> None:
    role = ROLE["caseworker"].model_copy(
        update={"temporary": True, "expires": NOW.date() - timedelta(days=1)}
    )
    decision = may_change_cases(PLAN, Worker(role), "service_request", NOW)
    assert decision.refusal is Refusal.ROLE
    assert "expired" in decision.message
    assert may_change_cases(PLAN, Worker(ROLE["caseworker"]), "service_request", NOW)


def test_help_desk_roles() -> None:
    roles = {r.id: r for r in HELP_DESK.roles}
    for role_id, dataset, allowed in [
        ("help_desk_staff", "assistance_request", True),
        ("privacy_lead", "assistance_request", False),
        ("finance_officer", "assistance_request", False),
    ]:
        decision = may_change_cases(HELP_DESK, Worker(roles[role_id]), dataset, NOW)
        assert decision.allowed is allowed, (role_id, decision.message)
