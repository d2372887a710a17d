"""The incident register's rules as tables: who handles and reads, the deadlines from the
plan, the clocks at a given moment, the checklist, the transitions and the input checks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import load_plan_text
from steward.policy.model import Plan
from steward.vault.rules.incident import (
    KIND_LABELS,
    KINDS,
    ClockState,
    IncidentState,
    checklist,
    clock_of,
    deadlines,
    decide_handle,
    decide_read,
    kind_label,
    opening_refusal,
    reads_details,
    split_steps,
    transition_refusal,
)
from steward.vault.rules.staff_standing import StaffStanding

EXAMPLES = Path(__file__).parents[2] / "examples"
CITY = EXAMPLES / "city-constituent-services.yaml"
HELP_DESK = EXAMPLES / "security-help-desk.yaml"
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
H = timedelta(hours=1)
OVERSEER = {
    "id": "board_member",
    "label": "Oversight board member",
    "description": "Reads the registers, changes nothing.",
    "oversees": True,
    "mfa": True,
}


def plan_of(path: Path = CITY, *, incidents: Any = "keep", roles: tuple[Any, ...] = ()) -> Plan:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if incidents != "keep":
        if incidents is None:
            data["operations"].pop("incidents", None)
        else:
            data["operations"]["incidents"] = incidents
    data["roles"].extend(roles)
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan


AUDITING_OVERSEER = {**OVERSEER, "id": "board_auditor", "reads_audit": True}
"""An oversight member who also reads the audit log: still read-only here."""
CITY_PLAN = plan_of(roles=(OVERSEER, AUDITING_OVERSEER))
NO_SECTION = plan_of(incidents=None)
NO_DEADLINES = plan_of(incidents={"keep_register": True, "response_plan": "Contain; assess."})
NO_REGISTER = plan_of(incidents={"keep_register": False})


def matches(refusal: str | None, why: str | None) -> None:
    """``refusal`` is ``None`` when ``why`` is, else it contains ``why``."""
    if why is None:
        assert refusal is None
        return
    assert refusal is not None
    assert why in refusal


def who(role: str, plan: Plan = CITY_PLAN, **kwargs: Any) -> StaffStanding:
    return StaffStanding(plan.role(role), kwargs.pop("user_id", 7), **kwargs)


@pytest.mark.parametrize(
    ("role", "kwargs", "handles", "reads", "details", "why"),
    [
        ("privacy_officer", {}, True, True, True, "roles that read the audit log"),
        ("caseworker", {}, False, False, False, "may not|not let the role 'caseworker'"),
        ("supervisor", {}, False, False, False, "not let the role 'supervisor'"),
        ("analyst", {}, False, False, False, "not let the role 'analyst'"),
        ("council_viewer", {}, False, False, False, "not let the role 'council_viewer'"),
        ("board_member", {}, False, True, False, "not let the role 'board_member' handle"),
        ("board_auditor", {}, False, True, False, "read the audit log and do not oversee"),
        ("privacy_officer", {"user_id": None}, False, False, True, "staff account"),
        ("privacy_officer", {"expired": True}, False, False, True, "temporary access"),
        ("privacy_officer", {"mfa_verified": False}, False, False, True, "second factor"),
        ("board_member", {"mfa_verified": False}, False, False, False, "second factor"),
    ],
)
def test_who_handles_and_reads(
    role: str, kwargs: dict[str, Any], handles: bool, reads: bool, details: bool, why: str
) -> None:
    standing = who(role, **kwargs)
    handled = decide_handle(CITY_PLAN, standing)
    assert handled.allowed is handles
    assert decide_read(CITY_PLAN, standing).allowed is reads
    assert reads_details(standing.role) is details
    assert re.search(why, handled.reason), handled.reason


def test_a_plan_without_a_register_refuses_everyone() -> None:
    standing = who("privacy_officer", NO_REGISTER)
    assert "keeps no incident register" in decide_handle(NO_REGISTER, standing).reason
    assert not decide_read(NO_REGISTER, standing)


@pytest.mark.parametrize(
    ("plan", "authority", "people"),
    [
        (CITY_PLAN, timedelta(hours=72), timedelta(days=30)),
        (plan_of(HELP_DESK), timedelta(hours=72), timedelta(days=7)),
        (NO_DEADLINES, None, None),
        (NO_SECTION, None, None),
    ],
)
def test_deadlines_from_detection(
    plan: Plan, authority: timedelta | None, people: timedelta | None
) -> None:
    detected = NOW - 5 * H
    due = deadlines(plan, detected)
    assert due.authority == (detected + authority if authority else None)
    assert due.people == (detected + people if people else None)


DUE = NOW + 72 * H


@pytest.mark.parametrize(
    ("due", "done", "now", "state", "words"),
    [
        (None, None, NOW, ClockState.NONE, "no deadline in the plan"),
        (DUE, None, NOW, ClockState.RUNNING, "3 days left"),
        (DUE, None, DUE - 25 * H, ClockState.RUNNING, "1 day 1 hour left"),
        (DUE, None, DUE - 24 * H, ClockState.DUE_SOON, "1 day left"),
        (DUE, None, DUE - 2 * H, ClockState.DUE_SOON, "2 hours left"),
        (DUE, None, DUE, ClockState.DUE_SOON, "less than an hour left"),
        (DUE, None, DUE + 5 * H, ClockState.OVERDUE, "overdue by 5 hours"),
        (DUE, DUE - H, DUE + 9 * H, ClockState.KEPT, "kept"),
        (DUE, DUE, DUE + 9 * H, ClockState.KEPT, "kept"),
        (DUE, DUE + H, DUE + H, ClockState.MISSED, "missed"),
        (None, DUE, DUE, ClockState.NONE, "no deadline in the plan"),
    ],
)
def test_clock_states(
    due: datetime | None, done: datetime | None, now: datetime, state: ClockState, words: str
) -> None:
    clock = clock_of(due, done, now)
    assert clock.state is state
    assert clock.describe() == words
    assert clock.flagged is (state in {ClockState.DUE_SOON, ClockState.OVERDUE, ClockState.MISSED})


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        (None, []),
        ("", []),
        ("Contain.", ["Contain"]),
        ("contain, assess, notify.", ["Contain", "Assess", "Notify"]),
        (
            "Contain. Assess the damage; tell the board.",
            ["Contain", "Assess the damage", "Tell the board"],
        ),
        ("Contain - then assess", ["Contain", "Then assess"]),
        ("Count 1,000 records, then stop", ["Count 1,000 records", "Then stop"]),
        ("Contain, contain, CONTAIN", ["Contain"]),
        ("Re-key the vault.", ["Re-key the vault"]),
        (" ;, . ", []),
    ],
)
def test_response_plan_split(text: str | None, steps: list[str]) -> None:
    assert split_steps(text) == steps


def test_checklist_adds_the_notices_with_their_deadlines() -> None:
    steps = checklist(CITY_PLAN)
    assert steps[0] == "Contain"
    assert steps[-2:] == [
        "Notify the authority (within 72 hours of detection)",
        "Notify the people affected (within 30 days of detection)",
    ]
    assert checklist(NO_DEADLINES) == ["Contain", "Assess"]
    assert checklist(NO_SECTION) == []
    assert len(split_steps(", ".join(f"step {n}" for n in range(50)))) == 30


@pytest.mark.parametrize(
    ("kind", "title", "detected", "counts", "why"),
    [
        ("breach", "Laptop stolen", NOW - H, (3, 2), None),
        ("other", "abc", NOW, (), None),
        ("leak", "Laptop stolen", NOW, (), "the kind is one of"),
        ("breach", "  x ", NOW, (), "short title"),
        ("breach", "x" * 201, NOW, (), "longer than 200"),
        ("breach", "Laptop stolen", None, (), "when the incident was detected"),
        ("breach", "Laptop stolen", datetime(2026, 12, 1), (), "time zone"),
        ("breach", "Laptop stolen", NOW + H, (), "in the future"),
        ("breach", "Laptop stolen", NOW - timedelta(days=2000), (), "five years"),
        ("breach", "Laptop stolen", NOW, (1, -1), "cannot be negative"),
        ("breach", "Laptop stolen", NOW, (10**9,), "larger than"),
    ],
)
def test_opening_checks(
    kind: str, title: str, detected: datetime | None, counts: tuple[int, ...], why: str | None
) -> None:
    refusal = opening_refusal(kind, title, detected, NOW, counts)
    matches(refusal, why)


OP, C, X = IncidentState.OPEN, IncidentState.CONTAINED, IncidentState.CLOSED


@pytest.mark.parametrize(
    ("state", "target", "steps_open", "reason", "why"),
    [
        (OP, C, 3, "", None),
        (OP, X, 0, "", None),
        (C, X, 0, "", None),
        (C, X, 2, "", "2 step(s) of the checklist are not ticked"),
        (C, X, 2, "too short", "not ticked"),
        (C, X, 2, "the board decided the notices were not owed", None),
        (C, OP, 0, "", "cannot become open"),
        (C, C, 0, "", "cannot become contained"),
        (X, OP, 0, "", "closed: nothing more changes"),
        (X, X, 0, "", "closed"),
    ],
)
def test_transitions(
    state: IncidentState, target: IncidentState, steps_open: int, reason: str, why: str | None
) -> None:
    refusal = transition_refusal(state, target, steps_open, reason)
    matches(refusal, why)


def test_every_kind_has_a_plain_label() -> None:
    """The staff pages name each kind in plain words, never by its stored key."""
    assert set(KIND_LABELS) == set(KINDS)
    for kind, label in KIND_LABELS.items():
        assert "_" not in label, kind
        assert label[0].isupper(), kind
    assert len(set(KIND_LABELS.values())) == len(KINDS)
    assert kind_label("key_exposure") == "Key or password exposed"
    assert kind_label("retired_kind") == "retired_kind"  # a stored kind this version lacks
