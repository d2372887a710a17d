"""One field's clear value, for the access service's reveal (which has decided and
audits it): nothing here decides anything."""

from __future__ import annotations

from steward.crypto import KeyRing
from steward.policy.model import Dataset, FieldSpec
from steward.vault.models import FieldValue, Record, Subject
from steward.vault.rules.unreadable import Unreadable
from steward.vault.services.record_views import ValueUnreadable, decrypt_value


def field_plaintext(keyring: KeyRing, row: Record, dataset: Dataset, spec: FieldSpec) -> str:
    """The clear value of ``spec`` in ``row`` ("" when nothing is stored).

    Raises:
        ValueUnreadable: the person was erased, or the value cannot be decrypted.
    """
    if not spec.encrypted:
        return str(row.clear_values.get(spec.name, ""))
    value = FieldValue.objects.filter(record=row, field=spec.name).first()
    if value is None:
        if Subject.objects.filter(pk=row.subject_id, erased__isnull=False).exists():
            raise ValueUnreadable(Unreadable.ERASED)
        return ""
    return decrypt_value(keyring, bytes(value.ciphertext), dataset.id, str(row.id), spec.name)
