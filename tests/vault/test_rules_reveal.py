"""The reveal rules as a table: role x purpose x field x consent state x reason.

Every row is decided by :func:`steward.vault.rules.reveal.decide_reveal` alone, on
the city example plan (no database).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.policy import load_plan
from steward.policy.model import Plan
from steward.vault.rules.reveal import (
    MAX_REASON_CHARS,
    REASON_PROBLEMS,
    ConsentState,
    Refusal,
    decide_reveal,
    reason_problem,
    reveal_purposes,
)
from tests.vault.conftest import CITY

PLAN: Plan = load_plan(CITY).plan
TODAY = date(2026, 11, 22)
GOOD = "calling back about the pothole"
A, N, W = ConsentState.AGREED, ConsentState.NOT_AGREED, ConsentState.WITHDRAWN


@dataclass(frozen=True)
class Row:
    role: str
    field: str
    purpose: str
    consent: ConsentState | None  # the person's answer for service_updates (None: no answer)
    reason: str
    expected: Refusal

    @property
    def id(self) -> str:
        consent = self.consent.value if self.consent else "no-answer"
        return f"{self.role}-{self.field}-{self.purpose}-{consent}-{self.expected.value}"


ROWS = [
    # the defect: a supervisor does not hold service_updates, and the resident never opted in
    Row("supervisor", "email", "service_updates", None, GOOD, Refusal.PURPOSE_NOT_HELD),
    Row("supervisor", "email", "service_updates", A, GOOD, Refusal.PURPOSE_NOT_HELD),
    Row("supervisor", "email", "follow_up", None, GOOD, Refusal.NONE),
    # the privacy officer holds service_updates, so consent decides
    Row("privacy_officer", "email", "service_updates", A, GOOD, Refusal.NONE),
    Row("privacy_officer", "email", "service_updates", N, GOOD, Refusal.NO_CONSENT),
    Row("privacy_officer", "email", "service_updates", None, GOOD, Refusal.NO_CONSENT),
    Row("privacy_officer", "email", "service_updates", W, GOOD, Refusal.CONSENT_WITHDRAWN),
    Row("privacy_officer", "email", "follow_up", W, GOOD, Refusal.NONE),  # public task
    # a purpose the role holds but the field does not serve
    Row("privacy_officer", "email", "planning_statistics", A, GOOD, Refusal.PURPOSE_NOT_SERVED),
    Row("caseworker", "full_name", "follow_up", None, GOOD, Refusal.NONE),
    Row("caseworker", "full_name", "service_delivery", None, GOOD, Refusal.NONE),
    Row("caseworker", "full_name", "planning_statistics", None, GOOD, Refusal.PURPOSE_NOT_HELD),
    Row("caseworker", "full_name", "no_such_purpose", None, GOOD, Refusal.PURPOSE_NOT_HELD),
    # no reveal grant (free text), nothing to reveal (never recorded), expired role
    Row("caseworker", "details", "service_delivery", None, GOOD, Refusal.GRANT),
    Row("privacy_officer", "immigration_status", "service_delivery", A, GOOD, Refusal.GRANT),
    Row("analyst", "age_band", "planning_statistics", None, GOOD, Refusal.GRANT),
    Row("resident", "email", "service_updates", A, GOOD, Refusal.NONE),
    Row("resident", "email", "service_updates", W, GOOD, Refusal.CONSENT_WITHDRAWN),
    # reasons that say nothing
    Row("caseworker", "phone", "follow_up", None, "........", Refusal.REASON),
    Row("caseworker", "phone", "follow_up", None, "        ", Refusal.REASON),
    Row("caseworker", "phone", "follow_up", None, "", Refusal.REASON),
    Row("caseworker", "phone", "follow_up", None, "aaaaaaaaaa", Refusal.REASON),
    Row("caseworker", "phone", "follow_up", None, "ab ab ab ab", Refusal.REASON),
    Row("caseworker", "phone", "follow_up", None, "12345678", Refusal.REASON),
    Row("caseworker", "phone", "follow_up", None, "call\x00back today", Refusal.REASON),
    Row("caseworker", "phone", "follow_up", None, "call back\x1b[2J today", Refusal.REASON),
    Row("caseworker", "phone", "follow_up", None, "call back \u202eyadot", Refusal.REASON),
    Row("caseworker", "phone", "follow_up", None, "call back \ud800", Refusal.REASON),
    Row("caseworker", "phone", "follow_up", None, "x" * 600, Refusal.REASON),
    # reasons that do, in any script, over several lines
    Row("caseworker", "phone", "follow_up", None, "Llamar al vecino", Refusal.NONE),
    Row("caseworker", "phone", "follow_up", None, "回电确认维修日期安排", Refusal.NONE),
    Row("caseworker", "phone", "follow_up", None, "call back\n\tabout it", Refusal.NONE),
    # the reason is judged last: a wrong purpose is named even with an empty reason
    Row("supervisor", "email", "service_updates", None, "", Refusal.PURPOSE_NOT_HELD),
]


def _consents(row: Row) -> dict[str, ConsentState]:
    return {} if row.consent is None else {"service_updates": row.consent}


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_reveal_decision_table(row: Row) -> None:
    spec = PLAN.dataset("service_request").field(row.field)
    verdict = decide_reveal(
        PLAN, PLAN.role(row.role), spec, row.purpose, row.reason, _consents(row), today=TODAY
    )
    assert verdict.refusal is row.expected, verdict.message
    assert verdict.allowed is (row.expected is Refusal.NONE)
    assert verdict.message
    if verdict.allowed:
        assert verdict.reason == " ".join(row.reason.split())
    else:
        assert verdict.reason == ""
    if verdict.refusal is Refusal.REASON:
        assert verdict.message in REASON_PROBLEMS


def test_the_table_covers_every_refusal() -> None:
    assert {r.expected for r in ROWS} == set(Refusal)


def test_an_expired_role_reveals_nothing() -> None:
    spec = PLAN.dataset("service_request").field("district")
    analyst = PLAN.role("analyst")
    ok = decide_reveal(PLAN, analyst, spec, "planning_statistics", GOOD, {}, today=TODAY)
    assert ok.allowed
    late = decide_reveal(
        PLAN, analyst, spec, "planning_statistics", GOOD, {}, today=date(2027, 7, 1)
    )
    assert late.refusal is Refusal.GRANT
    assert "expired" in late.message


@pytest.mark.parametrize(
    ("role", "consent", "offered"),
    [
        ("supervisor", A, ["follow_up"]),
        ("privacy_officer", A, ["follow_up", "service_updates"]),
        ("privacy_officer", N, ["follow_up"]),
        ("privacy_officer", W, ["follow_up"]),
        ("caseworker", A, ["follow_up"]),
        ("resident", None, ["follow_up"]),
        ("analyst", A, []),
    ],
)
def test_the_dialog_offers_only_purposes_that_can_succeed(
    role: str, consent: ConsentState | None, offered: list[str]
) -> None:
    spec = PLAN.dataset("service_request").field("email")
    consents = {} if consent is None else {"service_updates": consent}
    choices = reveal_purposes(PLAN, PLAN.role(role), spec, consents, today=TODAY)
    assert [p for p, _ in choices] == spec.purposes
    assert [p for p, why in choices if why is None] == offered
    for purpose, why in choices:
        if why is not None:
            verdict = decide_reveal(
                PLAN, PLAN.role(role), spec, purpose, GOOD, consents, today=TODAY
            )
            assert verdict.message == why


@given(st.text(max_size=MAX_REASON_CHARS + 20))
def test_any_reason_is_judged_without_raising_and_never_echoed(reason: str) -> None:
    problem = reason_problem(reason)
    if problem is not None:
        assert problem in REASON_PROBLEMS  # a fixed sentence: the reason is never echoed
        return
    assert len(" ".join(reason.split())) <= MAX_REASON_CHARS
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in reason)
    assert "\x00" not in reason
