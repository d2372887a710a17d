"""Community alerts made from incidents: what a draft holds, and who may move it along.

A **draft** (:func:`draft_alert`) holds only an incident's non-sensitive parts: its kind
in plain words, the month it was detected (never the day), and the description and title
with every personal-data span replaced by a typed placeholder (``[PERSON]``,
``[EMAIL]``, ...) by the redaction function the caller passes in. Counts, datasets,
records, notes and staff names never enter an alert.

The **steps** (:func:`decide_alert_step`), each by a staff person in good standing of a
role that handles incidents (one that reads the audit log):

* ``edit`` a draft (the new text is redacted again); a reviewed or approved alert that is
  edited goes back to draft, so what is published is always what was reviewed;
* ``review``: a person read the redacted text and found nothing that identifies anyone;
* ``approve``: the partner the incident concerns approved it (recorded with a note of
  how), where the plan's ``operations.community_alerts.partner_approval`` asks for it;
* ``publish``: only a reviewed alert, and an approved one where approval is asked; never
  when the plan does not publish alerts;
* ``withdraw``: a draft, or a published alert taken off the public page.

Plain Python: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from steward.policy.model import Plan
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal

__all__ = [
    "MAX_BODY_CHARS",
    "MAX_TITLE_CHARS",
    "AlertDraft",
    "AlertState",
    "AlertStep",
    "IncidentSummary",
    "alert_text_problem",
    "decide_alert_step",
    "draft_alert",
    "handles_alerts",
]

MAX_TITLE_CHARS: Final = 200
MAX_BODY_CHARS: Final = 20_000

KIND_WORDS: Final[dict[str, str]] = {
    "breach": "A data breach",
    "loss": "A loss of data or of a device holding it",
    "unauthorized_access": "Access by someone who should not have had it",
    "misdirected_disclosure": "Data sent to the wrong recipient",
    "malware": "Malicious software",
    "key_exposure": "An exposed key or password",
    "other": "A security incident",
}
"""How each incident kind is named in an alert."""


class AlertState(StrEnum):
    DRAFT = "draft"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class AlertStep(StrEnum):
    EDIT = "edit"
    REVIEW = "review"
    APPROVE = "approve"
    PUBLISH = "publish"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class IncidentSummary:
    """The parts of an incident an alert may start from."""

    kind: str
    title: str
    description: str
    detected_at: datetime


@dataclass(frozen=True)
class AlertDraft:
    """A draft's title and body, redacted."""

    title: str
    body: str


def draft_alert(incident: IncidentSummary, redact: Callable[[str], str]) -> AlertDraft:
    """The alert drafted from ``incident``: its kind and month, and its title and
    description passed through ``redact`` (which replaces personal-data spans).

    Never raises for any text; the result holds no day, count or staff name.
    """
    what = KIND_WORDS.get(incident.kind, KIND_WORDS["other"])
    month = incident.detected_at.strftime("%B %Y")
    title = redact(" ".join(incident.title.split()))[:MAX_TITLE_CHARS] or what
    description = redact(incident.description.strip())
    body = f"{what} was reported to us in {month}."
    if description:
        body += f"\n\n{description}"
    return AlertDraft(title=title, body=body[:MAX_BODY_CHARS])


def alert_text_problem(title: str, body: str) -> str | None:
    """What is wrong with an alert's text, or ``None``."""
    if not title.strip():
        return "an alert needs a title"
    if len(title) > MAX_TITLE_CHARS:
        return f"the title is longer than {MAX_TITLE_CHARS} characters"
    if not body.strip():
        return "an alert needs a text"
    if len(body) > MAX_BODY_CHARS:
        return f"the text is longer than {MAX_BODY_CHARS} characters"
    return None


def handles_alerts(plan: Plan, who: StaffStanding) -> str | None:
    """Why ``who`` may not draft or move alerts, or ``None`` when they may."""
    if plan.operations.incidents is None or plan.operations.community_alerts is None:
        return "the plan makes no community alerts"
    refusal = standing_refusal(who, "alerts are handled")
    if refusal:
        return refusal
    if not who.role.reads_audit or who.role.oversees:
        return f"the role '{who.role.id}' does not handle incidents"
    return None


_FROM: Final[dict[AlertStep, frozenset[AlertState]]] = {
    AlertStep.EDIT: frozenset({AlertState.DRAFT, AlertState.REVIEWED, AlertState.APPROVED}),
    AlertStep.REVIEW: frozenset({AlertState.DRAFT}),
    AlertStep.APPROVE: frozenset({AlertState.REVIEWED}),
    AlertStep.PUBLISH: frozenset({AlertState.REVIEWED, AlertState.APPROVED}),
    AlertStep.WITHDRAW: frozenset(
        {AlertState.DRAFT, AlertState.REVIEWED, AlertState.APPROVED, AlertState.PUBLISHED}
    ),
}


def decide_alert_step(
    plan: Plan, who: StaffStanding, state: AlertState, step: AlertStep
) -> tuple[AlertState | None, str]:
    """The state ``step`` moves an alert in ``state`` to, or ``(None, reason)``.

    Never raises.
    """
    refusal = handles_alerts(plan, who)
    if refusal:
        return None, refusal
    rules = plan.operations.community_alerts
    assert rules is not None  # handles_alerts refused otherwise
    if state not in _FROM[step]:
        return None, f"a {state.value} alert cannot be {_DONE[step]}"
    if step is AlertStep.APPROVE and not rules.partner_approval:
        return None, "the plan does not ask partners to approve alerts"
    if step is AlertStep.PUBLISH:
        if not rules.publish:
            return None, "the plan does not publish alerts"
        if rules.partner_approval and state is not AlertState.APPROVED:
            return None, "the partner the incident concerns must approve it first"
    return _TO[step], ""


_DONE: Final = {
    AlertStep.EDIT: "edited",
    AlertStep.REVIEW: "reviewed",
    AlertStep.APPROVE: "approved",
    AlertStep.PUBLISH: "published",
    AlertStep.WITHDRAW: "withdrawn",
}
_TO: Final = {
    AlertStep.EDIT: AlertState.DRAFT,
    AlertStep.REVIEW: AlertState.REVIEWED,
    AlertStep.APPROVE: AlertState.APPROVED,
    AlertStep.PUBLISH: AlertState.PUBLISHED,
    AlertStep.WITHDRAW: AlertState.WITHDRAWN,
}
