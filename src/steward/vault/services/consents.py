"""A person's consent answers over time, as the reveal rules, exports and their own page
read them.

Each answer is one :class:`~steward.vault.models.Consent` row: the answer given with a
form at collection, or a yes given later in the person's privacy settings (a new row).
A withdrawal sets ``withdrawn`` on the person's live yes rows for that purpose; the row
keeps its answer and the time it was given, so the history keeps every answer. The
person's latest answer for a purpose wins (rows are ordered by their id, which grows
with each answer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from steward.policy.model import FieldSpec
from steward.vault.models import Consent, Record
from steward.vault.rules.reveal import ConsentState, reveal_purposes
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor

__all__ = [
    "ConsentAnswer",
    "consent_history",
    "consent_states",
    "consent_states_of",
    "reveal_choices",
]

_Row = tuple[int, UUID, str, bool, datetime | None]
"""``(id, record_id, purpose, granted, withdrawn)`` of one answer."""


@dataclass(frozen=True)
class ConsentAnswer:
    """One answer of the person's history (no personal value)."""

    record: UUID
    purpose: str
    granted: bool
    given: datetime
    withdrawn: datetime | None
    by_guardian: bool


def _states(rows: Iterable[_Row], record_id: UUID) -> dict[str, ConsentState]:
    """The states of ``record_id`` from all the person's answer rows.

    For each purpose: the record's latest answer, unless a withdrawal (on any of the
    person's records) is not followed by a later yes on this record; then withdrawn.
    """
    latest: dict[str, tuple[int, bool, bool]] = {}
    last_withdrawn: dict[str, int] = {}
    for row_id, record, purpose, granted, when_withdrawn in rows:
        if when_withdrawn is not None:
            last_withdrawn[purpose] = max(row_id, last_withdrawn.get(purpose, row_id))
        if record == record_id and (purpose not in latest or row_id > latest[purpose][0]):
            latest[purpose] = (row_id, granted, when_withdrawn is not None)
    states: dict[str, ConsentState] = {}
    for purpose, (row_id, granted, withdrawn) in latest.items():
        if not withdrawn and row_id > last_withdrawn.get(purpose, -1):
            states[purpose] = ConsentState.AGREED if granted else ConsentState.NOT_AGREED
    for purpose in last_withdrawn:
        states.setdefault(purpose, ConsentState.WITHDRAWN)
    return states


def _rows(subject_ids: Iterable[UUID | str]) -> dict[str, list[_Row]]:
    by_subject: dict[str, list[_Row]] = {}
    query = Consent.objects.filter(subject_id__in=list(subject_ids)).order_by("id")
    for subject_id, *row in query.values_list(
        "subject_id", "id", "record_id", "purpose", "granted", "withdrawn"
    ):
        by_subject.setdefault(str(subject_id), []).append(tuple(row))  # type: ignore[arg-type]
    return by_subject


def consent_states(record: Record) -> dict[str, ConsentState]:
    """The state of each consent-based purpose for ``record``'s person.

    Agreed: the record's latest answer is yes and not withdrawn. Withdrawn: the person
    withdrew that purpose on any of their records (a withdrawal is the person's, not one
    form's) and gave no yes on this record since. A purpose with no answer is absent
    (not agreed). One query.
    """
    rows = _rows([record.subject_id]).get(str(record.subject_id), [])
    return _states(rows, record.id)


def consent_states_of(records: Iterable[Record]) -> dict[UUID, dict[str, ConsentState]]:
    """:func:`consent_states` of many records at once, in one query (for exports)."""
    wanted = list(records)
    rows = _rows({r.subject_id for r in wanted})
    return {r.id: _states(rows.get(str(r.subject_id), []), r.id) for r in wanted}


def consent_history(subject_id: UUID | str) -> list[ConsentAnswer]:
    """Every answer of the person, oldest first, each with its time and any withdrawal."""
    return [
        ConsentAnswer(
            record=row.record_id,
            purpose=row.purpose,
            granted=row.granted,
            given=row.given,
            withdrawn=row.withdrawn,
            by_guardian=row.by_guardian,
        )
        for row in Consent.objects.filter(subject_id=subject_id).order_by("id")
    ]


def reveal_choices(
    vault: Vault, actor: Actor, record_id: UUID, spec: FieldSpec
) -> list[tuple[str, str | None]]:
    """For the reveal dialog: each purpose of ``spec`` with why ``actor`` cannot reveal
    the record's value for it now, or ``None`` when it can. Reads only consent answers;
    the caller has already checked the record is in the actor's scope."""
    record = Record.objects.filter(pk=record_id).first()
    states = consent_states(record) if record is not None else {}
    return reveal_purposes(vault.plan, actor.role, spec, states, today=actor.today())
