"""Who may ask for, approve, refuse, cancel and carry out an erasure: a pure rule.

The rule, as docs/erasure.md states it:

* The plan offers erasure (``rights.erasure``); with ``erasure: false`` every step is
  refused.
* Each step is taken by a named person with a staff account (never a service token),
  whose access has not ended and who, if the role needs it, passed a second factor.
* Roles come from the plan (:mod:`steward.policy.erasure`): requester roles ask;
  approver roles approve or refuse. When the plan requires a second person, nobody
  approves their own request. A request is cancelled by the person who asked, or by an
  approver.
* States: ``requested`` -> ``approved`` -> ``done``, or ``requested`` -> ``refused`` /
  ``cancelled``. Without a second person, a request is approved when it is made.
  An approved request is carried out by an approver, or by its requester when no
  second person is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from steward.policy import (
    Decision,
    erasure_approvers,
    erasure_needs_second_person,
    erasure_requesters,
)
from steward.policy.model import Plan
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal


class ErasureState(StrEnum):
    """Where an erasure request stands."""

    REQUESTED = "requested"
    APPROVED = "approved"
    DONE = "done"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class ErasureStep(StrEnum):
    """What a person does to an erasure request."""

    REQUEST = "request"
    APPROVE = "approve"
    REFUSE = "refuse"
    CANCEL = "cancel"
    CARRY_OUT = "carry_out"


OPEN_STATES = frozenset({ErasureState.REQUESTED, ErasureState.APPROVED})
"""States of a request still under way: one per person at a time."""

_FROM: dict[ErasureStep, ErasureState | None] = {
    ErasureStep.REQUEST: None,
    ErasureStep.APPROVE: ErasureState.REQUESTED,
    ErasureStep.REFUSE: ErasureState.REQUESTED,
    ErasureStep.CANCEL: ErasureState.REQUESTED,
    ErasureStep.CARRY_OUT: ErasureState.APPROVED,
}
_TO: dict[ErasureStep, ErasureState] = {
    ErasureStep.REQUEST: ErasureState.REQUESTED,
    ErasureStep.APPROVE: ErasureState.APPROVED,
    ErasureStep.REFUSE: ErasureState.REFUSED,
    ErasureStep.CANCEL: ErasureState.CANCELLED,
    ErasureStep.CARRY_OUT: ErasureState.DONE,
}


Eraser = StaffStanding
"""Who takes an erasure step: a :class:`StaffStanding`."""


@dataclass(frozen=True)
class Pending:
    """What the rule looks at on an existing request."""

    state: ErasureState
    requested_by: int


def state_after(plan: Plan, step: ErasureStep) -> ErasureState:
    """The state a request reaches by ``step``: a request made where no second person
    is needed is approved at once."""
    if step is ErasureStep.REQUEST and not erasure_needs_second_person(plan):
        return ErasureState.APPROVED
    return _TO[step]


def decide_erasure(
    plan: Plan, who: Eraser, step: ErasureStep, pending: Pending | None = None
) -> Decision:
    """Whether ``who`` may take ``step`` on ``pending`` (``None`` for a new request).

    Never raises; the reason says why in plain words and holds no personal data.
    """
    if not plan.rights.erasure:
        return Decision(False, "the plan does not offer erasure (rights.erasure: false)")
    role = who.role
    refusal = standing_refusal(who, "erasure is asked for and approved")
    if refusal:
        return Decision(False, refusal)
    wanted = _FROM[step]
    if step is ErasureStep.REQUEST:
        if pending is not None and pending.state in OPEN_STATES:
            return Decision(False, "an erasure of this person is already under way")
        if role.id not in erasure_requesters(plan):
            return Decision(False, f"the plan does not let the role '{role.id}' ask for erasures")
        return Decision(True, "the plan lets this role ask for erasures")
    if pending is None or pending.state is not wanted:
        now = pending.state.value if pending else "missing"
        return Decision(False, f"the request is {now}, so it cannot be {_DONE_WORD[step]}")
    own = pending.requested_by == who.user_id
    approver = role.id in erasure_approvers(plan)
    second = erasure_needs_second_person(plan)
    if step is ErasureStep.CANCEL:
        if own or approver:
            return Decision(True, "the person who asked, or an approver, cancels a request")
        return Decision(False, "only the person who asked, or an approver, cancels a request")
    if step is ErasureStep.CARRY_OUT and own and not second:
        return Decision(True, "no second person is needed: the person who asked erases")
    if not approver:
        return Decision(False, f"the plan does not let the role '{role.id}' approve erasures")
    if second and own and step is not ErasureStep.CARRY_OUT:
        return Decision(False, "someone other than the person who asked must approve an erasure")
    return Decision(True, "the plan lets this role approve erasures")


_DONE_WORD = {
    ErasureStep.REQUEST: "requested",
    ErasureStep.APPROVE: "approved",
    ErasureStep.REFUSE: "refused",
    ErasureStep.CANCEL: "cancelled",
    ErasureStep.CARRY_OUT: "carried out",
}


MAX_SPAN_WORDS = 4
"""The longest run of words of a reason compared with the person's own values."""


def reason_spans(reason: str, max_words: int = MAX_SPAN_WORDS) -> frozenset[str]:
    """Every run of 1 to ``max_words`` consecutive words of ``reason``, with the
    punctuation around each word trimmed, and each word's inner punctuation kept (an
    email address, a phone number written with dashes). The erasure service compares
    their blind indexes with the person's own, so a reason never repeats a name, an
    email or a phone number of the person it is about."""
    words = [w.strip(".,;:!?()[]{}\"'") for w in reason.split()]
    words = [w for w in words if w]
    return frozenset(
        " ".join(words[start : start + size])
        for size in range(1, max_words + 1)
        for start in range(len(words) - size + 1)
    )
