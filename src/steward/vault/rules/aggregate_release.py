"""Who may release counts, to whom, by which fields, over which period, and who may see
them. Plain Python: no Django, no database, no clock (today is passed in).

* **Releasing** is for a signed-in staff person in good standing whose role approves
  disclosures (the privacy officer): counts leave the vault as surely as records do.
* **Audiences** are a plan recipient that receives aggregates only (``aggregates_only``)
  with its own ``min_group_size``, or ``public``, whose smallest group is the largest
  ``min_group_size`` of those recipients (:data:`PUBLIC_MIN_GROUP` when there are none).
* **Fields** are the dataset's clear fields that identify nobody; for a recipient, only
  those of its categories (when it lists any) and serving one of its purposes (when it
  lists any); for the public, those any aggregates-only recipient may receive (every
  such field when the plan has none). A field the audience receives only through
  purposes based on consent is counted only over records whose person agrees now.
* **Periods** are whole calendar months that have ended: a period still running would
  give a new count with every new record, and two such counts differ by one person.
* **Consistency.** Whoever sees two releases could subtract one from the other. A
  recipient sees its own releases and the public ones; so a new release that shares a
  dataset, a field and any month with one they already see must be that very release
  (same fields, period and smallest group): it is then given again, unchanged, and
  never recounted. Anything else is refused (:func:`release_conflict`).
* **Seeing** releases: approvers see all of them; a role that acts for a recipient
  (``Role.recipient``) sees that recipient's and the public ones; the public page shows
  public ones only; everyone else, none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from steward.policy.model import Dataset, LegalBasis, Plan, Recipient, Role
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal

__all__ = [
    "PUBLIC",
    "PUBLIC_MIN_GROUP",
    "Audience",
    "Earlier",
    "audience_of",
    "month_period",
    "release_conflict",
    "release_refusal",
    "visible_audiences",
]

PUBLIC = "public"
"""The audience of the public statistics page."""

PUBLIC_MIN_GROUP = 10
"""The public's smallest group when the plan has no aggregates-only recipient."""

MAX_FIELDS = 2
"""A release counts by one field, or cross-tabulates two."""


@dataclass(frozen=True)
class Audience:
    """Who a release is for: its id, smallest group, and what it may be counted by.

    ``fields`` maps each field the audience may count by to the consent-based purposes
    a record must have its person's agreement to (empty: none needed).
    """

    id: str
    min_group_size: int
    fields: dict[str, frozenset[str]]


def _consent_gate(plan: Plan, purposes: Sequence[str]) -> frozenset[str]:
    """The consent purposes a record needs for a field reached through ``purposes``:
    empty when one of them needs no consent."""
    consent = {p for p in purposes if plan.purpose(p).legal_basis is LegalBasis.CONSENT}
    return frozenset(consent) if consent == set(purposes) else frozenset()


def _recipient_fields(
    plan: Plan, dataset: Dataset, countable: Sequence[str], recipient: Recipient
) -> dict[str, frozenset[str]]:
    """The countable fields ``recipient`` may receive, with their consent gates."""
    if not recipient.categories and not recipient.purposes:
        return {}
    specs = {spec.name: spec for spec in dataset.collected_fields}
    found: dict[str, frozenset[str]] = {}
    for name in countable:
        spec = specs[name]
        if recipient.categories and spec.category not in recipient.categories:
            continue
        reached = [p for p in spec.purposes if not recipient.purposes or p in recipient.purposes]
        if reached:
            found[name] = _consent_gate(plan, reached)
    return found


def audience_of(plan: Plan, dataset: Dataset, countable: Sequence[str], audience: str) -> Audience:
    """The audience ``audience`` (a recipient id or ``public``) for ``dataset``, whose
    clear fields that identify nobody are ``countable``.

    Raises:
        ValueError: no such recipient, or one that does not receive aggregates only.
    """
    donors = [r for r in plan.recipients if r.aggregates_only]
    if audience == PUBLIC:
        if not donors:
            return Audience(PUBLIC, PUBLIC_MIN_GROUP, dict.fromkeys(countable, frozenset()))
        fields: dict[str, frozenset[str]] = {}
        for donor in donors:
            for name, gate in _recipient_fields(plan, dataset, countable, donor).items():
                fields[name] = gate if name not in fields else fields[name] & gate
        size = max(r.min_group_size or PUBLIC_MIN_GROUP for r in donors)
        return Audience(PUBLIC, size, fields)
    found = next((r for r in plan.recipients if r.id == audience), None)
    if found is None:
        names = ", ".join(r.id for r in donors) or "none"
        raise ValueError(f"the plan has no recipient '{audience}' (aggregates only: {names})")
    if not found.aggregates_only:
        raise ValueError(f"recipient '{audience}' does not receive aggregates only")
    size = found.min_group_size or PUBLIC_MIN_GROUP
    return Audience(found.id, size, _recipient_fields(plan, dataset, countable, found))


def month_period(start: date, end: date, today: date) -> tuple[date, date]:
    """The whole months from ``start``'s month to ``end``'s month: the first day of the
    first and the last day of the last.

    Raises:
        ValueError: the period ends before it starts, or its last month has not ended.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    first = date(start.year, start.month, 1)
    after = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    if after > date(today.year, today.month, 1):
        raise ValueError("a period must end with a month that has ended (whole months only)")
    return first, date.fromordinal(after.toordinal() - 1)


def release_refusal(who: StaffStanding) -> str | None:
    """Why ``who`` may not release counts, or ``None`` when they may."""
    refusal = standing_refusal(who, "counts are released")
    if refusal:
        return refusal
    if not who.role.approves_disclosures:
        return "only a role that approves disclosures releases counts"
    return None


def visible_audiences(role: Role | None, recipients: Sequence[str]) -> frozenset[str]:
    """The audiences whose releases ``role`` may see (``None``: the public)."""
    if role is None:
        return frozenset({PUBLIC})
    if role.recipient is not None:
        return frozenset({PUBLIC, role.recipient})
    if role.staff and role.approves_disclosures:
        return frozenset({PUBLIC, *recipients})
    return frozenset()


@dataclass(frozen=True)
class Earlier:
    """What the consistency rule needs of a release: to whom, of what, when, how."""

    id: str
    dataset: str
    audience: str
    by_fields: tuple[str, ...]
    start: date
    end: date
    min_group_size: int
    dp: bool = False


def _seen_together(one: str, other: str) -> bool:
    return one == other or PUBLIC in (one, other)


def release_conflict(new: Earlier, earlier: Sequence[Earlier]) -> tuple[Earlier | None, str]:
    """Check ``new`` against the releases already made.

    Returns ``(same, "")`` with the earlier release to give again when ``new`` is one
    already made for the same audience; ``(None, reason)`` when ``new`` could be
    subtracted from one its audience already sees; ``(None, "")`` when it is free.
    """
    for old in earlier:
        if old.dataset != new.dataset or not _seen_together(old.audience, new.audience):
            continue
        if not set(old.by_fields) & set(new.by_fields):
            continue
        if old.end < new.start or new.end < old.start:
            continue
        same = (old.audience, old.by_fields, old.start, old.end, old.min_group_size, old.dp)
        if same == (new.audience, new.by_fields, new.start, new.end, new.min_group_size, new.dp):
            return old, ""
        return None, (
            f"release {old.id} ({old.audience}, by {', '.join(old.by_fields)}, "
            f"{old.start.isoformat()} to {old.end.isoformat()}) already shows counts of these "
            "months by a shared field to this audience; a different table could be "
            "subtracted from it: ask for the same table, or for other months"
        )
    return None, ""
