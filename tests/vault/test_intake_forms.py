"""Reading a posted intake form and building its view-model: pure, no database."""

from __future__ import annotations

import pytest

from steward.policy import load_plan_text
from steward.policy.model import Plan
from steward.vault.views.intake_forms import (
    Posted,
    Refusal,
    build_form,
    read_post,
    shown_names,
)
from tests.vault.conftest import CITY, HELP_DESK

GOOD = {
    "full_name": ["Ana Lima"],
    "street_address": ["12 Elm Street"],
    "district": ["North"],
    "request_type": ["pothole"],
    "details": ["Deep pothole"],
}


def _plan(text: str) -> Plan:
    return load_plan_text(text).plan


CITY_PLAN = _plan(CITY.read_text())
GUARDIAN_PLAN = _plan(CITY.read_text().replace("policy: refuse", "policy: guardian_consent"))
HELP_DESK_PLAN = _plan(HELP_DESK.read_text())
REQUEST = CITY_PLAN.dataset("service_request")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"colour": ["blue"]}, Refusal(undeclared=("colour",))),
        ({"immigration_status": ["citizen"]}, Refusal(never=("immigration_status",))),
        ({"immigration_status": [""]}, Refusal(never=("immigration_status",))),
        ({"full_name": ["Ana", "Bea"]}, Refusal(repeated=("full_name",))),
        ({"guardian-consent": ["yes"]}, Refusal(undeclared=("guardian-consent",))),
        ({"b": ["1"], "a": ["1"]}, Refusal(undeclared=("a", "b"))),
    ],
)
def test_posts_the_form_could_not_have_sent_are_refused(
    extra: dict[str, list[str]], expected: Refusal
) -> None:
    assert read_post(CITY_PLAN, REQUEST, {**GOOD, **extra}) == expected


def test_a_post_becomes_a_submission_of_declared_answers_and_our_controls() -> None:
    posted = read_post(
        CITY_PLAN,
        REQUEST,
        {**GOOD, "opt-in": ["service_updates"], "under-age": ["yes"], "csrfmiddlewaretoken": ["t"]},
    )
    assert isinstance(posted, Posted)
    assert dict(posted.submission.answers) == {k: v[0] for k, v in GOOD.items()}
    assert posted.submission.consents == frozenset({"service_updates"})
    assert posted.submission.under_age
    assert not posted.submission.guardian_consent


def test_the_guardian_box_is_read_only_under_a_guardian_plan() -> None:
    posted = read_post(
        GUARDIAN_PLAN,
        GUARDIAN_PLAN.dataset("service_request"),
        {**GOOD, "under-age": ["yes"], "guardian-consent": ["yes"]},
    )
    assert isinstance(posted, Posted)
    assert posted.submission.guardian_consent


def test_a_plan_without_a_minors_rule_asks_no_age() -> None:
    text = CITY.read_text().replace("minors:\n  policy: refuse\n  age_threshold: 16\n", "")
    plan = _plan(text)
    assert plan.minors is None
    dataset = plan.dataset("service_request")
    assert build_form(plan, dataset).age is None
    assert read_post(plan, dataset, {**GOOD, "under-age": ["yes"]}) == Refusal(
        undeclared=("under-age",)
    )


def test_the_form_splits_questions_and_keeps_never_fields_as_notes() -> None:
    form = build_form(CITY_PLAN, REQUEST)
    assert [q.name for q in form.required] == [
        "full_name",
        "street_address",
        "district",
        "request_type",
        "details",
    ]
    assert [q.name for q in form.voluntary] == ["email", "phone", "age_band"]
    assert [n.label for n in form.never] == ["Immigration or citizenship status"]
    assert [(o.purpose, o.checked) for o in form.opt_ins] == [("service_updates", False)]
    assert form.age is not None
    assert (form.age.threshold, form.age.guardian) == (16, False)
    assert form.errors == ()


@pytest.mark.parametrize(
    ("name", "widget", "input_type"),
    [
        ("full_name", "input", "text"),
        ("email", "input", "email"),
        ("phone", "input", "tel"),
        ("district", "select", "text"),
        ("details", "textarea", "text"),
    ],
)
def test_widgets_follow_the_input_kind(name: str, widget: str, input_type: str) -> None:
    form = build_form(CITY_PLAN, REQUEST)
    question = next(q for q in (*form.required, *form.voluntary) if q.name == name)
    assert (question.widget, question.input_type) == (widget, input_type)


def test_problems_land_next_to_their_fields_and_in_the_summary() -> None:
    posted = read_post(CITY_PLAN, REQUEST, {**GOOD, "opt-in": ["service_updates"]})
    assert isinstance(posted, Posted)
    problems = {"full_name": "this answer is required", "": "something else", "consent:x": "no"}
    form = build_form(CITY_PLAN, REQUEST, posted, problems)
    name = next(q for q in form.required if q.name == "full_name")
    assert name.error == "this answer is required"
    assert name.described_by == "field-full_name-purpose field-full_name-error"
    assert form.opt_ins[0].checked
    assert [(e.target, e.message) for e in form.errors] == [
        ("field-full_name", "this answer is required"),
        ("form-errors", "something else"),
        ("form-errors", "no"),
    ]


def test_sealed_forms_are_marked() -> None:
    form = build_form(HELP_DESK_PLAN, HELP_DESK_PLAN.dataset("assistance_request"))
    assert form.sealed
    assert form.age is not None
    assert form.age.threshold == 18
    assert [o.purpose for o in form.opt_ins] == ["assistance"]


def test_shown_names_are_bounded() -> None:
    names = shown_names([f"n{i:02d}" + "x" * 100 for i in range(25)])
    assert len(names) == 21
    assert names[-1] == "and 5 more"
    assert all(len(n) <= 65 for n in names[:-1])
