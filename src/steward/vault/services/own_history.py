"""What a person's own page tells them besides their values: their consent answers,
their rights requests, and who accessed their records.

Who accessed is read from the audit log, where actors and objects are stored as keyed
references: the entries about the person's records (``record/<id>``) and about the
person (``subject/<id>``) are found by computing those references, and each actor
reference is matched against the references of the vault's staff accounts, service
tokens and automatic jobs. People see the role, what was done and when; staff user
names only where the plan says so (``rights.show_staff_names``). The person's own
actions are left out (they are in their requests and they did them).
No value is read here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from uuid import UUID

from django.db import DatabaseError

from steward.audit import AuditEntry, AuditError, ReferenceHasher
from steward.policy.model import Plan
from steward.vault.audit_actions import AuditAction
from steward.vault.models import (
    AuditEntryRow,
    Consent,
    RightsRequest,
    ServiceToken,
    StaffMember,
)
from steward.vault.runtime import Vault

_TIME: Final = "%Y-%m-%dT%H:%M:%S.%fZ"
AUTOMATIC: Final = "Steward (automatic)"
UNKNOWN_ACTOR: Final = "Someone at the organization"
_SYSTEM: Final = {
    "system/jobs": AUTOMATIC,
    "system/retention": AUTOMATIC,
    "system/ledger-replay": AUTOMATIC,
    "public/intake": "The form you filled in",
}
_DONE: Final[dict[str, str]] = {
    AuditAction.RECORD_CREATE: "received",
    AuditAction.RECORD_READ: "read",
    AuditAction.RECORD_ASSIGN: "assigned",
    AuditAction.RECORD_CLOSE: "closed",
    AuditAction.RECORD_REOPEN: "reopened",
    AuditAction.FIELD_REVEAL: "revealed",
    AuditAction.FIELD_WRITE: "changed",
    AuditAction.RECORD_PURGE: "deleted",
    AuditAction.RECORD_FIELDS_PURGE: "deleted some fields",
    AuditAction.SUBJECT_ERASE: "erased",
    AuditAction.KEY_SHRED: "destroyed the key",
    AuditAction.ERASURE_REQUEST: "asked to erase",
    AuditAction.ERASURE_APPROVE: "approved erasure",
    AuditAction.ERASURE_REFUSE: "refused erasure",
    AuditAction.ERASURE_CANCEL: "cancelled erasure",
    AuditAction.RIGHTS_DECIDE: "answered your request",
    AuditAction.CODE_REISSUE: "issued a new access code",
    AuditAction.DATASET_EXPORT: "exported",
}
_BASES: Final = {
    "consent": "your consent",
    "legal_obligation": "a legal obligation",
    "public_task": "a public task",
    "vital_interest": "protecting someone's life",
    "contract": "a contract with you",
    "legitimate_interest": "the organization's legitimate interest",
}


def legal_basis_words(basis: str | None) -> str:
    """A legal basis in plain words (``public_task`` -> ``a public task``)."""
    if not basis:
        return "not stated"
    return _BASES.get(basis, basis.replace("_", " "))


@dataclass(frozen=True)
class ConsentEntry:
    """One consent answer of the person, and its withdrawal if any."""

    record: UUID
    purpose: str
    label: str
    granted: bool
    given: datetime
    withdrawn: datetime | None
    by_guardian: bool


@dataclass(frozen=True)
class RequestEntry:
    """One of the person's rights requests, as the register holds it (no values)."""

    id: int
    kind: str
    record: UUID | None
    field: str
    field_label: str
    received: datetime
    due: datetime | None
    status: str
    decision: str


@dataclass(frozen=True)
class AccessEntry:
    """One access to the person's records: when, by whom (a role), what was done."""

    when: datetime
    who: str
    action: str
    outcome: str


def consent_history(plan: Plan, subject_id: UUID) -> tuple[ConsentEntry, ...]:
    """Every consent answer of the person, oldest first (both answers are kept)."""
    labels = {p.id: p.label for p in plan.purposes}
    rows = Consent.objects.filter(subject_id=subject_id).order_by("given", "id")
    return tuple(
        ConsentEntry(
            record=row.record_id,
            purpose=row.purpose,
            label=labels.get(row.purpose, row.purpose),
            granted=row.granted,
            given=row.given,
            withdrawn=row.withdrawn,
            by_guardian=row.by_guardian,
        )
        for row in rows
    )


def requests_of(plan: Plan, subject_id: UUID) -> tuple[RequestEntry, ...]:
    """The person's rights requests, newest first."""
    out = []
    for row in RightsRequest.objects.filter(subject_id=subject_id):
        label = row.field
        if row.field and row.dataset:
            try:
                label = plan.dataset(row.dataset).field(row.field).label
            except KeyError:
                label = row.field
        out.append(
            RequestEntry(
                id=row.id,
                kind=row.kind,
                record=row.record_id,
                field=row.field,
                field_label=label,
                received=row.received,
                due=row.due,
                status=row.status,
                decision=row.decision,
            )
        )
    return tuple(out)


def actor_names(vault: Vault, hasher: ReferenceHasher) -> dict[str, str]:
    """Who each known actor reference is, as a person may be told: a staff member's
    role (and user name where the plan shows staff names), a service token's role,
    or Steward itself."""
    plan = vault.plan
    roles = {role.id: role.label for role in plan.roles}
    names = {hasher.actor(ref): label for ref, label in _SYSTEM.items()}
    for member in StaffMember.objects.select_related("user"):
        label = roles.get(member.role, "Staff")
        if plan.rights.show_staff_names:
            label = f"{label} ({member.user.get_username()})"
        names[hasher.actor(f"staff/{member.user_id}")] = label
    for name, role in ServiceToken.objects.values_list("name", "role"):
        names[hasher.actor(f"token/{name}")] = f"{roles.get(role, 'Staff')} (a connected system)"
    return names


def accesses_of(
    vault: Vault, subject_id: UUID, records: Iterable[UUID]
) -> tuple[AccessEntry, ...] | None:
    """Who did what with the person's records, newest first; ``None`` when the audit
    log cannot be read now. The person's own actions are left out.

    References cannot be looked up without the key, so the references of the person's
    records and of the person are computed, and only the entries holding them are read,
    through the log's object index (``AuditEntryRow.object_ref``): the cost follows the
    person's own entries, not the size of the log.
    """
    hasher = vault.audit.hasher
    if hasher is None:
        return None
    objects = {hasher.object(f"record/{r}") for r in records}
    objects.add(hasher.object(f"subject/{subject_id}"))
    own = hasher.actor(f"person/{subject_id}")
    names = actor_names(vault, hasher)
    found: list[AccessEntry] = []
    try:
        rows = (
            AuditEntryRow.objects.filter(object_ref__in=sorted(objects))
            .order_by("seq")
            .values_list("record", flat=True)
        )
        for record in rows.iterator(500):
            entry = AuditEntry.from_record(bytes(record))
            if entry.object_ref not in objects or entry.actor_ref == own:
                continue
            found.append(
                AccessEntry(
                    when=datetime.strptime(entry.time, _TIME).replace(tzinfo=UTC),
                    who=names.get(entry.actor_ref, UNKNOWN_ACTOR),
                    action=_DONE.get(entry.action, entry.action.replace(".", " ")),
                    outcome=str(entry.outcome),
                )
            )
    except (AuditError, DatabaseError, ValueError):
        return None
    found.reverse()
    return tuple(found)
