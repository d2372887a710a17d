"""The community-alert rule as tables: what a draft holds, and every step from every
state by every kind of person, under plans that ask or do not ask for partner approval."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import load_plan, load_plan_text
from steward.policy.model import Plan
from steward.vault.rules.community_alert import (
    MAX_TITLE_CHARS,
    AlertState,
    AlertStep,
    IncidentSummary,
    alert_text_problem,
    decide_alert_step,
    draft_alert,
)
from steward.vault.rules.staff_standing import StaffStanding

EXAMPLES = Path(__file__).parents[2] / "examples"
HELP_DESK = EXAMPLES / "security-help-desk.yaml"
PLAN = load_plan(HELP_DESK).plan
CITY = load_plan(EXAMPLES / "city-constituent-services.yaml").plan


def help_desk(**alerts: Any) -> Plan:
    data = yaml.safe_load(HELP_DESK.read_text(encoding="utf-8"))
    data["operations"]["community_alerts"].update(alerts)
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), source="plan.yaml").plan


NO_APPROVAL = help_desk(partner_approval=False)
NOT_PUBLISHED = help_desk(publish=False)


def lead(**changes: Any) -> StaffStanding:
    return StaffStanding(**{"role": PLAN.role("privacy_lead"), "user_id": 1, **changes})


STAFF = StaffStanding(PLAN.role("help_desk_staff"), 2)
FINANCE = StaffStanding(PLAN.role("finance_officer"), 3)

S, A = AlertStep, AlertState
STEPS = [
    # (name, plan, who, state, step, to, reason contains)
    ("review a draft", PLAN, lead(), A.DRAFT, S.REVIEW, A.REVIEWED, ""),
    ("edit a draft", PLAN, lead(), A.DRAFT, S.EDIT, A.DRAFT, ""),
    ("edit after review: back to draft", PLAN, lead(), A.REVIEWED, S.EDIT, A.DRAFT, ""),
    ("edit after approval: back to draft", PLAN, lead(), A.APPROVED, S.EDIT, A.DRAFT, ""),
    ("edit once published", PLAN, lead(), A.PUBLISHED, S.EDIT, None, "cannot be edited"),
    ("approve after review", PLAN, lead(), A.REVIEWED, S.APPROVE, A.APPROVED, ""),
    ("approve a draft", PLAN, lead(), A.DRAFT, S.APPROVE, None, "cannot be approved"),
    ("publish unapproved", PLAN, lead(), A.REVIEWED, S.PUBLISH, None, "must approve it first"),
    ("publish approved", PLAN, lead(), A.APPROVED, S.PUBLISH, A.PUBLISHED, ""),
    ("publish a draft", PLAN, lead(), A.DRAFT, S.PUBLISH, None, "cannot be published"),
    ("publish reviewed, no approval asked", NO_APPROVAL, lead(), A.REVIEWED, S.PUBLISH,
     A.PUBLISHED, ""),
    ("approve, no approval asked", NO_APPROVAL, lead(), A.REVIEWED, S.APPROVE, None,
     "does not ask partners"),
    ("publish, plan does not publish", NOT_PUBLISHED, lead(), A.APPROVED, S.PUBLISH, None,
     "does not publish alerts"),
    ("withdraw published", PLAN, lead(), A.PUBLISHED, S.WITHDRAW, A.WITHDRAWN, ""),
    ("withdraw a draft", PLAN, lead(), A.DRAFT, S.WITHDRAW, A.WITHDRAWN, ""),
    ("withdraw twice", PLAN, lead(), A.WITHDRAWN, S.WITHDRAW, None, "cannot be withdrawn"),
    ("review twice", PLAN, lead(), A.REVIEWED, S.REVIEW, None, "cannot be reviewed"),
    ("help-desk staff", PLAN, STAFF, A.DRAFT, S.REVIEW, None, "does not handle incidents"),
    ("finance officer", PLAN, FINANCE, A.APPROVED, S.PUBLISH, None, "does not handle"),
    ("a service token", PLAN, lead(user_id=None), A.DRAFT, S.REVIEW, None, "staff account"),
    ("no second factor", PLAN, lead(mfa_verified=False), A.DRAFT, S.REVIEW, None,
     "second factor"),
    ("temporary access ended", PLAN, lead(expired=True), A.DRAFT, S.REVIEW, None, "ended"),
    ("a plan without alerts", CITY, StaffStanding(CITY.role("privacy_officer"), 1), A.DRAFT,
     S.REVIEW, None, "makes no community alerts"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("plan", "who", "state", "step", "to", "reason"),
    [row[1:] for row in STEPS],
    ids=[row[0] for row in STEPS],
)
def test_steps(
    plan: Plan,
    who: StaffStanding,
    state: AlertState,
    step: AlertStep,
    to: AlertState | None,
    reason: str,
) -> None:
    moved, why = decide_alert_step(plan, who, state, step)
    assert moved is to
    assert (why == "") is (to is not None)
    assert reason in why


def test_every_step_from_every_state_is_decided() -> None:
    for state in AlertState:
        for step in AlertStep:
            moved, why = decide_alert_step(PLAN, lead(), state, step)
            assert (moved is None) is bool(why)


DETECTED = datetime(2026, 3, 17, 14, 5, tzinfo=UTC)


def _mark(text: str) -> str:
    return text.replace("Maria Lopez", "[PERSON]").replace("maria@shelter.example", "[EMAIL]")


def test_a_draft_holds_the_kind_the_month_and_the_redacted_text_only() -> None:
    incident = IncidentSummary(
        kind="key_exposure",
        title="Maria Lopez's   shelter account",
        description="Maria Lopez (maria@shelter.example) got a fake login page.\n",
        detected_at=DETECTED,
    )
    draft = draft_alert(incident, _mark)
    assert draft.title == "[PERSON]'s shelter account"
    assert draft.body == (
        "An exposed key or password was reported to us in March 2026.\n\n"
        "[PERSON] ([EMAIL]) got a fake login page."
    )
    assert "17" not in draft.body
    assert "14:05" not in draft.body


@pytest.mark.parametrize(
    ("kind", "title", "description", "expected_title", "expected_body"),
    [
        ("unknown_kind", "", "", "A security incident",
         "A security incident was reported to us in March 2026."),
        ("malware", "  ", "   ", "Malicious software",
         "Malicious software was reported to us in March 2026."),
        ("breach", "x" * 500, "", "x" * MAX_TITLE_CHARS,
         "A data breach was reported to us in March 2026."),
    ],
    ids=["unknown kind, no text", "blank text", "long title"],
)  # fmt: skip
def test_drafts_of_odd_incidents(
    kind: str, title: str, description: str, expected_title: str, expected_body: str
) -> None:
    draft = draft_alert(IncidentSummary(kind, title, description, DETECTED), lambda t: t)
    assert (draft.title, draft.body) == (expected_title, expected_body)


@pytest.mark.parametrize(
    ("title", "body", "problem"),
    [
        ("Phishing", "A fake page", None),
        ("", "A fake page", "needs a title"),
        ("Phishing", " ", "needs a text"),
        ("x" * (MAX_TITLE_CHARS + 1), "text", "longer than"),
        ("Phishing", "x" * 20_001, "longer than"),
    ],
)
def test_alert_text_problems(title: str, body: str, problem: str | None) -> None:
    found = alert_text_problem(title, body)
    assert (found is None) is (problem is None)
    if problem:
        assert found is not None
        assert problem in found
