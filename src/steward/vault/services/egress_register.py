"""The egress register: one uniform view of everything that left the vault, or was asked.

Every disclosure request (approved, delivered, expired, refused when it was opened or
by the approver, withdrawn, or still waiting), every extract (released or withheld) and
every aggregate release is an entry, read straight from the egress models
(:mod:`steward.vault.models_egress`): the register is never a copy that could drift.

:func:`register_entries` is the staff read: decided by
:func:`~steward.vault.rules.egress_register.may_read_register` and audited
(``disclosure.read`` on ``egress/register``; refusals too), failing closed. The
transparency report and the sharing inventory (:mod:`.transparency`) read the same
entries through :func:`collect_entries`, which audits nothing and is never handed to a
page: they publish counts only.

An entry holds no personal value: who asked (a party's name, a role), on what ground,
what was decided, and how many records, people and fields; never a record's content,
never a person's name.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final, NoReturn

from django.db import transaction

from steward import clock
from steward.audit import Outcome as AuditOutcome
from steward.vault.audit_actions import AuditAction
from steward.vault.models import StaffMember
from steward.vault.models_egress import (
    AggregateRelease,
    DisclosureItem,
    DisclosureRequest,
    Extract,
)
from steward.vault.rules.egress_register import may_read_register, sees_legal_reference
from steward.vault.rules.staff_standing import StaffStanding
from steward.vault.rules.transparency import NoticeFacts, Outcome, outcome_of
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit

__all__ = [
    "REGISTER_OBJECT",
    "EntryKind",
    "RegisterEntry",
    "collect_entries",
    "may_read",
    "register_entries",
    "require_reader",
]

REGISTER_OBJECT: Final = "egress/register"
"""The audit object of a read of the register."""


class EntryKind(StrEnum):
    """The three kinds of entry."""

    DISCLOSURE = "disclosure"
    EXTRACT = "extract"
    AGGREGATE = "aggregate"


@dataclass(frozen=True)
class RegisterEntry:
    """One line of the register.

    Attributes:
        kind: disclosure, extract or aggregate.
        when: when it was asked for (a disclosure) or made (an extract, a release).
        recipient: the plan recipient's id, or ``""`` for an outside party.
        party: who received it or asked, in words (the plan recipient's name, the
            outside party's own words, ``the public``).
        party_kind: the kind of requester or recipient (``court``, ``donor``, ...).
        ground: the legal ground of a disclosure (``""`` otherwise).
        legal_reference: the order's reference; ``None`` when withheld from this reader
            (or for the public), ``""`` when there is none.
        requester_role, approver_role: the plan roles of who asked and who decided.
        state: the model's state (``refused``, ``delivered``, ``released``, ...).
        outcome: full, partial, refused, refused_at_opening, withdrawn or pending for a
            disclosure; released or withheld for an extract; released for a release.
        records, records_released, people, people_released: counts, never ids.
        fields: the fields asked for (a disclosure), in the extract, or counted by.
        notices_sent, notices_held: notices sent, and held back by a prohibition.
        prohibitions_running: notices still held by a prohibition that has not ended.
        delivered: when it was delivered (a disclosure).
        expired: its delivery or access has expired.
        decision: the reason given (approval, refusal, withheld), never a value.
    """

    kind: EntryKind
    id: str
    when: datetime
    dataset: str
    recipient: str
    party: str
    party_kind: str
    ground: str
    legal_reference: str | None
    requester_role: str
    approver_role: str
    state: str
    outcome: str
    records: int
    records_released: int
    people: int
    people_released: int
    fields: tuple[str, ...]
    notices_sent: int = 0
    notices_held: int = 0
    prohibitions_running: int = 0
    delivered: datetime | None = None
    expired: bool = False
    decision: str = ""
    record_keys: frozenset[str] = frozenset()
    released_keys: frozenset[str] = frozenset()
    people_keys: frozenset[str] = frozenset()
    released_people_keys: frozenset[str] = frozenset()
    notices: tuple[NoticeFacts, ...] = ()
    cells: int = 0
    suppressed: int = 0

    @property
    def under_prohibition(self) -> bool:
        """A notice of this disclosure is still held back by a prohibition."""
        return self.prohibitions_running > 0


ALL_KINDS: Final = frozenset(EntryKind)


def _standing(actor: Actor) -> StaffStanding:
    return StaffStanding(
        role=actor.role,
        user_id=actor.user_id,
        expired=actor.expired(),
        mfa_verified=actor.mfa_verified,
    )


def may_read(vault: Vault, actor: Actor) -> bool:
    """Whether ``actor`` may read the register (decides only; no audit)."""
    return bool(may_read_register(vault.plan, _standing(actor)))


def _kinds(kinds: Iterable[str] | None) -> frozenset[EntryKind]:
    if kinds is None:
        return ALL_KINDS
    chosen = {str(k).strip() for k in kinds if str(k).strip()}
    unknown = chosen - {k.value for k in EntryKind}
    if unknown:
        raise InvalidValue(
            f"kind must be one of {', '.join(k.value for k in EntryKind)}, not "
            f"{', '.join(sorted(unknown))}"
        )
    return frozenset(EntryKind(k) for k in chosen) or ALL_KINDS


def register_entries(
    vault: Vault,
    actor: Actor,
    period_start: datetime,
    period_end: datetime,
    kinds: Iterable[str] | None = None,
) -> list[RegisterEntry]:
    """Every entry made in ``[period_start, period_end)``, newest first, for a reader the
    plan allows. Legal references are shown only to roles that approve disclosures.
    Audited (``disclosure.read`` on ``egress/register``).

    Raises:
        AccessDenied: the actor may not read the register (the refusal is audited).
        InvalidValue: the period ends before it starts, or an unknown kind.
        AuditUnavailable: nothing is returned.
    """
    standing = require_reader(vault, actor)
    if period_end < period_start:
        raise InvalidValue("the period ends before it starts")
    chosen = _kinds(kinds)
    references = sees_legal_reference(vault.plan, standing)
    with transaction.atomic():
        entries = collect_entries(vault, period_start, period_end, chosen, references=references)
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.DISCLOSURE_READ,
            obj=REGISTER_OBJECT,
            purpose=f"{period_start:%Y-%m-%d} to {period_end:%Y-%m-%d}",
        )
    return entries


def require_reader(vault: Vault, actor: Actor) -> StaffStanding:
    """Return the reader's standing if they may read the register.

    Raises:
        AccessDenied: they may not (the refusal is audited, best effort).
    """
    standing = _standing(actor)
    allowed = may_read_register(vault.plan, standing)
    if not allowed:
        _deny(vault, actor, allowed.reason)
    return standing


def _deny(vault: Vault, actor: Actor, reason: str) -> NoReturn:
    with suppress(AuditUnavailable), transaction.atomic():
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.DISCLOSURE_READ,
            obj=REGISTER_OBJECT,
            outcome=AuditOutcome.DENIED,
        )
    raise AccessDenied(reason)


def collect_entries(
    vault: Vault,
    period_start: datetime,
    period_end: datetime,
    kinds: Collection[EntryKind] = ALL_KINDS,
    *,
    references: bool = False,
    now: datetime | None = None,
) -> list[RegisterEntry]:
    """The entries of ``[period_start, period_end)``, newest first; no decision, no
    audit (callers decide and audit, or publish counts only). Legal references are
    included only with ``references``. Notices and expiry stand as at ``now``."""
    moment = now or clock.now()
    roles = dict(StaffMember.objects.values_list("user_id", "role"))
    names = {r.id: r.name for r in vault.plan.recipients}
    kinds_of = {r.id: r.kind.value for r in vault.plan.recipients}
    found: list[RegisterEntry] = []
    if EntryKind.DISCLOSURE in kinds:
        rows = (
            DisclosureRequest.objects.filter(
                requested_at__gte=period_start, requested_at__lt=period_end
            )
            .prefetch_related("items", "notices", "deliveries")
            .order_by("-requested_at", "-id")
        )
        found += [_disclosure(row, roles, names, kinds_of, references, moment) for row in rows]
    if EntryKind.EXTRACT in kinds:
        extracts = Extract.objects.filter(made_at__gte=period_start, made_at__lt=period_end)
        found += [_extract(row, roles, names, kinds_of, moment) for row in extracts]
    if EntryKind.AGGREGATE in kinds:
        releases = AggregateRelease.objects.filter(
            released_at__gte=period_start, released_at__lt=period_end
        )
        found += [_aggregate(row, roles, names, kinds_of) for row in releases]
    found.sort(key=lambda e: (e.when, e.id), reverse=True)
    return found


def _item_keys(items: Iterable[DisclosureItem]) -> tuple[frozenset[str], frozenset[str]]:
    records = frozenset(f"record/{i.record_id}" if i.record_id else f"item/{i.pk}" for i in items)
    people = frozenset(f"subject/{i.subject_id}" if i.subject_id else f"item/{i.pk}" for i in items)
    return records, people


def _disclosure(
    row: DisclosureRequest,
    roles: dict[int, str],
    names: dict[str, str],
    kinds_of: dict[str, str],
    references: bool,
    now: datetime,
) -> RegisterEntry:
    items = list(row.items.all())
    released = [i for i in items if i.released]
    records, people = _item_keys(items)
    released_records, released_people = _item_keys(released)
    notices = tuple(
        NoticeFacts(
            person=f"subject/{n.subject_id}",
            sent=n.sent is not None and n.sent <= now,
            delayed=n.prohibited_until is not None,
            running=n.prohibited_until is not None
            and n.prohibited_until > now
            and (n.sent is None or n.sent > now),
        )
        for n in row.notices.all()
    )
    deliveries = list(row.deliveries.all())
    expired = row.state == DisclosureRequest.State.EXPIRED or (
        bool(deliveries) and all(d.expires <= now for d in deliveries)
    )
    outcome = outcome_of(
        row.state,
        row.compliance,
        row.decided_by_id is not None,
        records_asked=len(items),
        records_released=len(released),
        fields_asked=row.fields_asked or [],
        fields_released=row.fields_released or [],
    )
    return RegisterEntry(
        kind=EntryKind.DISCLOSURE,
        id=str(row.pk),
        when=row.requested_at,
        dataset=row.dataset,
        recipient=row.recipient,
        party=names.get(row.recipient, row.recipient) if row.recipient else row.party,
        party_kind=row.party_kind or kinds_of.get(row.recipient, ""),
        ground=row.ground,
        legal_reference=row.legal_reference if references else None,
        requester_role=roles.get(row.requested_by_id, ""),
        approver_role=roles.get(row.decided_by_id, "") if row.decided_by_id else "",
        state=row.state,
        outcome=outcome.value,
        records=len(records),
        records_released=len(released_records) if _complied(outcome) else 0,
        people=len(people),
        people_released=len(released_people) if _complied(outcome) else 0,
        fields=tuple(row.fields_asked or ()),
        notices_sent=sum(n.sent for n in notices),
        notices_held=sum(n.delayed for n in notices),
        prohibitions_running=sum(n.running for n in notices),
        delivered=row.delivered_at,
        expired=expired,
        decision=row.decision,
        record_keys=records,
        released_keys=released_records,
        people_keys=people,
        released_people_keys=released_people,
        notices=notices,
    )


def _complied(outcome: Outcome) -> bool:
    return outcome in (Outcome.FULL, Outcome.PARTIAL)


def _extract(
    row: Extract,
    roles: dict[int, str],
    names: dict[str, str],
    kinds_of: dict[str, str],
    now: datetime,
) -> RegisterEntry:
    released = row.state != Extract.State.WITHHELD
    party = names.get(row.recipient, row.recipient) if row.recipient else f"role {row.role}"
    return RegisterEntry(
        kind=EntryKind.EXTRACT,
        id=str(row.pk),
        when=row.made_at,
        dataset=row.dataset,
        recipient=row.recipient,
        party=party,
        party_kind=kinds_of.get(row.recipient, "analyst" if row.role else ""),
        ground="",
        legal_reference="",
        requester_role=roles.get(row.made_by_id, ""),
        approver_role="",
        state=row.state,
        outcome="released" if released else "withheld",
        records=row.source_records,
        records_released=row.rows if released else 0,
        people=0,
        people_released=0,
        fields=tuple(row.fields or ()),
        expired=row.state == Extract.State.EXPIRED
        or (row.expires is not None and row.expires <= now),
        decision=row.withheld,
    )


def _aggregate(
    row: AggregateRelease,
    roles: dict[int, str],
    names: dict[str, str],
    kinds_of: dict[str, str],
) -> RegisterEntry:
    public = row.audience == "public"
    return RegisterEntry(
        kind=EntryKind.AGGREGATE,
        id=str(row.pk),
        when=row.released_at,
        dataset=row.dataset,
        recipient="" if public else row.audience,
        party="the public" if public else names.get(row.audience, row.audience),
        party_kind="public" if public else kinds_of.get(row.audience, ""),
        ground="",
        legal_reference="",
        requester_role=roles.get(row.released_by_id, "") if row.released_by_id else "",
        approver_role="",
        state="released",
        outcome="released",
        records=0,
        records_released=0,
        people=0,
        people_released=0,
        fields=tuple(row.by_fields or ()),
        decision=f"{row.suppressed} of {row.cells} cells suppressed",
        cells=row.cells,
        suppressed=row.suppressed,
    )
