"""Storing one field's new value: re-encrypted under its person's key, re-indexed.

Used only by :meth:`~steward.vault.services.access.AccessService.update`, which has
already decided that the actor may write the field and that the value fits it;
nothing here decides who may write.
"""

from __future__ import annotations

from steward.crypto import KeyShreddedError
from steward.policy.model import Dataset, FieldSpec
from steward.vault.models import FieldValue, Record, Subject
from steward.vault.rules.unreadable import Unreadable
from steward.vault.runtime import Vault
from steward.vault.services.record_views import ValueUnreadable


def refuse_if_erased(vault: Vault, row: Record) -> None:
    """Refuse to record anything new about a person whose data key was destroyed.

    A person marked erased (their subject row) is refused at once. A person with a
    live key passes (one look-up in the key store). Without one, a stored value of
    theirs whose key was shredded shows they were erased; a person with nothing stored
    yet is not.

    Raises:
        ValueUnreadable: the person was erased (reason ``erased``).
    """
    if Subject.objects.filter(pk=row.subject_id, erased__isnull=False).exists():
        raise ValueUnreadable(Unreadable.ERASED)
    subject = str(row.subject_id)
    if vault.keyring.has_key(subject):
        return
    stored = (
        FieldValue.objects.filter(record__subject_id=row.subject_id)
        .values_list("field", "ciphertext")
        .first()
    )
    if stored is None:
        return
    problems = vault.keyring.key_problems({stored[0]: bytes(stored[1])})
    if any(isinstance(error, KeyShreddedError) for error in problems.values()):
        raise ValueUnreadable(Unreadable.ERASED)


def store_value(vault: Vault, row: Record, dataset: Dataset, spec: FieldSpec, value: str) -> None:
    """Store ``value`` as ``spec``'s value on ``row``; call inside the write's transaction.

    An encrypted field is encrypted under the person's own key, bound to its record and
    field, with a fresh blind index if the field is searchable; a clear field is kept in
    the record's clear values.

    Raises:
        ValueUnreadable: the person was erased.
    """
    from steward.vault.services.collect import blind_index_for

    if not spec.encrypted:
        refuse_if_erased(vault, row)
        row.clear_values = {**row.clear_values, spec.name: value}
        row.save(update_fields=["clear_values", "updated"])
        return
    refuse_if_erased(vault, row)
    ciphertext = vault.keyring.encrypt(
        str(row.subject_id),
        value.encode("utf-8"),
        dataset=dataset.id,
        record=str(row.id),
        field=spec.name,
    )
    index = blind_index_for(vault, dataset.id, spec.name, value) if spec.searchable else None
    FieldValue.objects.update_or_create(
        record=row, field=spec.name, defaults={"ciphertext": ciphertext, "blind_index": index}
    )
