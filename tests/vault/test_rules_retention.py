"""The retention decision, as a table of cases on the example plans, plus its properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.policy import load_plan, load_plan_text
from steward.policy.model import Plan
from steward.vault.rules.retention import Fate, RetentionFacts, decide_retention

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CITY = load_plan(EXAMPLES / "city-constituent-services.yaml").plan
DESK = load_plan(EXAMPLES / "security-help-desk.yaml").plan
PANTRY = load_plan(EXAMPLES / "nonprofit-data-project.yaml").plan

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
YEAR = timedelta(days=365.25)
MONTH = timedelta(days=30.44)
CITY_FIELDS = frozenset(
    {
        "full_name",
        "email",
        "phone",
        "street_address",
        "district",
        "request_type",
        "age_band",
        "details",
    }
)
DESK_FIELDS = frozenset(
    {"contact_name", "contact_channel", "incident_description", "incident_type"}
)
PANTRY_FIELDS = frozenset({"client_name", "phone", "zip_code", "pantry_site", "household_size"})


def city(**kwargs: object) -> RetentionFacts:
    settings: dict[str, object] = {
        "dataset": "service_request",
        "created": T0,
        "stored": CITY_FIELDS,
        "withdrawn": {"service_updates": T0},
    }
    settings.update(kwargs)
    return RetentionFacts(**settings)  # type: ignore[arg-type]


def desk(**kwargs: object) -> RetentionFacts:
    settings: dict[str, object] = {
        "dataset": "assistance_request",
        "created": T0,
        "stored": DESK_FIELDS,
    }
    settings.update(kwargs)
    return RetentionFacts(**settings)  # type: ignore[arg-type]


def pantry(**kwargs: object) -> RetentionFacts:
    settings: dict[str, object] = {
        "dataset": "client_register",
        "created": T0,
        "stored": PANTRY_FIELDS,
    }
    settings.update(kwargs)
    return RetentionFacts(**settings)  # type: ignore[arg-type]


def desk_plan_with(old: str, new: str) -> Plan:
    """The help-desk plan with one piece of its text changed."""
    text = (EXAMPLES / "security-help-desk.yaml").read_text(encoding="utf-8")
    assert old in text
    return load_plan_text(text.replace(old, new)).plan


def fates(plan: Plan, facts: RetentionFacts, now: datetime) -> dict[str, Fate]:
    return {f.field: f.fate for f in decide_retention(plan, facts, now).fields}


K, D, A, G = Fate.KEEP, Fate.DELETE, Fate.AGGREGATE, Fate.GONE

CASES = [
    # (name, plan, facts, now, expected fates of some fields, purge, aggregate)
    ("open city case keeps all", CITY, city(), T0 + 10 * YEAR, {"full_name": K, "email": K}, False),
    (
        "closed city case, 5 months later",
        CITY,
        city(closed=T0 + DAY),
        T0 + 5 * MONTH,
        {"phone": K, "email": K, "full_name": K},
        False,
    ),
    (
        "closed city case, 7 months later: follow-up ends",
        CITY,
        city(closed=T0 + DAY),
        T0 + 7 * MONTH,
        {"phone": D, "email": D, "full_name": K, "details": K},
        False,
    ),
    (
        "email kept while service updates consent stands",
        CITY,
        city(closed=T0 + DAY, withdrawn={}),
        T0 + 7 * MONTH,
        {"phone": D, "email": K},
        False,
    ),
    (
        "consent withdrawn ends the email with the case",
        CITY,
        city(closed=T0 + DAY, withdrawn={"service_updates": T0 + 2 * MONTH}),
        T0 + 7 * MONTH,
        {"email": D},
        False,
    ),
    (
        "closed city case, 2 years later: statistics fields stay",
        CITY,
        city(closed=T0 + DAY),
        T0 + 2 * YEAR,
        {"full_name": A, "details": A, "district": K, "request_type": K, "age_band": K},
        False,
    ),
    (
        "city record past every purpose is purged and counted",
        CITY,
        city(closed=T0 + DAY),
        T0 + 6 * YEAR,
        {"full_name": A, "district": A, "age_band": A, "phone": D},
        True,
    ),
    (
        "open city case past 5 years: service delivery still keeps",
        CITY,
        city(),
        T0 + 6 * YEAR,
        {"district": K, "age_band": A, "phone": K},
        False,
    ),
    (
        "help desk: closing deletes the details at once",
        DESK,
        desk(closed=T0 + DAY),
        T0 + DAY,
        {"contact_name": A, "incident_description": A, "incident_type": K},
        False,
    ),
    (
        "help desk: one second before closing keeps all",
        DESK,
        desk(closed=T0 + DAY),
        T0 + DAY - timedelta(seconds=1),
        {"contact_name": K},
        False,
    ),
    (
        "help desk: type counted after 5 years",
        DESK,
        desk(closed=T0 + DAY),
        T0 + 5 * YEAR + DAY,
        {"contact_name": A, "incident_type": A},
        True,
    ),
    (
        "help desk: already purged fields stay gone",
        DESK,
        desk(
            closed=T0 + DAY,
            stored=frozenset({"incident_type"}),
            purged=frozenset({"contact_name", "contact_channel", "incident_description"}),
        ),
        T0 + 2 * DAY,
        {"contact_name": G, "incident_type": K},
        False,
    ),
    (
        "pantry: last contact extends the keep",
        PANTRY,
        pantry(last_contact=T0 + YEAR),
        T0 + 2 * YEAR + DAY,
        {"client_name": K, "pantry_site": K},
        False,
    ),
    (
        "pantry: two years after last contact",
        PANTRY,
        pantry(last_contact=T0 + YEAR),
        T0 + 3 * YEAR + DAY,
        {"client_name": D, "phone": D, "zip_code": A, "pantry_site": K},
        False,
    ),
    (
        "pantry: funders' counts end last",
        PANTRY,
        pantry(),
        T0 + 5 * YEAR + DAY,
        {"client_name": D, "pantry_site": A, "household_size": A},
        True,
    ),
    (
        "a purged record is all gone",
        PANTRY,
        pantry(record_purged=True),
        T0,
        {"client_name": G, "pantry_site": G},
        False,
    ),
    (
        "a field the plan no longer declares follows the record",
        DESK,
        desk(closed=T0 + DAY, stored=DESK_FIELDS | {"old_field"}),
        T0 + 2 * DAY,
        {"old_field": K, "contact_name": A},
        False,
    ),
]


@pytest.mark.parametrize(
    ("plan", "facts", "now", "expected", "purge"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_retention_decision(
    plan: Plan, facts: RetentionFacts, now: datetime, expected: dict[str, Fate], purge: bool
) -> None:
    decision = decide_retention(plan, facts, now)
    got = {f.field: f.fate for f in decision.fields}
    assert {name: got[name] for name in expected} == expected
    assert decision.purge is purge


def test_record_due_is_when_its_last_field_stops() -> None:
    decision = decide_retention(CITY, city(closed=T0 + DAY), T0)
    assert decision.due == T0 + 5 * YEAR
    assert decision.aggregate is False
    purged = decide_retention(CITY, city(closed=T0 + DAY), T0 + 5 * YEAR)
    assert purged.purge
    assert purged.aggregate
    assert not purged.anonymize


def test_an_open_case_has_no_due_date_yet() -> None:
    assert decide_retention(DESK, desk(), T0).due is None


def test_a_shorter_retention_applies_to_existing_records() -> None:
    shorter = desk_plan_with(
        "{keep: 5y, from: collection, then: aggregate}",
        "{keep: 1y, from: collection, then: aggregate}",
    )
    facts = desk(closed=T0 + DAY)
    assert fates(DESK, facts, T0 + 2 * YEAR)["incident_type"] is K
    assert fates(shorter, facts, T0 + 2 * YEAR)["incident_type"] is A


def test_a_longer_retention_never_revives_deleted_data() -> None:
    longer = desk_plan_with(
        "{keep: 0d, from: case_closure, then: aggregate}",
        "{keep: 10y, from: case_closure, then: aggregate}",
    )
    facts = desk(
        closed=T0 + DAY,
        stored=frozenset({"incident_type"}),
        purged=frozenset({"contact_name"}),
    )
    got = fates(longer, facts, T0 + 2 * DAY)
    assert got["contact_name"] is G
    assert got["incident_type"] is K


def test_anonymize_is_decided_for_the_whole_record() -> None:
    plan = desk_plan_with("then: aggregate}", "then: anonymize}")
    decision = decide_retention(plan, desk(closed=T0), T0 + 6 * YEAR)
    assert decision.purge
    assert decision.anonymize
    assert not decision.aggregate
    assert {f.fate for f in decision.fields} == {Fate.ANONYMIZE}


def test_an_unknown_dataset_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        decide_retention(DESK, desk(dataset="nope"), T0)


moments = st.integers(min_value=0, max_value=8 * 366).map(lambda d: T0 + d * DAY)
maybe_moment = st.none() | moments


@st.composite
def city_facts(draw: st.DrawFn) -> RetentionFacts:
    names = sorted(CITY_FIELDS)
    flags = draw(st.lists(st.sampled_from("sp-"), min_size=len(names), max_size=len(names)))
    stored = {name for name, flag in zip(names, flags, strict=True) if flag == "s"}
    purged = {name for name, flag in zip(names, flags, strict=True) if flag == "p"}
    return city(
        closed=draw(maybe_moment),
        last_contact=draw(maybe_moment),
        withdrawn=draw(st.dictionaries(st.sampled_from(["service_updates"]), moments)),
        stored=frozenset(stored),
        purged=frozenset(purged),
    )


@given(city_facts(), moments, moments)
def test_once_a_field_stops_being_kept_it_is_never_kept_later(
    facts: RetentionFacts, first: datetime, second: datetime
) -> None:
    earlier, later = sorted((first, second))
    before = fates(CITY, facts, earlier)
    after = fates(CITY, facts, later)
    for name, fate in before.items():
        if fate is not K:
            assert after[name] is not K


@given(city_facts(), moments)
def test_purged_fields_are_never_kept_and_kept_fields_are_due_later(
    facts: RetentionFacts, now: datetime
) -> None:
    decision = decide_retention(CITY, facts, now)
    for fate in decision.fields:
        if fate.field in facts.purged:
            assert fate.fate is G
        if fate.fate is K and fate.due is not None:
            assert fate.due > now
        if fate.fate not in (K, G):
            assert fate.due is not None
            assert fate.due <= now
    if decision.due is not None and decision.due <= now:
        assert not decision.kept


CITY_ANONYMIZING = load_plan_text(
    (EXAMPLES / "city-constituent-services.yaml")
    .read_text(encoding="utf-8")
    .replace("on_account_closure: delete", "on_account_closure: anonymize")
).plan


@pytest.mark.parametrize(
    ("plan", "closed", "anonymize", "aggregate"),
    [
        (CITY, T0 + DAY, False, True),  # delete: the purposes' ending (counts) decides
        (CITY_ANONYMIZING, T0 + DAY, True, True),  # anonymize: closed cases end anonymized
        (CITY_ANONYMIZING, None, False, False),  # an open case never ends (closure purposes)
    ],
)
def test_a_closed_case_ends_anonymized_when_the_plan_says(
    plan: Plan, closed: datetime | None, anonymize: bool, aggregate: bool
) -> None:
    fate = decide_retention(plan, city(closed=closed), T0 + 6 * YEAR)
    assert fate.purge is (closed is not None)
    assert fate.anonymize is anonymize
    assert fate.aggregate is aggregate
