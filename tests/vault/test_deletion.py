"""The one deletion service: purge, anonymize, purge fields, erase a person."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from steward.audit import verify_log
from steward.crypto import KeyShreddedError
from steward.vault.models import (
    AccessCode,
    AggregateCount,
    AuditEntryRow,
    Consent,
    FieldValue,
    Record,
    Subject,
)
from steward.vault.runtime import Vault
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.deletion import (
    anonymize_records,
    erase_subject,
    purge_fields,
    purge_records,
)
from tests.vault.test_api_support import VALUES, make_case

NOW = datetime(2027, 6, 1, tzinfo=UTC)


def audit_text() -> bytes:
    return b"\n".join(bytes(row.record) for row in AuditEntryRow.objects.all())


def no_values_in_audit() -> None:
    text = audit_text()
    for name, value in VALUES.items():
        if name in {"district", "request_type", "age_band"}:
            continue
        assert value.encode() not in text, name


def test_purge_with_aggregate_counts_then_deletes_everything(city_vault: Vault) -> None:
    record = make_case(city_vault)
    subject = str(record.subject_id)
    assert FieldValue.objects.filter(record=record).exists()
    result = purge_records(
        city_vault, [record.id], reason="retention", actor=None, now=NOW, aggregate=True
    )
    assert result.records == 1
    assert result.aggregated == 1
    assert result.keys_shredded == 1
    record.refresh_from_db()
    assert record.purged == NOW
    assert record.clear_values == {}
    assert {"full_name", "district", "details"} <= set(record.purged_fields)
    assert not FieldValue.objects.filter(record=record).exists()
    assert not Consent.objects.filter(record=record).exists()
    assert not city_vault.keyring.has_key(subject)
    total = AggregateCount.objects.get(dataset="service_request", field="")
    assert total.count == 1
    district = AggregateCount.objects.get(field="district")
    assert district.value == VALUES["district"]
    kinds = [e.kind for e in city_vault.erasure_ledger().entries()]
    assert kinds == ["record"]
    assert verify_log(city_vault.audit.store).ok
    no_values_in_audit()


def test_purging_twice_changes_nothing(city_vault: Vault) -> None:
    record = make_case(city_vault)
    purge_records(city_vault, [record.id], reason="retention", actor=None, now=NOW, aggregate=True)
    again = purge_records(
        city_vault, [record.id], reason="retention", actor=None, now=NOW, aggregate=True
    )
    assert again.records == 0
    assert again.skipped == 1
    assert AggregateCount.objects.get(field="").count == 1


def test_a_key_stays_while_another_record_of_the_person_is_kept(city_vault: Vault) -> None:
    first = make_case(city_vault)
    second = make_case(city_vault)
    second.subject = first.subject
    second.save()
    FieldValue.objects.filter(record=second).delete()
    city_vault.keyring.encrypt_record(
        str(first.subject_id), {"details": b"x"}, dataset="service_request", record=str(second.id)
    )
    FieldValue.objects.create(record=second, field="details", ciphertext=b"placeholder")
    result = purge_records(
        city_vault, [first.id], reason="retention", actor=None, now=NOW, aggregate=False
    )
    assert result.keys_shredded == 0
    assert city_vault.keyring.has_key(str(first.subject_id))


def test_anonymize_keeps_only_non_identifying_clear_values_unlinked(city_vault: Vault) -> None:
    record = make_case(city_vault)
    person = record.subject_id
    anonymize_records(city_vault, [record.id], reason="retention", actor=None, now=NOW)
    record.refresh_from_db()
    assert record.anonymized
    assert record.clear_values == {
        "district": VALUES["district"],
        "request_type": VALUES["request_type"],
    }
    assert record.subject_id != person
    assert Subject.objects.get(id=record.subject_id).erased == NOW
    assert not FieldValue.objects.filter(record=record).exists()
    assert [e.kind for e in city_vault.erasure_ledger().entries()] == ["anonymized"]


def test_purge_fields_deletes_only_those_fields(city_vault: Vault) -> None:
    record = make_case(city_vault)
    result = purge_fields(
        city_vault,
        {record.id: ["phone", "email", "district"]},
        reason="retention",
        actor=None,
        now=NOW,
    )
    assert result.fields == 3
    record.refresh_from_db()
    assert record.purged is None
    assert set(record.purged_fields) == {"phone", "email", "district"}
    assert "district" not in record.clear_values
    left = set(FieldValue.objects.filter(record=record).values_list("field", flat=True))
    assert "phone" not in left
    assert "full_name" in left
    assert city_vault.keyring.has_key(str(record.subject_id))
    entry = next(iter(city_vault.erasure_ledger().entries()))
    assert entry.kind == "fields"
    assert entry.fields == ("district", "email", "phone")


def test_erase_subject_removes_everything_and_keeps_the_subject_row(city_vault: Vault) -> None:
    record = make_case(city_vault)
    subject = record.subject
    assert AccessCode.objects.filter(subject=subject).exists()
    ciphertext = bytes(FieldValue.objects.filter(record=record).first().ciphertext)  # type: ignore[union-attr]
    result = erase_subject(city_vault, subject.id, reason="erasure request", actor=None, now=NOW)
    assert result.subjects == 1
    assert result.keys_shredded == 1
    subject.refresh_from_db()
    assert subject.erased == NOW
    record.refresh_from_db()
    assert record.purged == NOW
    assert record.clear_values == {}
    assert not FieldValue.objects.filter(record=record).exists()
    assert not Consent.objects.filter(subject=subject).exists()
    assert not AccessCode.objects.filter(subject=subject).exists()
    with pytest.raises(KeyShreddedError):
        city_vault.keyring.decrypt(
            ciphertext, dataset="service_request", record=str(record.id), field="full_name"
        )
    again = erase_subject(city_vault, subject.id, reason="erasure request", actor=None, now=NOW)
    assert again.subjects == 0
    assert again.records == 0
    assert [e.kind for e in city_vault.erasure_ledger().entries()] == ["subject", "subject"]
    assert verify_log(city_vault.audit.store).ok
    no_values_in_audit()


def test_erasing_an_unknown_subject_is_refused(city_vault: Vault) -> None:
    with pytest.raises(Subject.DoesNotExist):
        erase_subject(
            city_vault,
            "00000000-0000-0000-0000-000000000000",
            reason="erasure request",
            actor=None,
            now=NOW,
        )


def test_a_purge_that_cannot_be_audited_deletes_nothing(
    city_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = make_case(city_vault)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AuditUnavailable("no audit")

    monkeypatch.setattr("steward.vault.services.deletion.audit", refuse)
    with pytest.raises(AuditUnavailable):
        purge_records(
            city_vault, [record.id], reason="retention", actor=None, now=NOW, aggregate=True
        )
    record.refresh_from_db()
    assert record.purged is None
    assert FieldValue.objects.filter(record=record).exists()
    assert not AggregateCount.objects.exists()
    assert city_vault.keyring.has_key(str(record.subject_id))
    assert list(city_vault.erasure_ledger().entries()) == []
    assert Record.objects.count() == 1
