"""A recipient's public key in the plan: checked when the plan loads, located on error."""

from __future__ import annotations

import base64

import pytest

from steward.policy import PlanLoadError, load_plan_text
from tests.policy.test_loader import BASE

GOOD_KEY = base64.b64encode(bytes(range(32))).decode()
RECIPIENTS = """\
recipients:
  - id: lab
    name: Lab
    kind: analyst
  - id: court
    name: County court
    kind: authority
    public_key: {key}
"""


def _plan(key: str) -> str:
    return BASE + RECIPIENTS.format(key=key)


def test_a_recipient_may_have_a_public_key() -> None:
    plan = load_plan_text(_plan(GOOD_KEY), source="plan.yaml").plan
    assert [r.public_key for r in plan.recipients] == [None, GOOD_KEY]


@pytest.mark.parametrize(
    "key",
    [
        "not-base64!",
        base64.b64encode(bytes(31)).decode(),
        base64.b64encode(bytes(33)).decode(),
        "'" + GOOD_KEY[:-4] + "'",
        "''",
        "42",
    ],
)
def test_a_bad_public_key_is_a_plan_error_at_its_line(key: str) -> None:
    with pytest.raises(PlanLoadError) as caught:
        load_plan_text(_plan(key), source="plan.yaml")
    [problem] = caught.value.problems
    assert problem.path == "recipients[1].public_key"
    assert problem.line == BASE.count("\n") + 8
    assert "public key" in problem.message or "at least 1 character" in problem.message
