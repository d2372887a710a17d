"""Synthetic submissions: realistic, reproducible, and always acceptable under the plan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.policy import load_plan
from steward.policy.model import DatasetKind, InputKind, Plan
from steward.synthetic import fake_consents, fake_submission, fake_value, new_faker, new_persona
from steward.vault.rules.intake import Submission, check_submission

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PLANS = {path.stem: load_plan(path).plan for path in sorted(EXAMPLES.glob("*.yaml"))}


def _as_intake(plan: Plan) -> Plan:
    """The plan with every dataset treated as an intake form (tables are kept by staff,
    but their answers must pass the same field rules)."""
    datasets = [d.model_copy(update={"kind": DatasetKind.INTAKE_FORM}) for d in plan.datasets]
    return plan.model_copy(update={"datasets": datasets})


CHECKED = {name: _as_intake(plan) for name, plan in PLANS.items()}
CASES = [(name, d.id) for name, plan in PLANS.items() for d in plan.datasets]
FAKER = new_faker()


def test_the_three_example_plans_give_datasets_to_fill() -> None:
    assert len(PLANS) == 3
    assert len(CASES) >= 5


@settings(max_examples=150)
@given(case=st.sampled_from(CASES), seed=st.integers(0, 2**32 - 1))
def test_every_generated_submission_passes_the_intake_rules(
    case: tuple[str, str], seed: int
) -> None:
    name, dataset_id = case
    plan = PLANS[name]
    FAKER.seed_instance(seed)
    answers = fake_submission(plan, dataset_id, FAKER)
    consents = fake_consents(plan, dataset_id, answers, FAKER)
    verdict = check_submission(CHECKED[name], Submission(dataset_id, answers, consents))
    assert verdict.accepted, verdict.problems
    dataset = plan.dataset(dataset_id)
    assert not {s.name for s in dataset.fields if s.never} & set(answers)
    assert {s.name for s in dataset.fields if s.required} <= set(answers)


@settings(max_examples=60)
@given(case=st.sampled_from(CASES), seed=st.integers(0, 2**32 - 1))
def test_voluntary_rates_of_zero_and_one_leave_out_or_fill_every_voluntary_field(
    case: tuple[str, str], seed: int
) -> None:
    name, dataset_id = case
    dataset = PLANS[name].dataset(dataset_id)
    FAKER.seed_instance(seed)
    none = fake_submission(PLANS[name], dataset_id, FAKER, voluntary_rate=0.0)
    every = fake_submission(PLANS[name], dataset_id, FAKER, voluntary_rate=1.0)
    assert set(none) == {s.name for s in dataset.collected_fields if s.required}
    assert set(every) == {s.name for s in dataset.collected_fields}


def test_the_same_seed_gives_the_same_submissions() -> None:
    plan = PLANS["city-constituent-services"]
    runs = []
    for _ in range(2):
        faker = new_faker(2026)
        runs.append([fake_submission(plan, "service_request", faker) for _ in range(20)])
    assert runs[0] == runs[1]
    assert len({a["full_name"] for a in runs[0]}) > 10


def test_values_look_like_what_the_field_asks_for() -> None:
    plan = PLANS["city-constituent-services"]
    dataset = plan.dataset("service_request")
    faker = new_faker(7)
    person = new_persona(faker)
    assert fake_value(dataset.field("full_name"), faker, person) == person.full_name
    email = fake_value(dataset.field("email"), faker, person)
    assert re.fullmatch(r"[a-z0-9.]+@example\.(org|com|net)", email)
    assert re.fullmatch(r"[+()0-9 \-]+", fake_value(dataset.field("phone"), faker, person))
    assert "555" in fake_value(dataset.field("phone"), faker, person)
    assert fake_value(dataset.field("street_address"), faker, person) == person.street_address
    assert fake_value(dataset.field("district"), faker) in dataset.field("district").choices
    assert len(fake_value(dataset.field("details"), faker).split()) >= 5
    client = PLANS["nonprofit-data-project"].dataset("client_register")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", fake_value(client.field("last_visit"), faker))
    assert 1 <= int(fake_value(client.field("household_size"), faker)) <= 8
    assert re.fullmatch(r"\d{5}", fake_value(client.field("zip_code"), faker))


def test_every_input_kind_gets_a_value_of_its_form() -> None:
    base = PLANS["city-constituent-services"].dataset("service_request").field("details")
    faker = new_faker(3)
    for kind in InputKind:
        spec = base.model_copy(update={"input": kind, "choices": ["a", "b"]})
        value = fake_value(spec, faker)
        assert value.strip(), kind
        if kind is InputKind.BOOLEAN:
            assert value in ("yes", "no")
        if kind is InputKind.CHOICE:
            assert value in ("a", "b")


def test_a_never_field_gets_no_value() -> None:
    spec = PLANS["city-constituent-services"].dataset("service_request").field("immigration_status")
    with pytest.raises(ValueError, match="never recorded"):
        fake_value(spec, new_faker(1))


def test_consent_is_given_when_an_answer_serves_only_consent_purposes() -> None:
    plan = PLANS["security-help-desk"]
    faker = new_faker(5)
    answers = fake_submission(plan, "provider_application", faker)
    assert fake_consents(plan, "provider_application", answers, faker, rate=0.0) == {
        "provider_matching"
    }


def test_the_synthetic_package_is_plain_python() -> None:
    import subprocess
    import sys

    code = "import sys, steward.synthetic; assert 'django' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
