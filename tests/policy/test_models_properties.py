"""Property tests for the plan parser and models (Hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.policy import PlanLoadError, Problem, load_plan_text
from steward.policy.duration import Duration, parse_duration
from steward.policy.taxonomy import BUILT_IN_CATEGORIES

UNITS = ("h", "d", "w", "m", "y")
durations = st.builds(Duration, st.integers(0, 999_999), st.sampled_from(UNITS))


@given(durations)
def test_duration_text_round_trip(duration: Duration) -> None:
    assert parse_duration(str(duration)) == duration
    assert parse_duration(f" {duration.amount} {duration.unit} ") == duration


@given(durations, durations)
def test_duration_ordering_agrees_with_days(a: Duration, b: Duration) -> None:
    assert (a < b) == (a.days < b.days)
    assert (a <= b) == (a.days <= b.days)
    assert (a > b) == (a.days > b.days)
    assert (a >= b) == (a.days >= b.days)


@given(st.text(max_size=30))
def test_duration_parse_accepts_or_raises_value_error(text: str) -> None:
    try:
        duration = parse_duration(text)
    except ValueError:
        return
    assert parse_duration(str(duration)) == duration


# ------------------------------------------------------------------ arbitrary text


def _loads_or_plan_error(text: str) -> None:
    """Loading either succeeds or raises PlanLoadError with located problems; nothing else."""
    problems: tuple[Problem, ...] = ()
    try:
        load_plan_text(text)
    except PlanLoadError as error:
        problems = error.problems
        if not problems:
            raise AssertionError("a PlanLoadError must list its problems") from error
    assert all(p.line >= 1 and p.column >= 1 for p in problems)


@settings(max_examples=300)
@given(st.text())
def test_any_text_loads_or_raises_plan_load_error(text: str) -> None:
    _loads_or_plan_error(text)


yaml_tokens = st.sampled_from(
    [
        "steward: 1\n", "version: x\n", "organization:\n", "  name: X\n", "purposes:\n",
        "  - id: a\n", "    label: A\n", "- ", "  ", "\t", ": ", "[", "]", "{", "}", ",",
        "&a ", "*a", "!!str ", "!!python/object:os.system ", "---\n", "...\n", "? ", "|\n",
        ">\n", "'", '"', "#", "\n", "null", "~", "yes", "1e3", "0x1F", "2024-01-01", "%YAML 1.1\n",
        "keep: 2y", "datasets:\n", "fields:\n", "\\u0000", "\ufeff", "é",
    ]
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(yaml_tokens, max_size=40).map("".join))
def test_yamlish_text_loads_or_raises_plan_load_error(text: str) -> None:
    _loads_or_plan_error(text)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.text(max_size=10), st.floats()
)
json_like = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
plan_keys = st.sampled_from(
    ["steward", "version", "organization", "purposes", "datasets", "roles", "questionnaire",
     "subjects", "rights", "minors", "operations", "disclosure", "recipients", "categories"]
)  # fmt: skip


@settings(max_examples=200)
@given(st.dictionaries(plan_keys, json_like, max_size=8))
def test_structured_garbage_loads_or_raises_plan_load_error(data: dict[str, Any]) -> None:
    _loads_or_plan_error(yaml.safe_dump(data))


# ------------------------------------------------------------------ valid plans

ids = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
labels = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs"]), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s.strip() != "")
categories = st.sampled_from(sorted(BUILT_IN_CATEGORIES))
keep = durations.map(str)


@st.composite
def small_plans(draw: st.DrawFn) -> dict[str, Any]:
    """A valid plan: unique ids, fields referencing only declared purposes and categories."""
    purpose_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    purposes = [
        {
            "id": pid,
            "label": draw(labels),
            "legal_basis": draw(st.sampled_from(["consent", "public_task", "contract"])),
            "retention": {
                "keep": draw(keep),
                "from": draw(st.sampled_from(["collection", "case_closure"])),
                "then": draw(st.sampled_from(["delete", "aggregate", "anonymize"])),
            },
        }
        for pid in purpose_ids
    ]
    datasets = []
    for dataset_id in draw(st.lists(ids, min_size=1, max_size=3, unique=True)):
        names = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
        fields = [
            {
                "name": name,
                "label": draw(labels),
                "category": draw(categories),
                "purposes": draw(st.lists(st.sampled_from(purpose_ids), max_size=3, unique=True)),
                "masking": draw(st.sampled_from(["none", "partial", "full"])),
                "never": draw(st.booleans()),
            }
            for name in names
        ]
        datasets.append({"id": dataset_id, "label": draw(labels), "fields": fields})
    roles = [
        {
            "id": role_id,
            "label": draw(labels),
            "read": {
                "purposes": draw(st.lists(st.sampled_from(purpose_ids), max_size=2, unique=True)),
                "categories": draw(st.lists(categories, max_size=2, unique=True)),
            },
            "mfa": draw(st.booleans()),
        }
        for role_id in draw(st.lists(ids, max_size=3, unique=True))
    ]
    organization = {
        "name": draw(labels),
        "jurisdictions": draw(st.lists(st.sampled_from(["US", "US-CA", "GB"]), max_size=2)),
    }
    questionnaire = {
        "people": draw(st.integers(0, 10**7)),
        "data_kinds": draw(st.lists(categories, max_size=3)),
    }
    return {
        "steward": 1,
        "version": draw(labels),
        "organization": organization,
        "questionnaire": questionnaire,
        "purposes": purposes,
        "datasets": datasets,
        "roles": roles,
    }


@settings(max_examples=150)
@given(small_plans())
def test_valid_plans_round_trip_through_yaml(data: dict[str, Any]) -> None:
    loaded = load_plan_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    dumped = loaded.plan.model_dump(mode="json", by_alias=True)
    again = load_plan_text(yaml.safe_dump(dumped, sort_keys=False, allow_unicode=True))
    assert again.plan == loaded.plan
    assert again.plan.model_dump(mode="json", by_alias=True) == dumped


REFERENCE_SLOTS = ("field_purpose", "field_category", "role_purpose", "role_category")
UNDECLARED = "zz_undeclared"


@settings(max_examples=150)
@given(small_plans(), st.sampled_from(REFERENCE_SLOTS), st.data())
def test_reference_to_undeclared_id_is_located(
    data: dict[str, Any], slot: str, pick: st.DataObject
) -> None:
    field = pick.draw(st.sampled_from(data["datasets"][0]["fields"]))
    noun = "category" if slot.endswith("category") else "purpose"
    if slot == "field_purpose":
        field["purposes"] = [*field["purposes"], UNDECLARED]
    elif slot == "field_category":
        field["category"] = UNDECLARED
    else:
        grant = {"purposes" if noun == "purpose" else "categories": [UNDECLARED]}
        data["roles"] = [{"id": "mutant_role", "label": "Mutant", "read": grant}]
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    with pytest.raises(PlanLoadError) as caught:
        load_plan_text(text, source="plan.yaml")
    problems = [p for p in caught.value.problems if f"'{UNDECLARED}'" in p.message]
    assert problems, str(caught.value)
    lines = text.splitlines()
    for problem in problems:
        assert problem.message.startswith(f"unknown {noun} '{UNDECLARED}'")
        # The reported line and column point at the undeclared id itself.
        assert lines[problem.line - 1][problem.column - 1 :].startswith(UNDECLARED)
