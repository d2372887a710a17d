"""Turning stored rows into what an actor sees: decrypt what the masks need, then mask.

Used only by :mod:`steward.vault.services.access`, which has already decided what the
actor may read; nothing here decides anything. A value that cannot be decrypted (its
person's key was shredded, its key version retired, its bytes damaged) is shown as
erased or unreadable with the reason (:mod:`steward.vault.rules.unreadable`), and the
rest of the record, and of the page, is shown as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from steward.crypto import CryptoError, KeyRing, key_id_of
from steward.errors import StewardError
from steward.policy.model import Dataset, FieldSpec
from steward.vault.models import FieldValue, Record, Subject
from steward.vault.rules.masking import HIDDEN, mask, needs_plaintext
from steward.vault.rules.unreadable import (
    Unreadable,
    explained,
    short_reason,
    shown_as,
    unreadable_because,
)

Ciphertexts = dict[UUID, dict[str, bytes]]
"""Stored ciphertexts by record id, then field name."""


class ValueUnreadable(StewardError):
    """The value asked for cannot be decrypted; ``reason`` says why (never the value)."""

    def __init__(self, reason: Unreadable) -> None:
        self.reason = reason
        super().__init__(explained(reason))


@dataclass(frozen=True)
class FieldView:
    """One field as the actor sees it: masked unless clear, and whether they may reveal it.

    ``unreadable`` is set, and ``shown`` is its marker, when the stored value cannot be
    decrypted.
    """

    name: str
    label: str
    shown: str
    masked: bool
    can_reveal: bool
    unreadable: Unreadable | None = None

    @property
    def unreadable_reason(self) -> str:
        """Why the value cannot be read, in a few words; empty when it can."""
        return short_reason(self.unreadable) if self.unreadable else ""


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
    updated: datetime | None = None
    closed: datetime | None = None
    """When the case was closed; ``None`` while it is open."""

    @property
    def has_unreadable(self) -> bool:
        """Whether any field's value cannot be read (erased, ...)."""
        return any(f.unreadable for f in self.fields)


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

    With ``all_fields`` every field is present, empty when nothing is stored. A value
    that cannot be decrypted is given as its marker (``[erased]``, ...).
    """
    plain, problems = _open_row(keyring, row, dataset, fields, values, all_fields=all_fields)
    out = {**plain, **{name: shown_as(reason) for name, reason in problems.items()}}
    if all_fields:
        return {f.name: out.get(f.name, "") for f in fields}
    return out


def decrypt_value(
    keyring: KeyRing, ciphertext: bytes, dataset: str, record: str, field: str
) -> str:
    """One field's clear text.

    Raises:
        ValueUnreadable: the value cannot be decrypted (erased, key retired, ...).
    """
    try:
        return keyring.decrypt(ciphertext, dataset=dataset, record=record, field=field).decode(
            "utf-8"
        )
    except CryptoError as error:
        raise ValueUnreadable(unreadable_because(error)) from None


def render_view(
    keyring: KeyRing,
    revealable: frozenset[str],
    dataset: Dataset,
    fields: list[FieldSpec],
    row: Record,
    values: Ciphertexts,
) -> RecordView:
    """The row as an actor who may read ``fields`` and reveal ``revealable`` sees it."""
    plain, problems = _open_row(keyring, row, dataset, fields, values)
    stored = values.get(row.id, {})
    clear = row.clear_values
    gone = _purged_marker(row)
    views = []
    for spec in fields:
        name = spec.name
        present = name in stored if spec.encrypted else name in clear
        problem = problems.get(name)
        if problem is None and not present and name in row.purged_fields:
            problem = gone
        if problem is not None:
            views.append(FieldView(name, spec.label, shown_as(problem), False, False, problem))
            continue
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
        updated=row.updated,
        closed=row.closed if row.status == Record.Status.CLOSED else None,
    )


def _purged_marker(row: Record) -> Unreadable:
    """How a purged field of ``row`` is shown: erased when its person was erased
    (one look-up, only for records with purged fields), else deleted."""
    if not row.purged_fields:
        return Unreadable.DELETED
    erased = Subject.objects.filter(pk=row.subject_id, erased__isnull=False).exists()
    return Unreadable.ERASED if erased else Unreadable.DELETED


def _open_row(
    keyring: KeyRing,
    row: Record,
    dataset: Dataset,
    fields: list[FieldSpec],
    values: Ciphertexts,
    *,
    all_fields: bool = False,
) -> tuple[dict[str, str], dict[str, Unreadable]]:
    """The clear text the row's masks need (or all of it), and why any value is unreadable.

    Encrypted values no one needs in clear (fully masked) are not decrypted, but their
    key is checked, so an erased value never looks like a hidden one.
    """
    stored = values.get(row.id, {})
    encrypted = {f.name: f for f in fields if f.encrypted and f.name in stored}
    wanted = {n: stored[n] for n, f in encrypted.items() if all_fields or needs_plaintext(f)}
    unwanted = {n: stored[n] for n in encrypted if n not in wanted}
    record = str(row.id)
    plain: dict[str, str] = {}
    problems: dict[str, Unreadable] = {}
    try:
        if wanted:
            opened = keyring.decrypt_record(wanted, dataset=dataset.id, record=record)
            plain = {name: value.decode("utf-8") for name, value in opened.items()}
        opened_keys = {key_id_of(c) for c in wanted.values()}
        unproven = {n: c for n, c in unwanted.items() if key_id_of(c) not in opened_keys}
        if unproven:  # usually none: a record's values share their person's key
            found = keyring.key_problems(unproven)
            problems = {name: unreadable_because(error) for name, error in found.items()}
    except CryptoError:  # find which values fail, and why, one by one
        for name, ciphertext in {**wanted, **unwanted}.items():
            try:
                plain_value = decrypt_value(keyring, ciphertext, dataset.id, record, name)
            except ValueUnreadable as error:
                problems[name] = error.reason
                continue
            if name in wanted:
                plain[name] = plain_value
    clear = row.clear_values
    for f in fields:
        if not f.encrypted and f.name in clear:
            plain[f.name] = str(clear[f.name])
    return plain, problems
