"""What the oversight body reads: the audit log's checkpoints and their verification,
access statistics and plan changes (the disclosure register is read through
:mod:`.egress_register`, which lets overseeing roles in).

Every read is decided by :func:`~steward.vault.rules.oversight.may_oversee` and audited
(``oversight.read``, refusals too) in the same transaction as the read, failing closed.
Nothing here writes anything but the audit entry.

**Audit entries are not shown to the oversight body.** An entry holds no personal value,
but it names which staff member touched which record (as keyed hashes that staff pages
can resolve). The body needs patterns, not the trail of one case: it sees the signed
checkpoints, the verification result and counts of reveals and denials by role and by
staff member (:func:`access_statistics`). A role that ``reads_audit`` still browses the
entries on ``/staff/audit/``.
"""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, NoReturn

from django.contrib.auth import get_user_model
from django.db import transaction

from steward.audit import AuditError, parse_checkpoint, read_checkpoint_notes, verify_log
from steward.audit import Outcome as AuditOutcome
from steward.policy import diff_plans
from steward.policy.model import Plan
from steward.vault.audit_actions import AuditAction
from steward.vault.audit_store import DatabaseAuditStore
from steward.vault.models import PlanVersion, StaffMember
from steward.vault.rules.oversight import may_oversee, unusual_access
from steward.vault.rules.staff_standing import StaffStanding
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.checkpoints import configured_policy, keys_dir, verifier_key

__all__ = [
    "OVERSIGHT_OBJECT",
    "AccessStatistics",
    "access_statistics",
    "checkpoints_and_verification",
    "count_access",
    "plan_changes",
    "plan_history",
    "read_audited",
    "require_overseer",
]

OVERSIGHT_OBJECT: Final = "oversight"
"""The audit object of the oversight body's reads (``oversight/<what>``)."""


def require_overseer(vault: Vault, actor: Actor, what: str) -> StaffStanding:
    """The actor's standing if they may read the oversight pages.

    Raises:
        AccessDenied: they may not (the refusal is audited, best effort).
    """
    standing = StaffStanding(actor.role, actor.user_id, actor.expired(), actor.mfa_verified)
    decision = may_oversee(standing)
    if not decision:
        _deny(vault, actor, what, decision.reason)
    return standing


def _deny(vault: Vault, actor: Actor, what: str, reason: str) -> NoReturn:
    with suppress(AuditUnavailable), transaction.atomic():
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.OVERSIGHT_READ,
            obj=f"{OVERSIGHT_OBJECT}/{what}",
            outcome=AuditOutcome.DENIED,
        )
    raise AccessDenied(reason)


def read_audited(vault: Vault, actor: Actor, what: str, purpose: str = "") -> None:
    """Decide and write the ``oversight.read`` entry; call inside the read's
    ``transaction.atomic()``.

    Raises:
        AccessDenied: the actor does not oversee (audited).
        AuditUnavailable: the entry could not be written.
    """
    require_overseer(vault, actor, what)
    audit(
        vault,
        actor=actor.ref,
        action=AuditAction.OVERSIGHT_READ,
        obj=f"{OVERSIGHT_OBJECT}/{what}",
        purpose=purpose,
    )


# -- checkpoints ----------------------------------------------------------------------------


def checkpoints_and_verification(vault: Vault, actor: Actor) -> dict[str, Any]:
    """The stored checkpoints (size and time) and the result of verifying the whole log
    against them and the witness copies. Audited.

    Raises:
        AccessDenied, AuditUnavailable: see :func:`read_audited`.
        AuditError: the log or its checkpoints cannot be read.
    """
    with transaction.atomic():
        read_audited(vault, actor, "checkpoints")
    store = vault.audit.store
    if isinstance(store, DatabaseAuditStore):
        stored = [
            {"size": parse_checkpoint(note).size, "time": when.isoformat()}
            for note, when in store.checkpoint_times()
        ]
    else:
        stored = [{"size": parse_checkpoint(n).size, "time": None} for n in store.checkpoints()]
    key = verifier_key(keys_dir())
    witness = configured_policy().witness_dir
    kept = read_checkpoint_notes(witness) if witness is not None and witness.is_dir() else []
    report = verify_log(store, public_key=key, kept=kept)
    return {
        "checkpoints": stored,
        "verification": {
            "ok": report.ok,
            "entries": report.size,
            "reason": report.reason,
            "checkpoints_checked": report.checkpoints_checked,
            "root": report.root_hash.hex(),
            "signed": key is not None,
            "witness_copies": len(kept),
        },
    }


# -- access statistics ------------------------------------------------------------------


@dataclass
class AccessStatistics:
    """Reveals and denials in ``[start, end)`` by role and by staff member (username).

    ``unusual`` lists the staff whose reveals are far above their role's peers (see
    :mod:`steward.vault.rules.oversight`)."""

    start: datetime
    end: datetime
    reveals_by_role: dict[str, int] = field(default_factory=dict)
    denials_by_role: dict[str, int] = field(default_factory=dict)
    reveals_by_staff: dict[str, int] = field(default_factory=dict)
    denials_by_staff: dict[str, int] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    unusual: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "reveals_by_role": self.reveals_by_role,
            "denials_by_role": self.denials_by_role,
            "reveals_by_staff": self.reveals_by_staff,
            "denials_by_staff": self.denials_by_staff,
            "unusual": self.unusual,
        }


def count_access(vault: Vault, start: datetime, end: datetime) -> AccessStatistics:
    """Count reveals (``field.reveal`` allowed) and denials (any entry ``denied``) of staff
    in ``[start, end)`` from the audit log; no decision, no audit (callers decide and
    audit). Staff are named by username with their current role; entries by others
    (people, tokens, staff since removed) are left out.

    Raises:
        InvalidValue: the period ends before it starts.
        AuditError: the log cannot be read.
    """
    if end < start:
        raise InvalidValue("the period ends before it starts")
    hasher = vault.audit.hasher
    if hasher is None:
        raise AuditError("the audit log has no reference key, so staff cannot be counted")
    user_model = get_user_model()
    names = dict(user_model.objects.values_list("id", "username"))
    members = {
        hasher.actor(f"staff/{user_id}"): (names.get(user_id, f"staff {user_id}"), role)
        for user_id, role in StaffMember.objects.values_list("user_id", "role")
    }
    low, high = _entry_time(start), _entry_time(end)
    reveals: Counter[str] = Counter()
    denials: Counter[str] = Counter()
    for entry in vault.audit.entries(*_seq_span(vault, start, end)):
        if not (low <= entry.time < high) or entry.actor_ref not in members:
            continue
        name = members[entry.actor_ref][0]
        if entry.outcome == AuditOutcome.DENIED:
            denials[name] += 1
        elif entry.action == AuditAction.FIELD_REVEAL:
            reveals[name] += 1
    roles = dict(members.values())
    stats = AccessStatistics(start, end, roles=roles)
    stats.reveals_by_staff = dict(sorted(reveals.items()))
    stats.denials_by_staff = dict(sorted(denials.items()))
    stats.reveals_by_role = _by_role(reveals, roles)
    stats.denials_by_role = _by_role(denials, roles)
    stats.unusual = [f.as_json() for f in unusual_access(reveals, roles)]
    return stats


def _seq_span(vault: Vault, start: datetime, end: datetime) -> tuple[int, int | None]:
    """The entry numbers to read for ``[start, end)``: those the store indexes by time
    (the vault's database store), else the whole log."""
    span = getattr(vault.audit.store, "seq_span", None)
    if span is None:
        return 0, None
    first, stop = span(start, end)
    return int(first), int(stop)


def _entry_time(moment: datetime) -> str:
    """``moment`` as audit entries write their time (UTC, ISO 8601 to the microsecond),
    so entry times compare as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _by_role(counts: Counter[str], roles: dict[str, str]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for name, count in counts.items():
        total[roles[name]] += count
    return dict(sorted(total.items()))


def access_statistics(
    vault: Vault, actor: Actor, start: datetime, end: datetime
) -> AccessStatistics:
    """:func:`count_access` for an overseeing reader. Audited.

    Raises:
        AccessDenied, AuditUnavailable: see :func:`read_audited`.
        InvalidValue: the period ends before it starts.
        AuditError: the log cannot be read.
    """
    if end < start:
        raise InvalidValue("the period ends before it starts")
    with transaction.atomic():
        read_audited(vault, actor, "statistics", f"{start:%Y-%m-%d} to {end:%Y-%m-%d}")
    return count_access(vault, start, end)


# -- plan changes -----------------------------------------------------------------------


def plan_history(
    start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, Any]]:
    """Every plan version first loaded in ``[start, end)`` (all when not given), oldest
    first, with its date, digest and what changed from the version before it. No
    decision, no audit. A version whose snapshot was not kept says so."""
    rows = list(PlanVersion.objects.order_by("first_loaded", "id"))
    history: list[dict[str, Any]] = []
    previous: Plan | None = None
    previous_known = False
    for row in rows:
        plan = _plan_of(row.snapshot)
        if plan is None:
            changes: list[dict[str, str]] | None = None
        elif previous is None:
            changes = [] if not previous_known else None
        else:
            changes = [c.as_dict() for c in diff_plans(previous, plan)]
        inside = (start is None or row.first_loaded >= start) and (
            end is None or row.first_loaded < end
        )
        if inside:
            history.append(
                {
                    "version": row.version,
                    "digest": row.digest,
                    "first_loaded": row.first_loaded.isoformat(),
                    "first": not previous_known,
                    "changes": changes,
                }
            )
        previous, previous_known = plan, True
    return history


def _plan_of(snapshot: object) -> Plan | None:
    if not isinstance(snapshot, dict) or not snapshot:
        return None
    try:
        return Plan.model_validate(snapshot)
    except ValueError:
        return None


def plan_changes(vault: Vault, actor: Actor) -> list[dict[str, Any]]:
    """:func:`plan_history` of every version, for an overseeing reader. Audited.

    Raises:
        AccessDenied, AuditUnavailable: see :func:`read_audited`.
    """
    with transaction.atomic():
        read_audited(vault, actor, "plan-changes")
        return plan_history()
