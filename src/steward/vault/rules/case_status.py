"""Who may close a case, and reopen it. Pure functions of the plan and a few facts.

The rule, as docs/staff.md states it:

* The actor holds a staff role that has not expired, on an account whose temporary
  access has not ended and, if the role needs it, that passed a second factor.
* The role may change some field of the case's dataset (a write grant the role can
  use: see :func:`steward.policy.access.decide`). Closing and reopening are changes
  to the case, so the people who work it close it. Which cases the role reaches is
  its scope (``all``, ``team``, ``assigned``), applied before this rule: a case out of
  scope is answered like one that does not exist.
* A reason is given: at least 8 characters that say why, no control characters, at
  most 500 characters (the same test as a reveal's reason). It is audited as typed.
* Only an open case is closed, and only a closed case reopened (else: a conflict).
* A closed case whose details were deleted (retention after closing) is never
  reopened: nothing is left to work on.
* If the plan sets ``cases.reopen_within``, a case is reopened only until that long
  after it was closed (the last moment included); ``0d`` means never. Without it, a
  closed case may be reopened at any time while its details are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from steward.policy import decide
from steward.policy.model import Action, Plan, Role
from steward.vault.rules.reveal import reason_problem


class CaseChange(StrEnum):
    """What is asked of a case's status."""

    CLOSE = "close"
    REOPEN = "reopen"


class Refusal(StrEnum):
    """Why a change is refused (``NONE`` when it is allowed)."""

    NONE = "none"
    ROLE = "role"
    """The actor (role, account, second factor) may not change cases of this dataset."""
    REASON = "reason"
    STATE = "state"
    """The case is already in the state asked for: a conflict, not a permission."""
    PURGED = "purged"
    WINDOW = "window"


@dataclass(frozen=True)
class Worker:
    """Who wants to close or reopen: their role, and the state of their sign-in."""

    role: Role
    expired: bool = False
    mfa_verified: bool = True


@dataclass(frozen=True)
class CaseState:
    """What the rule looks at on a case.

    Attributes:
        dataset: the case's dataset id.
        closed: when it was closed, or ``None`` while it is open.
        purged: whether its details were deleted after closing.
    """

    dataset: str
    closed: datetime | None
    purged: bool = False


@dataclass(frozen=True)
class StatusDecision:
    """The answer, with a plain sentence that never holds the reason typed."""

    refusal: Refusal
    message: str

    @property
    def allowed(self) -> bool:
        """Whether the change may be made."""
        return self.refusal is Refusal.NONE

    def __bool__(self) -> bool:
        return self.allowed


def may_change_cases(plan: Plan, worker: Worker, dataset_id: str, now: datetime) -> StatusDecision:
    """Whether ``worker`` may close or reopen cases of ``dataset_id`` at all (no case facts)."""
    role = worker.role
    if not role.staff:
        return _refuse(Refusal.ROLE, "only staff close or reopen cases")
    if worker.expired:
        return _refuse(Refusal.ROLE, "this account's temporary access has ended")
    if role.mfa and not worker.mfa_verified:
        return _refuse(Refusal.ROLE, "this role must sign in with a second factor")
    try:
        dataset = plan.dataset(dataset_id)
    except KeyError:
        return _refuse(Refusal.ROLE, "the case's dataset is no longer in the plan")
    today = now.date()
    if role.temporary and role.expires is not None and today > role.expires:
        return _refuse(Refusal.ROLE, f"the role's temporary access expired on {role.expires}")
    if not any(decide(role, Action.WRITE, s, today=today) for s in dataset.collected_fields):
        return _refuse(
            Refusal.ROLE,
            f"the role '{role.id}' may change nothing of this dataset, so it may not close "
            "or reopen its cases",
        )
    return StatusDecision(Refusal.NONE, "the role may change this dataset's cases")


def decide_status_change(
    plan: Plan,
    worker: Worker,
    case: CaseState,
    change: CaseChange,
    reason: str,
    now: datetime,
) -> StatusDecision:
    """Whether ``worker`` may make ``change`` to ``case`` at ``now``, with ``reason``.

    The checks run in the order of the module's list; the first that fails is the answer.
    """
    allowed = may_change_cases(plan, worker, case.dataset, now)
    if not allowed:
        return allowed
    problem = reason_problem(reason)
    if problem is not None:
        return _refuse(Refusal.REASON, problem)
    if change is CaseChange.CLOSE:
        if case.closed is not None:
            return _refuse(Refusal.STATE, "the case is already closed")
        return StatusDecision(Refusal.NONE, "the case is closed")
    return _reopening(plan, case, now)


def reopen_deadline(plan: Plan, closed: datetime) -> datetime | None:
    """The last moment a case closed at ``closed`` may be reopened, or ``None`` (no limit)."""
    window = plan.cases.reopen_within
    if window is None:
        return None
    return closed + timedelta(days=window.days)


def _reopening(plan: Plan, case: CaseState, now: datetime) -> StatusDecision:
    if case.closed is None:
        return _refuse(Refusal.STATE, "the case is open")
    if case.purged:
        return _refuse(
            Refusal.PURGED,
            "the case's details were deleted after it closed, as the plan's retention "
            "says, so it cannot be reopened; open a new case instead",
        )
    deadline = reopen_deadline(plan, case.closed)
    if deadline is not None and now > deadline:
        window = plan.cases.reopen_within
        assert window is not None
        return _refuse(
            Refusal.WINDOW,
            f"the plan lets a case be reopened only within {window.describe()} of closing; "
            f"this one could be reopened until {deadline.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        )
    return StatusDecision(Refusal.NONE, "the case is reopened")


def _refuse(refusal: Refusal, message: str) -> StatusDecision:
    return StatusDecision(refusal, message)
