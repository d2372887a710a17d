"""A person's own choices as tables of cases: what they may withdraw or give, whether a
record serves a purpose, and whether their erasure is immediate (the three example
plans and small made-up variants)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from steward.policy import load_plan
from steward.policy.model import LegalBasis, Minors, MinorsPolicy, Plan
from steward.vault.rules.own_choices import (
    NO_END,
    Holding,
    decide_give,
    decide_withdrawal,
    erasure_route,
    givable_purposes,
    guardian_answers_withdrawable,
    person_states,
    serves_purpose,
    withdrawable_purposes,
)
from steward.vault.rules.retention import RetentionFacts, purpose_end
from steward.vault.rules.reveal import ConsentState

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CITY = load_plan(EXAMPLES / "city-constituent-services.yaml").plan
DESK = load_plan(EXAMPLES / "security-help-desk.yaml").plan
PANTRY = load_plan(EXAMPLES / "nonprofit-data-project.yaml").plan
PLANS = {"city": CITY, "desk": DESK, "pantry": PANTRY}

A, N, W = ConsentState.AGREED, ConsentState.NOT_AGREED, ConsentState.WITHDRAWN
T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def _rights(plan: Plan, **changes: object) -> Plan:
    return plan.model_copy(update={"rights": plan.rights.model_copy(update=changes)})


@pytest.mark.parametrize("name", sorted(PLANS))
@pytest.mark.parametrize("state", [A, N, W, None])
def test_a_record_serves_a_consent_purpose_only_while_agreed(
    name: str, state: ConsentState | None
) -> None:
    plan = PLANS[name]
    for purpose in plan.purposes:
        states = {purpose.id: state} if state is not None else {}
        expected = purpose.legal_basis is not LegalBasis.CONSENT or state is A
        assert serves_purpose(plan, purpose.id, states) is expected, (name, purpose.id, state)


def test_a_purpose_unknown_to_the_plan_asks_for_no_consent() -> None:
    assert serves_purpose(CITY, "no_such_purpose", {})


@pytest.mark.parametrize(
    ("plan", "purpose", "states", "allowed", "words"),
    [
        (CITY, "service_updates", {"service_updates": A}, True, "may withdraw"),
        (CITY, "service_updates", {"service_updates": W}, False, "already withdrawn"),
        (CITY, "service_updates", {"service_updates": N}, False, "not agreed"),
        (CITY, "service_updates", {}, False, "not agreed"),
        (CITY, "service_delivery", {"service_delivery": A}, False, "does not rest on"),
        (CITY, "no_such_purpose", {}, False, "no such purpose"),
        (DESK, "assistance", {"assistance": A}, True, "may withdraw"),
        (DESK, "provider_matching", {"provider_matching": A}, True, "may withdraw"),
        (DESK, "donation_records", {}, False, "does not rest on"),
        (PANTRY, "food_distribution", {}, False, "does not rest on"),
        (
            _rights(CITY, withdraw_consent=False),
            "service_updates",
            {"service_updates": A},
            False,
            "does not offer",
        ),
    ],
)
def test_which_consents_a_person_may_withdraw(
    plan: Plan, purpose: str, states: dict[str, ConsentState], allowed: bool, words: str
) -> None:
    decision = decide_withdrawal(plan, purpose, states)
    assert decision.allowed is allowed
    assert words in decision.reason


def test_withdrawable_purposes_lists_the_agreed_consent_purposes_in_plan_order() -> None:
    states = {"provider_matching": A, "assistance": A, "incident_statistics": A}
    assert withdrawable_purposes(DESK, states) == ["assistance", "provider_matching"]


CITY_STORED = frozenset({"full_name", "email", "district", "request_type", "details"})


@pytest.mark.parametrize(
    ("plan", "purpose", "dataset", "states", "stored", "allowed", "words"),
    [
        (CITY, "service_updates", "service_request", {"service_updates": N}, CITY_STORED,
         True, "may agree"),
        (CITY, "service_updates", "service_request", {"service_updates": W}, CITY_STORED,
         True, "may agree"),
        (CITY, "service_updates", "service_request", {}, CITY_STORED, True, "may agree"),
        (CITY, "service_updates", "service_request", {"service_updates": A}, CITY_STORED,
         False, "already agree"),
        (CITY, "service_updates", "service_request", {}, CITY_STORED - {"email"},
         False, "nothing of this form"),
        (CITY, "follow_up", "service_request", {}, CITY_STORED, False, "does not ask"),
        (DESK, "assistance", "provider_application", {}, frozenset({"provider_name"}),
         False, "does not ask for consent to this purpose"),
        (DESK, "provider_matching", "provider_application", {"provider_matching": W},
         frozenset({"provider_name"}), True, "may agree"),
        (DESK, "assistance", "no_such_form", {}, frozenset(), False, "no longer in"),
        (_rights(CITY, privacy_settings=False), "service_updates", "service_request", {},
         CITY_STORED, False, "does not offer privacy settings"),
    ],
)  # fmt: skip
def test_which_consents_a_person_may_give_later(
    plan: Plan,
    purpose: str,
    dataset: str,
    states: dict[str, ConsentState],
    stored: frozenset[str],
    allowed: bool,
    words: str,
) -> None:
    decision = decide_give(plan, purpose, dataset, states, stored)
    assert decision.allowed is allowed
    assert words in decision.reason


def test_givable_purposes_of_a_record() -> None:
    assert givable_purposes(CITY, "service_request", {}, CITY_STORED) == ["service_updates"]
    assert givable_purposes(PANTRY, "client_register", {}, frozenset({"client_name"})) == []


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([{"p": A}, {"p": W}], A),
        ([{"p": N}, {"p": W}], W),
        ([{"p": N}], N),
        ([{"p": W}, {"q": A}], W),
        ([], None),
    ],
)
def test_the_persons_answer_over_all_their_records(
    answers: list[dict[str, ConsentState]], expected: ConsentState | None
) -> None:
    assert person_states(answers).get("p") is expected


def _donation(created: datetime = T0) -> Holding:
    return Holding(
        RetentionFacts(
            dataset="donation",
            created=created,
            stored=frozenset({"amount", "allocation", "transaction_id"}),
        )
    )


def _ticket() -> Holding:
    return Holding(
        RetentionFacts(
            dataset="assistance_request",
            created=T0,
            stored=frozenset({"contact_name", "contact_channel", "incident_type"}),
        )
    )


def test_a_donor_erasure_is_a_request_listing_what_the_law_keeps_and_until_when() -> None:
    route = erasure_route(DESK, [_ticket(), _donation()], T0 + 30 * DAY)
    assert not route.immediate
    until = purpose_end(DESK.purpose("donation_records"), _donation().facts)
    assert until is not None
    assert until > T0 + 1000 * DAY
    assert {(k.field, k.purpose, k.legal_basis, k.until) for k in route.kept} == {
        (name, "donation_records", "legal_obligation", until)
        for name in ("amount", "allocation", "transaction_id")
    }
    first = route.kept[0]
    assert first.legal_reference.startswith("US Internal Revenue Code")
    assert first.field_label == "Amount"
    assert first.purpose_label == "Recording donations for the fiscal sponsor"
    assert first.basis_text == "legal obligation"
    assert first.until_text == until.date().isoformat()
    assert "kept by law" in route.reason


@pytest.mark.parametrize(
    ("plan", "holdings", "now", "immediate"),
    [
        (DESK, [_ticket()], T0, True),
        (DESK, [_ticket(), _donation()], T0 + 30 * DAY, False),
        (DESK, [_donation()], T0 + 4 * 366 * DAY, True),  # the obligation has ended
        (DESK, [], T0, True),
        (CITY, [], T0, True),
        (_rights(DESK, erasure=False), [_ticket()], T0, False),
    ],
)
def test_when_erasure_is_immediate(
    plan: Plan, holdings: list[Holding], now: datetime, immediate: bool
) -> None:
    assert erasure_route(plan, holdings, now).immediate is immediate


def test_a_purged_field_or_record_keeps_nothing() -> None:
    facts = _donation().facts
    gone = Holding(RetentionFacts(dataset="donation", created=T0, record_purged=True))
    purged = Holding(
        RetentionFacts(dataset="donation", created=T0, stored=facts.stored, purged=facts.stored)
    )
    assert erasure_route(DESK, [gone, purged], T0).immediate


def test_a_legal_obligation_with_no_retention_keeps_with_no_end_stated() -> None:
    purposes = [
        p.model_copy(update={"retention": None}) if p.id == "donation_records" else p
        for p in DESK.purposes
    ]
    plan = DESK.model_copy(update={"purposes": purposes})
    route = erasure_route(plan, [_donation()], T0)
    assert not route.immediate
    assert {k.until for k in route.kept} == {None}
    assert {k.until_text for k in route.kept} == {NO_END}


def test_guardian_answers_are_withdrawn_by_the_holder_of_the_code_under_guardian_consent() -> None:
    guarded = CITY.model_copy(
        update={"minors": Minors(policy=MinorsPolicy.GUARDIAN_CONSENT, age_threshold=16)}
    )
    assert guardian_answers_withdrawable(guarded)
    assert not guardian_answers_withdrawable(DESK)  # minors: refuse
    # The answer was a guardian's: withdrawing it is decided like any other answer.
    assert decide_withdrawal(guarded, "service_updates", {"service_updates": A}).allowed


@pytest.mark.parametrize(
    ("plan", "purpose", "withdrawn", "end"),
    [
        # Consent withdrawn: the purpose ends then, whatever its trigger ...
        (DESK, "assistance", T0 + DAY, T0 + DAY),
        (DESK, "provider_matching", T0 + DAY, T0 + DAY),
        # ... except ``from: consent_withdrawal``, which keeps ``keep`` after it.
        (CITY, "service_updates", T0 + DAY, T0 + DAY),
        # Not withdrawn: the purpose's own end (an open case has none yet).
        (DESK, "assistance", None, None),
        # A purpose of another basis ignores any withdrawal.
        (DESK, "donation_records", T0 + DAY, None),
    ],
)
def test_a_withdrawal_ends_a_consent_purpose_at_once(
    plan: Plan, purpose: str, withdrawn: datetime | None, end: datetime | None
) -> None:
    facts = RetentionFacts(
        dataset="x", created=T0, withdrawn={purpose: withdrawn} if withdrawn else {}
    )
    got = purpose_end(plan.purpose(purpose), facts)
    if purpose == "donation_records":
        assert got == purpose_end(plan.purpose(purpose), RetentionFacts(dataset="x", created=T0))
    else:
        assert got == end
