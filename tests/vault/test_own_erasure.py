"""A person erases their own data: at once where no legal obligation keeps any of it,
otherwise as a request listing what is kept, why and until when."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from steward import clock
from steward.audit import verify_log
from steward.vault.models import (
    AccessCode,
    Consent,
    FieldValue,
    PersonSession,
    Record,
    RightsRequest,
    Subject,
)
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessService
from steward.vault.services.own_erasure import (
    ERASED_REASON,
    ConfirmationNeeded,
    ErasureAlreadyAsked,
    erase_own,
    erasure_preview,
)
from steward.vault.services.person_sessions import session_subject, start_session
from tests.vault.conftest import actor_for
from tests.vault.own_choices_support import (
    TICKET,
    add_donation,
    audit_entries,
    audit_text,
    resident,
    sealed_person,
)
from tests.vault.test_staff_support import leaked


def test_a_person_without_legal_obligations_is_erased_at_once(
    help_desk: tuple[Vault, X25519PrivateKey],
) -> None:
    vault, intake = help_desk
    record, person, _ = sealed_person(vault, intake, "assistance_request", TICKET, "assistance")
    subject = record.subject_id
    token, _ = start_session(vault, subject, clock.now())
    assert erasure_preview(vault, person).immediate

    outcome = erase_own(vault, person, confirm=True)

    assert outcome.immediate
    assert outcome.kept == ()
    assert Subject.objects.get(pk=subject).erased is not None
    assert not vault.keyring.has_key(str(subject))
    assert not FieldValue.objects.filter(record__subject_id=subject).exists()
    assert not AccessCode.objects.filter(subject_id=subject).exists()
    assert not Consent.objects.filter(subject_id=subject).exists()
    assert not PersonSession.objects.filter(subject_id=subject).exists()
    assert session_subject(vault, token, clock.now()) is None
    assert [e.kind for e in vault.erasure_ledger().entries()][-1] == "subject"
    request = RightsRequest.objects.get(pk=outcome.request_id)
    assert (request.kind, request.status, request.decision) == ("erasure", "done", ERASED_REASON)
    actions = [e["action"] for e in audit_entries()]
    assert actions.index("own.erase") < actions.index("subject.erase")
    assert "Farthingale" not in audit_text()
    assert verify_log(vault.audit.store).ok
    # Staff see the record as erased: no value of the person is left.
    record.refresh_from_db()
    assert record.purged is not None
    lead = actor_for(vault, "privacy_lead")
    view = AccessService(vault).get_record(lead, record.id)
    assert all(f.shown in ("", "[erased]") or f.name == "incident_type" for f in view.fields)


def test_a_donor_erasure_becomes_a_request_listing_what_is_kept_until_when(
    help_desk: tuple[Vault, X25519PrivateKey],
) -> None:
    vault, intake = help_desk
    record, person, _ = sealed_person(vault, intake, "assistance_request", TICKET, "assistance")
    donation = add_donation(vault, record.subject_id)

    outcome = erase_own(vault, person, confirm=True)

    assert not outcome.immediate
    assert [k.field for k in outcome.kept] == ["amount", "allocation", "transaction_id"]
    retention = vault.plan.purpose("donation_records").retention
    assert retention is not None
    until = donation.created + timedelta(days=retention.keep.days)
    for kept in outcome.kept:
        assert kept.purpose == "donation_records"
        assert kept.legal_basis == "legal_obligation"
        assert "Internal Revenue Code" in kept.legal_reference
        assert kept.until == until
    request = RightsRequest.objects.get(pk=outcome.request_id)
    assert (request.kind, request.status) == ("erasure", "open")
    assert request.due is not None  # the plan answers within 30 days
    assert Subject.objects.get(pk=record.subject_id).erased is None
    assert vault.keyring.has_key(str(record.subject_id))
    entry = audit_entries("own.erase")[-1]
    assert entry["outcome"] == "allowed"
    assert set(entry["fields"]) == {"amount", "allocation", "transaction_id"}
    assert "txn-8832" not in audit_text()

    with pytest.raises(ErasureAlreadyAsked, match="already asked"):
        erase_own(vault, person, confirm=True)
    assert audit_entries("own.erase")[-1]["outcome"] == "denied"
    assert RightsRequest.objects.filter(kind="erasure").count() == 1


def test_erasure_needs_confirmation(city_vault: Vault) -> None:
    record, person, _ = resident(city_vault)
    with pytest.raises(ConfirmationNeeded, match="confirm"):
        erase_own(city_vault, person, confirm=False)
    assert Subject.objects.get(pk=record.subject_id).erased is None
    assert not RightsRequest.objects.exists()
    assert audit_entries("own.erase")[-1]["outcome"] == "denied"


def test_a_city_resident_is_erased_at_once_and_others_stay(city_vault: Vault) -> None:
    mine, person, _ = resident(city_vault)
    theirs, _, _ = resident(city_vault)
    erase_own(city_vault, person, confirm=True)
    assert Record.objects.get(pk=mine.pk).purged is not None
    assert Record.objects.get(pk=theirs.pk).purged is None
    assert FieldValue.objects.filter(record=theirs).exists()
    assert leaked(audit_text()) == set()
