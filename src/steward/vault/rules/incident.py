"""The incident register's decisions: who handles and who reads incidents, the legal
deadlines and their clocks, the checklist made from the plan's response plan, the state
transitions and the checks on what staff type in.

* **Handling** (opening, changing counts, ticking steps, writing notes, recording the
  notices, containing, closing) is for staff in good standing whose role reads the
  audit log (``reads_audit``) and does not oversee: the people who investigate.
* **Reading** is for the handlers and for the oversight body's members (``oversees``).
  Members see the register only: counts, kinds, clocks and states; never the
  description, the notes or the records (:func:`reads_details`).
* **Deadlines** (:func:`deadlines`) are the detection time plus the plan's
  ``operations.incidents.notify_authority_within`` / ``notify_people_within``, fixed at
  opening; none when the plan sets none.
* **Clocks** (:func:`clock_of`) say, at a given ``now``, how a deadline stands: time
  left, due soon (within 24 hours), overdue, or, once the notice is recorded, kept or
  missed.
* **The checklist** (:func:`checklist`) is the response plan split into steps, plus a
  step per notice the plan sets a deadline for.
* **States** go ``open`` → ``contained`` → ``closed`` (or ``open`` → ``closed``);
  closing needs every step ticked, or a reason for the steps left open.

Plain Python: no Django, no database, no clock (time is passed in).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from steward.policy import Decision, Duration
from steward.policy.model import Plan, Role
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal

__all__ = [
    "DONE_BY",
    "DUE_SOON",
    "KINDS",
    "KIND_LABELS",
    "MAX_COUNT",
    "MAX_TITLE",
    "MIN_CLOSE_REASON",
    "NOTIFY_AUTHORITY",
    "NOTIFY_PEOPLE",
    "Clock",
    "ClockState",
    "Deadlines",
    "IncidentState",
    "checklist",
    "clock_of",
    "count_refusal",
    "deadlines",
    "decide_handle",
    "decide_read",
    "kind_label",
    "opening_refusal",
    "reads_details",
    "span_of",
    "split_steps",
    "transition_refusal",
]

DONE_BY: Final = "incidents are handled"
"""Completes the staff-standing refusal: "... by a person with a staff account"."""
DUE_SOON: Final = timedelta(hours=24)
"""A deadline this close is flagged as due soon."""
MAX_TITLE: Final = 200
MIN_TITLE: Final = 3
MAX_COUNT: Final = 100_000_000
MAX_STEPS: Final = 30
MAX_STEP_TEXT: Final = 500
MIN_CLOSE_REASON: Final = 10
MAX_AGE: Final = timedelta(days=5 * 366)
"""An incident detected longer ago than this is history, not a response."""
NOTIFY_AUTHORITY: Final = "Notify the authority"
NOTIFY_PEOPLE: Final = "Notify the people affected"
KINDS: Final = (
    "breach",
    "loss",
    "unauthorized_access",
    "misdirected_disclosure",
    "malware",
    "key_exposure",
    "other",
)
KIND_LABELS: Final[dict[str, str]] = {
    "breach": "Security breach",
    "loss": "Data or device lost",
    "unauthorized_access": "Access by someone not allowed",
    "misdirected_disclosure": "Data sent to the wrong recipient",
    "malware": "Malicious software",
    "key_exposure": "Key or password exposed",
    "other": "Other incident",
}
"""How each kind is named on the staff pages (the form's options, the register, an
incident's page); the keys stay what is stored and sent."""


def kind_label(kind: str) -> str:
    """The plain label of ``kind``; the key itself for a kind this version does not know."""
    return KIND_LABELS.get(kind, kind)


class IncidentState(StrEnum):
    """Where an incident stands (the model's ``state``)."""

    OPEN = "open"
    CONTAINED = "contained"
    CLOSED = "closed"


class ClockState(StrEnum):
    """How a deadline stands at a given moment."""

    NONE = "none"
    """The plan sets no such deadline."""
    RUNNING = "running"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    KEPT = "kept"
    MISSED = "missed"


@dataclass(frozen=True)
class Deadlines:
    """When the authority and the people affected must be told (``None``: no deadline)."""

    authority: datetime | None
    people: datetime | None


@dataclass(frozen=True)
class Clock:
    """One deadline at ``now``: its state, the due time, when the notice was made, and the
    time left (negative once overdue; ``None`` when there is no deadline or it is done)."""

    state: ClockState
    due: datetime | None
    done_at: datetime | None
    left: timedelta | None

    @property
    def flagged(self) -> bool:
        """Whether the clock asks for attention (due soon, overdue or missed)."""
        return self.state in {ClockState.DUE_SOON, ClockState.OVERDUE, ClockState.MISSED}

    def describe(self) -> str:
        """Plain words: ``"2 days 3 hours left"``, ``"overdue by 5 hours"``, ``"kept"``."""
        if self.state is ClockState.NONE:
            return "no deadline in the plan"
        if self.state is ClockState.KEPT:
            return "kept"
        if self.state is ClockState.MISSED:
            return "missed"
        left = self.left or timedelta(0)
        if left < timedelta(0):
            return f"overdue by {_span(-left)}"
        return f"{_span(left)} left"


def _span(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    if days and hours:
        return f"{days} day{'s' * (days != 1)} {hours} hour{'s' * (hours != 1)}"
    if days:
        return f"{days} day{'s' * (days != 1)}"
    if hours:
        return f"{hours} hour{'s' * (hours != 1)}"
    return "less than an hour"


def span_of(duration: Duration) -> timedelta:
    """A plan duration as a time span (a month is 30.44 days, a year 365.25)."""
    return timedelta(days=duration.days)


def _handles(role: Role) -> bool:
    """Roles that read the audit log handle incidents, unless they oversee: the
    oversight body reads the audit log too, and changes nothing."""
    return role.staff and role.reads_audit and not role.oversees


def decide_handle(plan: Plan, who: StaffStanding) -> Decision:
    """Whether ``who`` may open and handle incidents: staff in good standing whose role
    reads the audit log. Never raises; the reason names the rule, never a person."""
    refusal = standing_refusal(who, DONE_BY)
    if refusal:
        return Decision(False, refusal)
    if plan.operations.incidents is not None and not plan.operations.incidents.keep_register:
        return Decision(False, "the plan keeps no incident register")
    if not _handles(who.role):
        return Decision(
            False,
            f"the plan does not let the role '{who.role.id}' handle incidents "
            "(roles that read the audit log and do not oversee do)",
        )
    return Decision(True, "roles that read the audit log handle incidents")


def decide_read(plan: Plan, who: StaffStanding) -> Decision:
    """Whether ``who`` may read the register: the handlers, and the oversight body's
    members (without details, see :func:`reads_details`)."""
    handled = decide_handle(plan, who)
    if handled or standing_refusal(who, DONE_BY):
        return handled
    if who.role.oversees:
        return Decision(True, "the oversight body reads the register (without details)")
    return Decision(
        False,
        f"the plan does not let the role '{who.role.id}' read the incident register",
    )


def reads_details(role: Role) -> bool:
    """Whether ``role`` sees descriptions, notes and links to records (handlers only)."""
    return _handles(role)


def deadlines(plan: Plan, detected_at: datetime) -> Deadlines:
    """The notice deadlines of an incident detected at ``detected_at``: detection plus
    the plan's durations; ``None`` where the plan sets none (or has no incidents
    section)."""
    rules = plan.operations.incidents
    if rules is None:
        return Deadlines(None, None)
    authority = rules.notify_authority_within
    people = rules.notify_people_within
    return Deadlines(
        detected_at + span_of(authority) if authority is not None else None,
        detected_at + span_of(people) if people is not None else None,
    )


def clock_of(due: datetime | None, done_at: datetime | None, now: datetime) -> Clock:
    """How a deadline ``due`` stands at ``now``, the notice made at ``done_at`` (if it
    was): ``kept`` when made by the deadline, ``missed`` when made after it; while not
    made, ``overdue`` past the deadline, ``due_soon`` within :data:`DUE_SOON` of it,
    else ``running``. ``none`` without a deadline."""
    if due is None:
        return Clock(ClockState.NONE, None, done_at, None)
    if done_at is not None:
        state = ClockState.KEPT if done_at <= due else ClockState.MISSED
        return Clock(state, due, done_at, None)
    left = due - now
    if left < timedelta(0):
        return Clock(ClockState.OVERDUE, due, None, left)
    if left <= DUE_SOON:
        return Clock(ClockState.DUE_SOON, due, None, left)
    return Clock(ClockState.RUNNING, due, None, left)


_BOUNDARY: Final = re.compile(r"(?<=[.!?;])\s+|;\s*|,\s+(?!\d)|\s+[-\u2013\u2014]\s+")


def split_steps(text: str | None) -> list[str]:
    """The response plan ``text`` as checklist steps: split at sentence ends,
    semicolons, commas followed by a space, and dashes between words; each step starts
    with a capital and loses its final full stop; empty and repeated steps are dropped;
    at most :data:`MAX_STEPS` steps of :data:`MAX_STEP_TEXT` characters."""
    steps: list[str] = []
    for part in _BOUNDARY.split(" ".join((text or "").split())):
        step = part.strip().rstrip(".;,").strip()
        if not step:
            continue
        step = step[0].upper() + step[1:]
        if step.lower() not in {s.lower() for s in steps}:
            steps.append(step[:MAX_STEP_TEXT])
    return steps[:MAX_STEPS]


def checklist(plan: Plan) -> list[str]:
    """The checklist of a new incident: the response plan's steps, then a step per
    notice the plan sets a deadline for (naming the deadline)."""
    rules = plan.operations.incidents
    if rules is None:
        return []
    steps = split_steps(rules.response_plan)
    if rules.notify_authority_within is not None:
        within = rules.notify_authority_within.describe()
        steps.append(f"{NOTIFY_AUTHORITY} (within {within} of detection)")
    if rules.notify_people_within is not None:
        within = rules.notify_people_within.describe()
        steps.append(f"{NOTIFY_PEOPLE} (within {within} of detection)")
    return steps


def opening_refusal(
    kind: str,
    title: str,
    detected_at: datetime | None,
    now: datetime,
    counts: Sequence[int] = (),
) -> str | None:
    """Why an incident with these facts may not be opened, or ``None``: a known kind, a
    title of :data:`MIN_TITLE` to :data:`MAX_TITLE` characters, a detection time not in
    the future nor more than five years back, counts between 0 and :data:`MAX_COUNT`."""
    if kind not in KINDS:
        return f"the kind is one of {', '.join(KINDS)}"
    words = " ".join(title.split())
    if len(words) < MIN_TITLE:
        return "give the incident a short title (it must name nobody)"
    if len(words) > MAX_TITLE:
        return f"the title is longer than {MAX_TITLE} characters"
    if detected_at is None:
        return "say when the incident was detected"
    if detected_at.tzinfo is None:
        return "the detection time needs its time zone"
    if detected_at > now:
        return "the detection time is in the future"
    if now - detected_at > MAX_AGE:
        return "the detection time is more than five years ago"
    return count_refusal(counts)


def count_refusal(counts: Sequence[int]) -> str | None:
    """Why these counts of records or people are not acceptable, or ``None``."""
    for count in counts:
        if count < 0:
            return "a count of records or people cannot be negative"
        if count > MAX_COUNT:
            return f"a count is larger than {MAX_COUNT:,}"
    return None


_NEXT: Final = {
    IncidentState.OPEN: {IncidentState.CONTAINED, IncidentState.CLOSED},
    IncidentState.CONTAINED: {IncidentState.CLOSED},
    IncidentState.CLOSED: set[IncidentState](),
}


def transition_refusal(
    state: IncidentState, target: IncidentState, steps_open: int, reason: str = ""
) -> str | None:
    """Why an incident in ``state`` may not move to ``target``, or ``None``. Closing
    with ``steps_open`` steps not ticked needs a ``reason`` of at least
    :data:`MIN_CLOSE_REASON` characters."""
    if state is IncidentState.CLOSED:
        return "the incident is closed: nothing more changes"
    if target not in _NEXT[state]:
        return f"an incident that is {state.value} cannot become {target.value}"
    short = len(" ".join(reason.split())) < MIN_CLOSE_REASON
    if target is IncidentState.CLOSED and steps_open and short:
        return (
            f"{steps_open} step(s) of the checklist are not ticked: tick them, or say "
            "why the incident is closed without them"
        )
    return None
