"""A person's own records as they see them: every field their role reads, in clear.

Built only by :meth:`steward.vault.services.access.AccessService.read_own`, which has
decided which fields the person's self-service role reads. Masking protects people
from staff who do not need a value, not from themselves, so nothing here is masked.
A value that cannot be decrypted any more is given as its marker (``[erased]``, ...)
with the reason in :attr:`OwnValue.unreadable`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from steward import clock
from steward.crypto import KeyRing
from steward.policy import decide
from steward.policy.model import Action, Dataset, FieldSpec, Role
from steward.vault.models import FieldValue, Record
from steward.vault.rules.unreadable import Unreadable, short_reason, shown_as
from steward.vault.runtime import Vault
from steward.vault.services.record_views import Ciphertexts, decrypt_row, load_ciphertexts

_MARKERS = {shown_as(reason): short_reason(reason) for reason in Unreadable}


@dataclass(frozen=True)
class OwnValue:
    """One field of a person's record, in clear.

    Attributes:
        name: the field's name in the plan.
        label: its label on the form.
        value: the value ("" when nothing is stored; the marker when unreadable).
        stored: whether a value is stored.
        unreadable: why the value cannot be read (``erased``, ...); empty when it can.
    """

    name: str
    label: str
    value: str
    stored: bool
    unreadable: str = ""


@dataclass(frozen=True)
class OwnRecord:
    """One record of the person, as they see it.

    Attributes:
        hidden: the names of fields holding a value that the person's role does not
            read (staff-only fields); their values are never read here.
    """

    id: UUID
    dataset: Dataset
    created: datetime
    status: str
    closed: datetime | None
    values: tuple[OwnValue, ...]
    hidden: tuple[str, ...]


def own_record(
    keyring: KeyRing,
    row: Record,
    dataset: Dataset,
    fields: list[FieldSpec],
    values: Ciphertexts,
    held: frozenset[str],
) -> OwnRecord:
    """The person's view of ``row``: ``fields`` decrypted, and the other ``held`` field
    names (with a stored value) listed as hidden. Reads nothing from the database."""
    clear = decrypt_row(keyring, row, dataset, fields, values, all_fields=True)
    stored = set(values.get(row.id, {})) | set(row.clear_values or {})
    shown = tuple(
        OwnValue(
            name=spec.name,
            label=spec.label,
            value=clear[spec.name],
            stored=spec.name in stored,
            unreadable=_MARKERS.get(clear[spec.name], "") if spec.name in stored else "",
        )
        for spec in fields
    )
    readable = {spec.name for spec in fields}
    hidden = tuple(spec.name for spec in dataset.collected_fields if spec.name in held - readable)
    return OwnRecord(
        id=row.id,
        dataset=dataset,
        created=row.created,
        status=row.status,
        closed=row.closed if row.status == Record.Status.CLOSED else None,
        values=shown,
        hidden=hidden,
    )


def read_own_records(
    vault: Vault, role: Role, subject_id: UUID
) -> tuple[list[OwnRecord], list[str]]:
    """The person's records (not purged whole, oldest first) as ``role`` reads them, and
    the names of the fields read; call inside the audited read's transaction.

    Records of a dataset the plan no longer declares are left out.
    """
    today = clock.now().date()
    rows = list(
        Record.objects.filter(subject_id=subject_id, purged__isnull=True)
        .select_related("plan")
        .order_by("created", "id")
    )
    held = _held_fields(rows)
    out: list[OwnRecord] = []
    read: set[str] = set()
    with vault.keyring.one_state_read():
        for row in rows:
            try:
                dataset = vault.plan.dataset(row.dataset)
            except KeyError:
                continue
            fields = [
                spec
                for spec in dataset.collected_fields
                if decide(role, Action.READ, spec, today=today).allowed
            ]
            values = load_ciphertexts([row], fields)
            out.append(own_record(vault.keyring, row, dataset, fields, values, held[row.id]))
            read.update(spec.name for spec in fields)
    return out, sorted(read)


def _held_fields(rows: list[Record]) -> dict[UUID, frozenset[str]]:
    """The names of the fields holding a value, by record (no value is read)."""
    held: dict[UUID, set[str]] = {row.id: set(row.clear_values or {}) for row in rows}
    for record_id, name in FieldValue.objects.filter(record__in=rows).values_list(
        "record_id", "field"
    ):
        held[record_id].add(name)
    return {key: frozenset(names) for key, names in held.items()}
