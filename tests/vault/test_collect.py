"""Collecting intake submissions: minimization, encryption at rest, consent, minors, sealing."""

from __future__ import annotations

import pytest
from django.db import connection

from steward.audit import verify_log
from steward.vault.models import AccessCode, Consent, FieldValue, Record, SealedSubmission
from steward.vault.rules.intake import Submission, consent_purposes
from steward.vault.runtime import Vault
from steward.vault.services.collect import (
    MinorRefused,
    SubmissionRejected,
    access_code_lookup,
    open_sealed,
    submit,
)

GOOD = {
    "full_name": "Ana Lima",
    "email": "ana.lima@example.org",
    "street_address": "12 Elm Street",
    "district": "North",
    "request_type": "pothole",
    "details": "Deep pothole outside number 12",
}


def _submit(vault: Vault, answers: dict[str, str] | None = None, **kwargs: object):
    submission = Submission("service_request", answers or GOOD, **kwargs)  # type: ignore[arg-type]
    return submit(vault, submission)


def test_a_submission_is_stored_encrypted_with_clear_counting_fields(city_vault: Vault) -> None:
    receipt = _submit(city_vault, consents=frozenset({"service_updates"}))
    record = Record.objects.get(pk=receipt.reference)
    assert record.clear_values == {"district": "North", "request_type": "pothole"}
    assert record.plan.digest == city_vault.loaded.digest
    stored = {v.field: bytes(v.ciphertext) for v in FieldValue.objects.filter(record=record)}
    assert set(stored) == {"full_name", "email", "street_address", "details"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext FROM vault_fieldvalue")
        raw = b"".join(bytes(row[0]) for row in cursor.fetchall())
    for secret in ("Ana Lima", "ana.lima", "Elm Street", "pothole outside"):
        assert secret.encode() not in raw
    assert FieldValue.objects.get(record=record, field="email").blind_index is not None
    assert FieldValue.objects.get(record=record, field="details").blind_index is None


def test_the_receipt_carries_consent_choices_and_a_working_access_code(city_vault: Vault) -> None:
    receipt = _submit(city_vault)
    assert receipt.consents == (("service_updates", "City service updates by email", False),)
    assert len(receipt.access_code.replace("-", "")) == 20
    code = AccessCode.objects.get(
        lookup=access_code_lookup(city_vault, receipt.access_code.lower())
    )
    assert str(code.subject_id) == str(Record.objects.get(pk=receipt.reference).subject_id)
    assert receipt.access_code not in code.lookup


def test_consent_is_recorded_per_purpose(city_vault: Vault) -> None:
    receipt = _submit(city_vault, consents=frozenset({"service_updates"}))
    consent = Consent.objects.get(record_id=receipt.reference)
    assert (consent.purpose, consent.granted) == ("service_updates", True)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"favourite_colour": "blue"}, "", "undeclared fields: favourite_colour"),
        ({"immigration_status": "citizen"}, "immigration_status", "never recorded"),
        ({"immigration_status": ""}, "immigration_status", "never recorded"),
        ({"full_name": ""}, "full_name", "required"),
        ({"district": "Atlantis"}, "district", "choose one"),
        ({"email": "not-an-email"}, "email", "not an email"),
        ({"phone": "call me"}, "phone", "not a phone number"),
    ],
)
def test_bad_submissions_are_refused_and_nothing_is_stored(
    city_vault: Vault, change: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(SubmissionRejected) as raised:
        _submit(city_vault, {**GOOD, **change})
    assert message in raised.value.problems[field]
    assert Record.objects.count() == 0
    assert FieldValue.objects.count() == 0


def test_unknown_opt_ins_are_refused(city_vault: Vault) -> None:
    with pytest.raises(SubmissionRejected) as raised:
        _submit(city_vault, consents=frozenset({"service_delivery"}))
    assert "consent:service_delivery" in raised.value.problems


def test_minors_are_refused_when_the_plan_says_so(city_vault: Vault) -> None:
    with pytest.raises(MinorRefused):
        _submit(city_vault, under_age=True)
    assert Record.objects.count() == 0


def test_every_submission_is_audited(city_vault: Vault) -> None:
    _submit(city_vault)
    _submit(city_vault)
    entries = list(city_vault.audit.entries())
    assert [e.action for e in entries] == ["record.create", "record.create"]
    assert "full_name" in entries[0].fields
    assert verify_log(city_vault.audit.store).ok


def test_sealed_intake_round_trip(help_desk) -> None:
    vault, intake_key = help_desk
    dataset = next(d for d in vault.plan.datasets if d.sealed)
    answers = {spec.name: _sample(spec) for spec in dataset.collected_fields if spec.required}
    agreed = frozenset(consent_purposes(vault.plan, dataset))
    receipt = submit(vault, Submission(dataset.id, answers, agreed))
    assert receipt.sealed
    row = SealedSubmission.objects.get(pk=receipt.reference)
    for value in answers.values():
        assert value.encode() not in bytes(row.sealed)
    assert Record.objects.count() == 0
    outcome = open_sealed(vault, intake_key, actor="test/privacy_officer")
    assert outcome.opened == (receipt.reference,)
    row.refresh_from_db()
    assert row.opened is not None
    assert row.record is not None
    assert bytes(row.sealed) == b""
    assert row.record.subject_id == row.subject_id


def test_a_damaged_sealed_submission_is_reported_by_id(help_desk) -> None:
    vault, intake_key = help_desk
    dataset = next(d for d in vault.plan.datasets if d.sealed)
    answers = {spec.name: _sample(spec) for spec in dataset.collected_fields if spec.required}
    agreed = frozenset(consent_purposes(vault.plan, dataset))
    first = submit(vault, Submission(dataset.id, answers, agreed))
    second = submit(vault, Submission(dataset.id, answers, agreed))
    SealedSubmission.objects.filter(pk=first.reference).update(sealed=b"\x00" * 80)
    outcome = open_sealed(vault, intake_key, actor="test/privacy_officer")
    assert outcome.opened == (second.reference,)
    assert [failure[0] for failure in outcome.failed] == [first.reference]


def _sample(spec) -> str:
    from steward.policy.model import InputKind

    if spec.choices:
        return str(spec.choices[0])
    return {
        InputKind.EMAIL: "someone@example.org",
        InputKind.PHONE: "+1 555 010 0100",
        InputKind.DATE: "2026-01-02",
        InputKind.NUMBER: "3",
        InputKind.BOOLEAN: "yes",
    }.get(spec.input, "sample text for the field")
