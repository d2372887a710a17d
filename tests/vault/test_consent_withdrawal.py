"""Withdrawing a consent and giving one later: the answers over time, what is deleted at
once, and how the purpose's other uses stop (disclosures made for it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from steward import clock
from steward.audit import verify_log
from steward.vault.models import Consent, FieldValue, Record, RightsRequest
from steward.vault.rules.intake import Submission
from steward.vault.rules.retention import Fate, decide_retention
from steward.vault.rules.reveal import ConsentState
from steward.vault.runtime import Vault, use_vault
from steward.vault.services.access import NotFound
from steward.vault.services.collect import submit
from steward.vault.services.consent_withdrawal import ChoiceRefused, give, withdraw
from steward.vault.services.consents import consent_history, consent_states
from steward.vault.services.disclosures import DisclosureRefused
from steward.vault.services.person_sessions import person_actor
from steward.vault.services.retention_sweep import facts_of
from tests.vault.conftest import CITY, actor_for, make_vault
from tests.vault.disclosure_support import approved, officer, payload_rows
from tests.vault.own_choices_support import (
    PROVIDER,
    TICKET,
    audit_entries,
    audit_text,
    resident,
    sealed_person,
)
from tests.vault.test_staff_support import DISTINCT, leaked

OTHER = {
    "full_name": "Ada Other",
    "email": "ada@example.org",
    "street_address": "1 Main St",
    "district": "South",
    "request_type": "pothole",
    "details": "A deep hole",
}
COMMS_ROLE = """\
  - id: communications
    label: Communications team
    description: Sends the service updates; sees only the list.
    read: {purposes: [service_updates]}
    reveal: {categories: [contact]}
    export: {purposes: [service_updates]}
    scope: all
    mfa: true
"""
MAILER = """\
  - id: mail_house
    name: Riverton Mail House (sends the service updates)
    kind: processor
    categories: [contact]
    purposes: [service_updates]
"""
UPDATES: dict[str, Any] = {
    "ground": "consent",
    "recipient": "mail_house",
    "party": "",
    "legal_reference": "",
}


@pytest.fixture
def comms_vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    """The city's plan with a communications role that exports for service updates only."""
    text = CITY.read_text().replace("roles:\n", "roles:\n" + COMMS_ROLE, 1)
    text = text.replace("recipients:\n", "recipients:\n" + MAILER, 1)
    plan = tmp_path / "city-with-comms.yaml"
    plan.write_text(text)
    vault, _ = make_vault(plan, tmp_path / "keys")
    use_vault(vault)
    yield vault
    use_vault(None)


def _stored(record: Record) -> set[str]:
    return set(FieldValue.objects.filter(record=record).values_list("field", flat=True))


def test_withdrawing_service_updates_deletes_nothing_but_ends_the_purpose(
    comms_vault: Vault,
) -> None:
    vault = comms_vault
    record, person, _ = resident(vault)
    other, _, _ = resident(vault, answers=OTHER)
    comms = officer(vault, "comms", "communications")
    mailing, approver = approved(vault, [record, other], ["email"], asker=comms, **UPDATES)
    before = payload_rows(vault, mailing, approver)
    assert {row["id"] for row in before["rows"]} == {str(record.id), str(other.id)}
    stored = _stored(record)

    outcome = withdraw(vault, person, "service_updates")

    assert outcome.answers == 1
    assert outcome.values_deleted == 0
    assert _stored(record) == stored  # the email is also for follow-up: it stays
    assert consent_states(record)["service_updates"] is ConsentState.WITHDRAWN
    answer = Consent.objects.get(record=record, purpose="service_updates")
    assert answer.granted
    assert answer.withdrawn is not None
    # The retention says why the email stays: follow-up keeps it until it ends.
    ((_, facts),) = facts_of([record])
    email = next(f for f in decide_retention(vault.plan, facts, clock.now()).fields
                 if f.field == "email")  # fmt: skip
    assert email.fate is Fate.KEEP
    assert email.purpose == "follow_up"
    assert email.due is None
    closed = clock.now()
    Record.objects.filter(pk=record.pk).update(status="closed", closed=closed)
    record.refresh_from_db()
    ((_, facts),) = facts_of([record])
    email = next(f for f in decide_retention(vault.plan, facts, closed).fields
                 if f.field == "email")  # fmt: skip
    assert email.due is not None
    assert email.due > closed + timedelta(days=150)

    after = payload_rows(vault, mailing, approver)
    assert {row["id"] for row in after["rows"]} == {str(other.id)}
    with pytest.raises(DisclosureRefused, match="has not agreed to 'service_updates'"):
        approved(vault, [record], ["email"], asker=comms, **UPDATES)
    order, _ = approved(vault, [record], ["email"])
    (mine,) = payload_rows(vault, order, approver)["rows"]
    assert mine["email"] == "zephyrine.q@example.org"  # a court order does not ask consent

    done = RightsRequest.objects.get(kind=RightsRequest.Kind.WITHDRAWAL)
    assert (done.status, done.purpose, done.subject_id) == (
        "done",
        "service_updates",
        record.subject_id,
    )
    entry = audit_entries("consent.withdraw")[-1]
    assert (entry["purpose"], entry["outcome"]) == ("service_updates", "allowed")
    assert leaked(audit_text()) == set()
    assert verify_log(vault.audit.store).ok


def test_the_history_keeps_both_answers_and_a_later_yes_counts_again(comms_vault: Vault) -> None:
    vault = comms_vault
    record, person, _ = resident(vault)
    withdraw(vault, person, "service_updates")
    later = clock.now() + timedelta(minutes=5)

    outcome = give(vault, person, "service_updates", now=later)

    assert outcome.records == (record.id,)
    history = consent_history(record.subject_id)
    assert [(a.granted, a.withdrawn is not None) for a in history] == [(True, True), (True, False)]
    assert history[1].given == later
    assert history[0].withdrawn is not None
    assert history[0].withdrawn < later
    assert consent_states(record)["service_updates"] is ConsentState.AGREED
    ((_, facts),) = facts_of([record])
    assert "service_updates" not in facts.withdrawn
    comms = officer(vault, "comms", "communications")
    mailing, approver = approved(vault, [record], ["email"], asker=comms, **UPDATES)
    assert [r["id"] for r in payload_rows(vault, mailing, approver)["rows"]] == [str(record.id)]
    kinds = list(RightsRequest.objects.order_by("id").values_list("kind", "status"))
    assert kinds == [("withdrawal", "done"), ("consent", "done")]
    assert audit_entries("consent.give")[-1]["purpose"] == "service_updates"


def test_a_refused_opt_in_may_be_given_later(city_vault: Vault) -> None:
    record, person, _ = resident(city_vault, updates=False)
    assert consent_states(record)["service_updates"] is ConsentState.NOT_AGREED
    give(city_vault, person, "service_updates")
    assert consent_states(record)["service_updates"] is ConsentState.AGREED


@pytest.mark.parametrize(
    ("purpose", "words"),
    [
        ("service_delivery", "does not rest on your consent"),
        ("no_such_purpose", "no such purpose"),
    ],
)
def test_refused_withdrawals_are_audited(city_vault: Vault, purpose: str, words: str) -> None:
    _, person, _ = resident(city_vault)
    with pytest.raises(ChoiceRefused, match=words):
        withdraw(city_vault, person, purpose)
    entry = audit_entries("consent.withdraw")[-1]
    assert entry["outcome"] == "denied"
    assert entry["purpose"] in {purpose, "unknown purpose"}
    assert "no_such_purpose" not in audit_text()
    assert not RightsRequest.objects.exists()


def test_withdrawing_twice_or_giving_what_is_agreed_is_refused(city_vault: Vault) -> None:
    _, person, _ = resident(city_vault)
    with pytest.raises(ChoiceRefused, match="already agree"):
        give(city_vault, person, "service_updates")
    withdraw(city_vault, person, "service_updates")
    with pytest.raises(ChoiceRefused, match="already withdrawn"):
        withdraw(city_vault, person, "service_updates")
    assert [e["outcome"] for e in audit_entries("consent.withdraw")] == ["allowed", "denied"]
    assert [e["outcome"] for e in audit_entries("consent.give")] == ["denied"]


def test_nothing_to_agree_to_when_the_field_is_not_stored(city_vault: Vault) -> None:
    answers = {k: v for k, v in DISTINCT.items() if k != "email"}
    _, person, _ = resident(city_vault, updates=False, answers=answers)
    with pytest.raises(ChoiceRefused, match="nothing of this form"):
        give(city_vault, person, "service_updates")


def test_a_code_never_reaches_another_persons_consents(city_vault: Vault) -> None:
    mine, me, _ = resident(city_vault)
    theirs, _, _ = resident(city_vault)
    withdraw(city_vault, me, "service_updates")
    assert consent_states(theirs)["service_updates"] is ConsentState.AGREED
    assert Consent.objects.get(record=theirs).withdrawn is None
    with pytest.raises(NotFound):
        give(city_vault, me, "service_updates", record_id=theirs.id)
    assert consent_states(mine)["service_updates"] is ConsentState.WITHDRAWN


def test_staff_cannot_use_a_persons_choices(city_vault: Vault) -> None:
    resident(city_vault)
    with pytest.raises(ChoiceRefused, match="only the person"):
        withdraw(city_vault, actor_for(city_vault, "privacy_officer"), "service_updates")


def test_withdrawing_help_desk_assistance_deletes_what_was_kept_only_for_it(
    help_desk: tuple[Vault, X25519PrivateKey],
) -> None:
    vault, intake = help_desk
    record, person, _ = sealed_person(vault, intake, "assistance_request", TICKET, "assistance")
    assert _stored(record) == {"contact_name", "contact_channel", "incident_description"}

    outcome = withdraw(vault, person, "assistance")

    record.refresh_from_db()
    assert _stored(record) == set()
    assert outcome.values_deleted == 3
    assert record.purged is None
    assert record.clear_values == {"incident_type": "phishing"}  # kept for statistics
    assert set(record.purged_fields) >= {"contact_name", "contact_channel", "incident_description"}
    assert not vault.keyring.has_key(str(record.subject_id))
    assert audit_entries("record.fields_purge")
    assert "Farthingale" not in audit_text()


def test_withdrawing_provider_matching_deletes_the_provider(
    help_desk: tuple[Vault, X25519PrivateKey],
) -> None:
    vault, intake = help_desk
    record, person, _ = sealed_person(
        vault, intake, "provider_application", PROVIDER, "provider_matching"
    )
    outcome = withdraw(vault, person, "provider_matching")
    record.refresh_from_db()
    assert record.purged is not None
    assert outcome.records_purged == 1
    assert not FieldValue.objects.filter(record=record).exists()
    assert RightsRequest.objects.get().purpose == "provider_matching"


@pytest.fixture
def guardian_vault(db: None, tmp_path: Path) -> Iterator[Vault]:
    """The city's plan collecting children's requests on a guardian's consent."""
    text = CITY.read_text().replace(
        "minors:\n  policy: refuse", "minors:\n  policy: guardian_consent"
    )
    plan = tmp_path / "city-with-guardians.yaml"
    plan.write_text(text)
    vault, _ = make_vault(plan, tmp_path / "keys")
    use_vault(vault)
    yield vault
    use_vault(None)


def test_the_holder_of_the_code_withdraws_a_guardians_consent(guardian_vault: Vault) -> None:
    vault = guardian_vault
    submission = Submission(
        "service_request",
        DISTINCT,
        frozenset({"service_updates"}),
        under_age=True,
        guardian_consent=True,
    )
    record = Record.objects.get(pk=submit(vault, submission).reference)
    assert Consent.objects.get(record=record).by_guardian
    withdraw(vault, person_actor(vault, record.subject_id), "service_updates")
    answer = Consent.objects.get(record=record)
    assert answer.withdrawn is not None
    assert answer.by_guardian  # the history still says who gave it
    assert consent_states(record)["service_updates"] is ConsentState.WITHDRAWN
