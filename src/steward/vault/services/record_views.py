"""Turning stored rows into what an actor sees: decrypt what the masks need, then mask.

Used only by :mod:`steward.vault.services.access`, which has already decided what the
actor may read; nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from steward.crypto import KeyRing
from steward.policy.model import Dataset, FieldSpec
from steward.vault.models import FieldValue, Record
from steward.vault.rules.masking import HIDDEN, mask, needs_plaintext

Ciphertexts = dict[UUID, dict[str, bytes]]
"""Stored ciphertexts by record id, then field name."""


@dataclass(frozen=True)
class FieldView:
    """One field as the actor sees it: masked unless clear, and whether they may reveal it."""

    name: str
    label: str
    shown: str
    masked: bool
    can_reveal: bool


@dataclass(frozen=True)
class RecordView:
    """A record as the actor sees it."""

    id: UUID
    dataset: str
    created: datetime
    status: str
    team: str
    assigned_to: int | None
    plan_version: str
    fields: tuple[FieldView, ...]


def load_ciphertexts(rows: list[Record], fields: list[FieldSpec]) -> Ciphertexts:
    """The stored ciphertexts of ``fields`` for ``rows``, in one query."""
    wanted = [f.name for f in fields if f.encrypted]
    out: Ciphertexts = {row.id: {} for row in rows}
    if not rows or not wanted:
        return out
    found = FieldValue.objects.filter(record__in=rows, field__in=wanted).values_list(
        "record_id", "field", "ciphertext"
    )
    for record, field, ciphertext in found:
        out[record][field] = bytes(ciphertext)
    return out


def decrypt_row(
    keyring: KeyRing,
    row: Record,
    dataset: Dataset,
    fields: list[FieldSpec],
    values: Ciphertexts,
    *,
    all_fields: bool = False,
) -> dict[str, str]:
    """Clear text of the row's fields: those whose mask needs it, or (``all_fields``) all.

    With ``all_fields`` every field is present, empty when nothing is stored.
    """
    stored = values.get(row.id, {})
    wanted = {
        f.name: stored[f.name]
        for f in fields
        if f.encrypted and f.name in stored and (all_fields or needs_plaintext(f))
    }
    out: dict[str, str] = {}
    if wanted:
        plain = keyring.decrypt_record(wanted, dataset=dataset.id, record=str(row.id))
        out = {name: value.decode("utf-8") for name, value in plain.items()}
    clear = row.clear_values
    for f in fields:
        if not f.encrypted and f.name in clear:
            out[f.name] = str(clear[f.name])
    if all_fields:
        return {f.name: out.get(f.name, "") for f in fields}
    return out


def render_view(
    keyring: KeyRing,
    revealable: frozenset[str],
    dataset: Dataset,
    fields: list[FieldSpec],
    row: Record,
    values: Ciphertexts,
) -> RecordView:
    """The row as an actor who may read ``fields`` and reveal ``revealable`` sees it."""
    plain = decrypt_row(keyring, row, dataset, fields, values)
    stored = values.get(row.id, {})
    clear = row.clear_values
    views = []
    for spec in fields:
        name = spec.name
        present = name in stored if spec.encrypted else name in clear
        text = plain.get(name)
        if not present:
            shown = ""
        elif text is not None:
            shown = mask(spec, text)
        else:
            shown = HIDDEN
        views.append(
            FieldView(
                name, spec.label, shown, present and shown != text, present and name in revealable
            )
        )
    return RecordView(
        id=row.id,
        dataset=row.dataset,
        created=row.created,
        status=row.status,
        team=row.team,
        assigned_to=row.assigned_to_id,
        plan_version=row.plan.version,
        fields=tuple(views),
    )
