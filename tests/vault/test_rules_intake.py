"""Intake rules, as a table: what a submission may contain under the city plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.policy import Plan, load_plan, load_plan_text
from steward.policy.consent import needed_consents
from steward.vault.rules.intake import Submission, asks_age, check_submission, consent_purposes

CITY = Path(__file__).resolve().parents[2] / "examples" / "city-constituent-services.yaml"
PLAN = load_plan(CITY).plan
OK = {
    "full_name": "Ana Lima",
    "street_address": "12 Elm Street",
    "district": "North",
    "request_type": "pothole",
    "details": "Pothole",
}


def _check(plan: Plan = PLAN, dataset: str = "service_request", **kwargs: object):
    answers = {**OK, **kwargs.pop("answers", {})}  # type: ignore[dict-item]
    for name in kwargs.pop("drop", ()):  # type: ignore[attr-defined]
        answers.pop(name)
    return check_submission(plan, Submission(dataset, answers, **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"answers": {"x": "1"}}, "", "undeclared fields: x"),
        ({"answers": {"immigration_status": "no"}}, "immigration_status", "never recorded"),
        ({"drop": ["full_name"]}, "full_name", "required"),
        ({"answers": {"full_name": "   "}}, "full_name", "required"),
        ({"answers": {"request_type": "other thing"}}, "request_type", "choose one"),
        ({"answers": {"email": "ana"}}, "email", "not an email"),
        ({"answers": {"phone": "abc"}}, "phone", "not a phone number"),
        ({"answers": {"details": "x" * 10_001}}, "details", "at most"),
        (
            {"consents": frozenset({"follow_up"})},
            "consent:follow_up",
            "not a purpose you can agree",
        ),
        ({"dataset": "nope"}, "", "no dataset"),
        ({"consents": frozenset({"<b>Made up</b>"})}, "consent", "1 ticked purpose(s)"),
    ],
)
def test_refusals(change: dict[str, Any], field: str, fragment: str) -> None:
    verdict = _check(**change)
    assert not verdict.accepted
    assert fragment in verdict.problems[field]


def test_a_complete_submission_is_accepted() -> None:
    assert _check().accepted
    assert _check(answers={"email": "ana@example.org", "phone": "+1 555 010 0100"}).accepted
    assert _check(answers={"age_band": "30-44"}).accepted


def test_voluntary_answers_need_the_consent_of_their_only_purpose() -> None:
    data = yaml.safe_load(CITY.read_text())
    for spec in data["datasets"][0]["fields"]:
        if spec["name"] == "email":
            spec["purposes"] = ["service_updates"]
    data["disclosure"].pop("notify_by_email", None)  # it names the purpose removed here
    plan = load_plan_text(yaml.safe_dump(data)).plan
    refused = _check(plan, answers={"email": "ana@example.org"})
    # The person must change the box (tick it) or clear the answer: the problem is on
    # the box, naming the answer; the answer itself is well formed.
    assert "email" not in refused.problems
    assert refused.problems["consent:service_updates"] == (
        "you answered 'Email address', which we use only if you agree to this: "
        "tick this box, or clear that answer"
    )
    assert _check(
        plan, answers={"email": "a@example.org"}, consents=frozenset({"service_updates"})
    ).accepted
    assert _check(plan).accepted  # the box left empty, the answer left out: fine


def test_a_required_answer_kept_only_with_consent_makes_its_box_needed() -> None:
    data = yaml.safe_load(CITY.read_text())
    for spec in data["datasets"][0]["fields"]:
        if spec["name"] == "email":
            spec["purposes"] = ["service_updates"]
            spec["required"] = True
    data["disclosure"].pop("notify_by_email", None)  # it names the purpose removed here
    plan = load_plan_text(yaml.safe_dump(data)).plan
    dataset = plan.dataset("service_request")
    assert needed_consents(plan, dataset) == ["service_updates"]
    assert needed_consents(PLAN, PLAN.dataset("service_request")) == []
    refused = _check(plan, answers={"email": "ana@example.org"})
    assert set(refused.problems) == {"consent:service_updates"}
    assert refused.problems["consent:service_updates"].startswith(
        "tick this box to send the form: we can use your answers to 'Email address' only "
        "if you agree to 'City service updates by email'"
    )
    missing = _check(plan)
    assert set(missing.problems) == {"email", "consent:service_updates"}


def test_minors() -> None:
    assert asks_age(PLAN, PLAN.dataset("service_request"))
    assert _check(under_age=True).refused_minor
    data = yaml.safe_load(CITY.read_text())
    data["minors"]["policy"] = "guardian_consent"
    gated = load_plan_text(yaml.safe_dump(data)).plan
    assert "guardian_consent" in _check(gated, under_age=True).problems
    assert _check(gated, under_age=True, guardian_consent=True).accepted


def test_consent_purposes_follow_plan_order() -> None:
    assert consent_purposes(PLAN, PLAN.dataset("service_request")) == ["service_updates"]
