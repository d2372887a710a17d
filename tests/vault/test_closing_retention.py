"""Closing a case whose purposes keep nothing after closure deletes its details at once,
through the one deletion service; what is left is counted, and the case cannot be reopened.
The help desk's plan: ``assistance`` keeps ``0d from case_closure, then aggregate``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.contrib.auth.models import User

from steward.audit import verify_log
from steward.vault.models import AuditEntryRow, FieldValue, Record, SealedSubmission
from steward.vault.rules.intake import Submission, consent_purposes
from steward.vault.runtime import Vault
from steward.vault.services import dataset_counts, sweep_retention
from steward.vault.services.access import AccessDenied
from steward.vault.services.actors import Actor
from steward.vault.services.case_status import close_case, details_purged, reopen_case
from steward.vault.services.collect import open_sealed, submit
from tests.vault.conftest import actor_for

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ANSWERS = {
    "contact_name": "Wilhelmina Farthingale",
    "contact_channel": "signal +1 555 0199 771",
    "incident_description": "Phishing mail pretending to be the Quokka Bank",
    "incident_type": "phishing",
}


def _ticket(vault: Vault, intake: X25519PrivateKey) -> Record:
    dataset = vault.plan.dataset("assistance_request")
    agreed = frozenset(consent_purposes(vault.plan, dataset))
    receipt = submit(vault, Submission("assistance_request", ANSWERS, agreed))
    opened = open_sealed(vault, intake, actor="test/help_desk_staff")
    assert opened.opened == (receipt.reference,)
    record = SealedSubmission.objects.get(pk=receipt.reference).record
    assert record is not None
    user, _ = User.objects.get_or_create(username="helper")
    Record.objects.filter(pk=record.pk).update(assigned_to=user, team="help_desk")
    record.refresh_from_db()
    return record


def _staff(vault: Vault) -> Actor:
    user = User.objects.get(username="helper")
    return actor_for(vault, "help_desk_staff", user_id=user.id, team="help_desk")


def test_closing_a_help_desk_ticket_deletes_its_details_at_once(
    help_desk: tuple[Vault, X25519PrivateKey],
) -> None:
    vault, intake = help_desk
    record = _ticket(vault, intake)
    other = _ticket(vault, intake)
    subject = str(record.subject_id)
    assert FieldValue.objects.filter(record=record).count() == 3
    before = dataset_counts("assistance_request", "incident_type")
    lead = _staff(vault)

    close_case(vault, lead, record.id, reason="The mail was reported and blocked", now=NOW)

    record.refresh_from_db()
    assert record.status == "closed"
    assert not FieldValue.objects.filter(record=record).exists()
    assert set(record.purged_fields) == {"contact_name", "contact_channel", "incident_description"}
    assert record.clear_values == {"incident_type": "phishing"}
    assert record.purged is None  # the incident type is kept 5 years for statistics
    assert not vault.keyring.has_key(subject)
    assert vault.keyring.has_key(str(other.subject_id))
    assert not SealedSubmission.objects.filter(record=record).exclude(sealed=b"").exists()
    assert details_purged(record)
    assert dataset_counts("assistance_request", "incident_type").cells == before.cells
    kinds = [e.kind for e in vault.erasure_ledger().entries()]
    assert kinds == ["fields"]

    with pytest.raises(AccessDenied):
        reopen_case(vault, lead, record.id, reason="They wrote again about it", now=NOW)
    record.refresh_from_db()
    assert record.status == "closed"

    text = b"\n".join(bytes(row.record) for row in AuditEntryRow.objects.all())
    for value in ANSWERS.values():
        if value != "phishing":
            assert value.encode() not in text
    assert verify_log(vault.audit.store).ok


def test_after_five_years_the_closed_ticket_is_only_a_count(
    help_desk: tuple[Vault, X25519PrivateKey],
) -> None:
    vault, intake = help_desk
    record = _ticket(vault, intake)
    Record.objects.filter(pk=record.pk).update(created=NOW)
    lead = _staff(vault)
    close_case(vault, lead, record.id, reason="The mail was reported and blocked", now=NOW)
    before = dataset_counts("assistance_request", "incident_type")
    report = sweep_retention(vault, now=NOW.replace(year=2032))
    assert report.records[("assistance_request", "aggregate")] == 1
    record.refresh_from_db()
    assert record.purged is not None
    assert record.clear_values == {}
    after = dataset_counts("assistance_request", "incident_type")
    assert after.cells == before.cells
    assert after.from_aggregates == 1
    with pytest.raises(AccessDenied):
        reopen_case(vault, lead, record.id, reason="They wrote again about it", now=NOW)
