"""The privacy officer's queue of people's rights requests: who may see and decide it,
which decisions fit which request, and the order it is answered in.

Pure decisions, tested as tables; the service
(:mod:`steward.vault.services.rights_requests`) fetches the facts and carries them out.

- The register is seen and decided by the staff roles of
  :func:`steward.policy.rights_officer_roles` (the roles that approve disclosures),
  signed in as a person (never a service token), with a second factor where the role
  needs one, while their access lasts. Everyone else is refused.
- An open correction is applied or refused; an open erasure is carried out or refused;
  any other open request (a copy of fields the person's page does not show, ...) is
  marked answered (after staff gave the person what they asked for outside Steward)
  or refused. A request that is done or refused is final.
- A decision needs a reason that says something (the reveal rule's test); the reason
  is shown to the person and kept, so it must hold no personal value.
- Overdue means open with its deadline passed. The queue shows overdue requests first
  (the oldest deadline first), then the others by deadline, then by when they were
  received; requests without a deadline come last.

Plain Python: no database, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Final

from steward.policy import Decision, rights_officer_roles
from steward.policy.model import Plan
from steward.vault.rules.reveal import reason_problem
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal

__all__ = [
    "DECISIONS",
    "FINAL_STATUSES",
    "Officer",
    "QueueDecision",
    "decide_request",
    "decisions_for",
    "is_overdue",
    "may_handle",
    "queue_key",
    "status_after",
]

OPEN: Final = "open"
DONE: Final = "done"
REFUSED: Final = "refused"
FINAL_STATUSES: Final = frozenset({DONE, REFUSED})


class QueueDecision(StrEnum):
    """What a staff member decides on an open request."""

    APPLY = "apply"
    """Store the proposed correction (re-encrypted, re-indexed)."""
    CARRY_OUT = "carry_out"
    """Erase what no legal obligation keeps."""
    ANSWERED = "answered"
    """The person was given what they asked for outside Steward: mark it done."""
    REFUSE = "refuse"
    """Turn the request down, with the reason the person will see."""


DECISIONS: Final[Mapping[str, frozenset[QueueDecision]]] = {
    "correction": frozenset({QueueDecision.APPLY, QueueDecision.REFUSE}),
    "erasure": frozenset({QueueDecision.CARRY_OUT, QueueDecision.REFUSE}),
    "access": frozenset({QueueDecision.ANSWERED, QueueDecision.REFUSE}),
    "export": frozenset({QueueDecision.ANSWERED, QueueDecision.REFUSE}),
    "withdrawal": frozenset({QueueDecision.ANSWERED, QueueDecision.REFUSE}),
    "consent": frozenset({QueueDecision.ANSWERED, QueueDecision.REFUSE}),
    "code_reissue": frozenset({QueueDecision.ANSWERED, QueueDecision.REFUSE}),
}
"""The decisions an open request of each kind can receive."""

_ORDER: Final = (
    QueueDecision.APPLY,
    QueueDecision.CARRY_OUT,
    QueueDecision.ANSWERED,
    QueueDecision.REFUSE,
)


Officer = StaffStanding
"""Who looks at or decides the register: a :class:`StaffStanding`."""


def may_handle(plan: Plan, officer: Officer) -> Decision:
    """Whether ``officer`` may see the register of rights requests and decide them.

    Never raises.
    """
    role = officer.role
    refusal = standing_refusal(officer, "rights requests are answered")
    if refusal:
        return Decision(False, refusal)
    if role.id not in rights_officer_roles(plan):
        return Decision(False, f"the plan does not let the role '{role.id}' answer rights requests")
    return Decision(True, "the plan lets this role answer rights requests")


def decisions_for(kind: str, status: str) -> tuple[QueueDecision, ...]:
    """The decisions a request of ``kind`` in ``status`` can receive, in a fixed order;
    none once it is done or refused (or of a kind Steward does not know)."""
    if status != OPEN:
        return ()
    allowed = DECISIONS.get(kind, frozenset())
    return tuple(d for d in _ORDER if d in allowed)


def decide_request(
    plan: Plan, officer: Officer, kind: str, status: str, decision: str, reason: str
) -> Decision:
    """Whether ``officer`` may take ``decision`` on a request of ``kind`` in ``status``
    with ``reason``. The first problem found is given: who, then the request's state,
    then the decision, then the reason. Never raises.
    """
    allowed = may_handle(plan, officer)
    if not allowed:
        return allowed
    if status in FINAL_STATUSES:
        return Decision(False, f"the request is {status} already: a decided request is final")
    fitting = decisions_for(kind, status)
    if decision not in {d.value for d in fitting}:
        names = ", ".join(d.value for d in fitting) or "none"
        return Decision(False, f"a {kind} request can be decided by: {names}")
    problem = reason_problem(reason)
    if problem:
        return Decision(False, problem)
    return Decision(True, "the decision fits the request")


def status_after(decision: QueueDecision) -> str:
    """The status a request reaches by ``decision``: refused, or done."""
    return REFUSED if decision is QueueDecision.REFUSE else DONE


def is_overdue(status: str, due: datetime | None, now: datetime) -> bool:
    """Whether a request is open with its deadline passed."""
    return status == OPEN and due is not None and due < now


QueueKey = tuple[int, int, datetime, datetime, int]


def queue_key(
    status: str, due: datetime | None, received: datetime, now: datetime, ident: int = 0
) -> QueueKey:
    """The sort key of the queue: overdue requests first (oldest deadline first), then
    the others by deadline, then by when received; requests without a deadline last.
    ``ident`` breaks ties so the order is stable."""
    overdue = is_overdue(status, due, now)
    return (0 if overdue else 1, 1 if due is None else 0, due or received, received, ident)
