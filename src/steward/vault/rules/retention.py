"""How long each stored value lives: the one retention decision, a pure function of the plan.

Every field of a dataset serves purposes, and each purpose states
``retention: {keep, from, then}``. A field is kept while at least one of its purposes
still keeps it; when the last one lets go, the field's fate is that purpose's ``then``
(``delete``, ``aggregate`` or ``anonymize``). A record is due when its last field stops
being kept. The decision reads the plan as it is now, so a shorter retention applies at
once to records collected under an older plan; a field already purged stays purged
whatever the plan says later (deleted is deleted).

What the fates mean for the vault (carried out by :mod:`steward.vault.services.deletion`):

- ``delete``: the value (its ciphertext and blind index, or its clear value) is removed.
- ``aggregate``: as delete, but when the whole record goes it is first counted into the
  aggregate table (by dataset, month and each clear, non-identifying field).
- ``anonymize``: personal values are removed; when the whole record goes, the clear
  values of fields that identify nobody (``identifier: none``) stay, moved to a new
  subject of their own so nothing links them to the person any more.

A closed case under ``rights.on_account_closure: anonymize`` ends anonymized whatever
its purposes' endings (personal values go, non-identifying clear values stay unlinked);
under ``delete`` (or ``retain``) it ends as its purposes say.

Fields without a purpose of their own (or no longer declared by the plan) follow the
record: they are kept while any other field is kept. A purpose without a retention
keeps its fields with no end date. Plain Python: no database, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from steward.policy.model import (
    AccountClosure,
    ExpiryAction,
    LegalBasis,
    Plan,
    Purpose,
    RetentionTrigger,
)

__all__ = [
    "Fate",
    "FieldFate",
    "RecordFate",
    "RetentionFacts",
    "decide_retention",
    "purpose_end",
]


class Fate(StrEnum):
    """What happens to one stored value now."""

    KEEP = "keep"
    DELETE = "delete"
    AGGREGATE = "aggregate"
    ANONYMIZE = "anonymize"
    GONE = "gone"
    """Already purged; nothing left to do, and never kept again."""


_FATE_OF: Mapping[ExpiryAction, Fate] = {
    ExpiryAction.DELETE: Fate.DELETE,
    ExpiryAction.AGGREGATE: Fate.AGGREGATE,
    ExpiryAction.ANONYMIZE: Fate.ANONYMIZE,
}
_PRESERVING: Mapping[Fate, int] = {Fate.DELETE: 0, Fate.ANONYMIZE: 1, Fate.AGGREGATE: 2}
"""When purposes end together, the ending that keeps most (counts, then clear values) wins."""


@dataclass(frozen=True)
class RetentionFacts:
    """What the decision needs to know about one record (no personal values).

    Attributes:
        dataset: the plan dataset id.
        created: when it was collected.
        closed: when its case was closed, if it is closed.
        last_contact: the last contact with the person (defaults to ``created``).
        withdrawn: when consent was withdrawn, by purpose id; a consent refused at
            collection counts as withdrawn when the record was created.
        stored: the fields with a stored value (ciphertext or clear value).
        purged: fields already purged (the record's marker); never kept again.
        record_purged: the whole record was purged.
    """

    dataset: str
    created: datetime
    closed: datetime | None = None
    last_contact: datetime | None = None
    withdrawn: Mapping[str, datetime] = field(default_factory=dict)
    stored: frozenset[str] = frozenset()
    purged: frozenset[str] = frozenset()
    record_purged: bool = False


@dataclass(frozen=True)
class FieldFate:
    """The fate of one field: ``due`` is when it stops (stopped) being kept, if known."""

    field: str
    fate: Fate
    due: datetime | None
    purpose: str = ""
    """The purpose that keeps it longest (whose ``then`` decides); empty when none does."""


@dataclass(frozen=True)
class RecordFate:
    """The fate of a record's fields, and of the record as a whole.

    Attributes:
        fields: one entry per stored or purged field, in name order.
        due: when the last field stops being kept; ``None`` while one has no end yet
            (an open case, consent not withdrawn, a purpose without retention).
        purge: nothing is kept any more: the record itself goes now.
        aggregate: when it goes, it is first counted into the aggregate table.
        anonymize: when it goes, its non-identifying clear values stay, unlinked.
    """

    fields: tuple[FieldFate, ...]
    due: datetime | None
    purge: bool
    aggregate: bool
    anonymize: bool

    @property
    def expiring(self) -> tuple[FieldFate, ...]:
        """The fields that must go now (not kept, not already gone)."""
        return tuple(f for f in self.fields if f.fate not in (Fate.KEEP, Fate.GONE))

    @property
    def kept(self) -> tuple[FieldFate, ...]:
        """The fields still kept."""
        return tuple(f for f in self.fields if f.fate is Fate.KEEP)


def purpose_end(purpose: Purpose, facts: RetentionFacts) -> datetime | None:
    """When ``purpose`` stops keeping the record's data; ``None`` when no end is known yet.

    ``None`` means: no retention stated, an open case for ``from: case_closure``, or
    consent not withdrawn for ``from: consent_withdrawal``.

    A purpose resting on consent ends when the consent is withdrawn (or was refused),
    whatever its trigger: without the person's agreement nothing may be kept for it.
    Only ``from: consent_withdrawal`` keeps it a while longer (``keep`` after that).
    """
    rule = purpose.retention
    withdrawn = facts.withdrawn.get(purpose.id)
    if (
        withdrawn is not None
        and purpose.legal_basis is LegalBasis.CONSENT
        and (rule is None or rule.from_ is not RetentionTrigger.CONSENT_WITHDRAWAL)
    ):
        return withdrawn
    if rule is None:
        return None
    start: datetime | None
    if rule.from_ is RetentionTrigger.COLLECTION:
        start = facts.created
    elif rule.from_ is RetentionTrigger.CASE_CLOSURE:
        start = facts.closed
    elif rule.from_ is RetentionTrigger.LAST_CONTACT:
        start = max(facts.last_contact or facts.created, facts.created)
    else:
        start = facts.withdrawn.get(purpose.id)
    if start is None:
        return None
    return start + timedelta(days=rule.keep.days)


def _latest(ends: Iterable[datetime | None]) -> tuple[bool, datetime | None]:
    """``(open_ended, latest)`` of a set of ends; open-ended if any end is unknown."""
    known = []
    for end in ends:
        if end is None:
            return True, None
        known.append(end)
    return False, max(known) if known else None


def decide_retention(plan: Plan, facts: RetentionFacts, now: datetime) -> RecordFate:
    """Decide, at ``now``, the fate of every stored field of one record under ``plan``.

    A field is kept while one of its purposes keeps it (``now`` before that purpose's
    end); past the last end, its fate is the ``then`` of the purpose ending last (a tie
    goes to the ending that keeps most: aggregate, then anonymize, then delete). Fields
    in ``facts.purged`` (or every field of a purged record) are ``GONE``. Fields
    without a purpose in the plan follow the record's other fields.

    Raises:
        KeyError: the plan has no dataset ``facts.dataset``.
    """
    dataset = plan.dataset(facts.dataset)
    purposes = {p.id: p for p in plan.purposes}
    names = sorted(facts.stored | facts.purged)
    own: dict[str, tuple[bool, datetime | None, Fate, str]] = {}
    followers: list[str] = []
    for name in names:
        if facts.record_purged or name in facts.purged:
            continue
        try:
            declared = [purposes[p] for p in dataset.field(name).purposes if p in purposes]
        except KeyError:
            declared = []
        if not declared:
            followers.append(name)
            continue
        ends = [(purpose_end(p, facts), p) for p in declared]
        open_ended, latest = _latest(end for end, _ in ends)
        endings = [
            (_FATE_OF[p.retention.then] if p.retention else Fate.DELETE, p.id)
            for end, p in ends
            if end is not None and end == latest
        ]
        fate, why = max(endings, key=lambda e: _PRESERVING[e[0]]) if endings else (Fate.DELETE, "")
        if open_ended:
            why = next((p.id for end, p in ends if end is None), "")
        own[name] = (open_ended, latest, fate, why)
    record_open, record_end = _latest(end for _, end, _, _ in own.values()) if own else (True, None)
    follow_fate = Fate.DELETE
    if own and not record_open and record_end is not None:
        last = [fate for _, end, fate, _ in own.values() if end == record_end]
        follow_fate = max(last, key=_PRESERVING.__getitem__)
    for name in followers:
        own[name] = (record_open, record_end, follow_fate, "")

    result: list[FieldFate] = []
    for name in names:
        if name not in own:
            result.append(FieldFate(name, Fate.GONE, None))
            continue
        open_ended, end, fate, why = own[name]
        kept = open_ended or end is None or now < end
        result.append(FieldFate(name, Fate.KEEP if kept else fate, end, why))
    live = [f for f in result if f.fate is not Fate.GONE]
    due: datetime | None
    if any(open_ended for open_ended, _, _, _ in own.values()):
        due = None
    else:
        due = max((f.due for f in live if f.due is not None), default=None)
    purge = bool(live) and all(f.fate is not Fate.KEEP for f in live)
    final = {f.fate for f in live if f.fate is not Fate.KEEP}
    closed_anonymized = (
        facts.closed is not None and plan.rights.on_account_closure is AccountClosure.ANONYMIZE
    )
    return RecordFate(
        fields=tuple(result),
        due=due,
        purge=purge,
        aggregate=purge and Fate.AGGREGATE in final,
        anonymize=purge and (Fate.ANONYMIZE in final or closed_anonymized),
    )
