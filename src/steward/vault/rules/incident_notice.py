"""Notice drafts for an incident: the text for the authority and the text for the people
affected, made from the incident's clear facts and the plan.

A draft says who writes (the organization, its privacy officer, the incident contact),
what happened (in words chosen by the incident's kind), when it was detected, which
categories of data the datasets named hold, how many records and people may be
affected, what has been done (the checklist steps ticked) and the deadline. It is made
only from the kind, dates, counts, datasets and ticked steps (whose texts come from the
plan): never from the title, the description or the notes, so no personal value can
reach a draft. Staff edit the draft before sending it; Steward does not send it.

Only English text is written today. A plan in another language (``organization.
language``) gets the English draft, marked as such (:attr:`NoticeDraft.translated`
is ``False``) so that staff know to translate it.

Plain Python: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from steward.policy.model import Plan

__all__ = ["KIND_WORDS", "IncidentFacts", "NoticeDraft", "data_categories", "draft_notice"]

KIND_WORDS: Final = {
    "breach": "a breach of security that may have exposed personal data",
    "loss": "the loss of data, or of a device or paper files holding data",
    "unauthorized_access": "access to data by someone who was not allowed to see it",
    "misdirected_disclosure": "data sent to the wrong recipient",
    "malware": "malicious software on a system that holds data",
    "key_exposure": "an encryption or access key that may have been exposed",
    "other": "a security or privacy incident",
}
WRITTEN: Final = "en"
AUDIENCES: Final = ("authority", "people")


@dataclass(frozen=True)
class IncidentFacts:
    """The clear facts a draft is made from (no title, description or note)."""

    kind: str
    detected_at: datetime
    datasets: Sequence[str]
    records_affected: int
    people_affected: int
    personal_data: bool
    steps_done: Sequence[str]
    authority_due: datetime | None
    people_due: datetime | None
    contained: bool


@dataclass(frozen=True)
class NoticeDraft:
    """A notice to edit and send: for whom, the language asked and the one written."""

    audience: str
    language: str
    written_in: str
    subject: str
    body: str

    @property
    def translated(self) -> bool:
        """Whether the draft is in the plan's language (else it is the English draft)."""
        return self.language.split("-")[0] == self.written_in


def data_categories(plan: Plan, datasets: Sequence[str]) -> list[str]:
    """The labels of the categories of data the ``datasets`` named hold (fields the plan
    never records left out), in the order first met."""
    labels: list[str] = []
    for dataset in plan.datasets:
        if dataset.id not in datasets:
            continue
        for spec in dataset.fields:
            if spec.never:
                continue
            try:
                label = plan.category(spec.category).label
            except KeyError:
                label = spec.category
            if label not in labels:
                labels.append(label)
    return labels


def _day(moment: datetime) -> str:
    return moment.strftime("%d %B %Y, %H:%M %Z").strip()


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def _who(plan: Plan) -> list[str]:
    organization = plan.organization
    officer = organization.privacy_officer
    rules = plan.operations.incidents
    lines = [organization.name]
    if officer is not None:
        title = f", {officer.title}" if officer.title else ""
        email = f" ({officer.email})" if officer.email else ""
        lines.append(f"Privacy officer: {officer.name}{title}{email}")
    if rules is not None and rules.contact:
        lines.append(f"Contact for this incident: {rules.contact}")
    return lines


def _done(facts: IncidentFacts) -> list[str]:
    done = [f"- {step}" for step in facts.steps_done]
    if facts.contained and not any("contain" in s.lower() for s in facts.steps_done):
        done.insert(0, "- The incident has been contained")
    return done or ["- The response has started; this notice will be followed by an update"]


def draft_notice(plan: Plan, facts: IncidentFacts, audience: str) -> NoticeDraft:
    """The draft notice to the ``authority`` or to the ``people`` affected.

    Raises:
        ValueError: an audience other than ``authority`` or ``people``.
    """
    if audience not in AUDIENCES:
        raise ValueError("the audience is authority or people")
    what = KIND_WORDS.get(facts.kind, KIND_WORDS["other"])
    categories = data_categories(plan, facts.datasets)
    held = ", ".join(c.lower() for c in categories) or "not yet known"
    organization = plan.organization.name
    lines: list[str] = []
    if audience == "authority":
        regulator = plan.governance.regulator
        lines.append(f"To: {regulator.name if regulator else 'the supervisory authority'}")
        lines.append("")
        lines.append(f"{organization} reports {what}, detected on {_day(facts.detected_at)}.")
        lines.append("")
        lines.append(f"Categories of data concerned: {held}.")
        lines.append(
            "Personal data involved: "
            + ("yes" if facts.personal_data else "no personal data is known to be involved")
            + "."
        )
        lines.append(
            "Approximate numbers: "
            f"{_count(facts.records_affected, 'record', 'records')}, "
            f"{_count(facts.people_affected, 'person', 'people')}."
        )
        if facts.authority_due is not None:
            lines.append(f"This notice is due by {_day(facts.authority_due)}.")
        if facts.people_due is not None:
            lines.append(f"The people affected are to be told by {_day(facts.people_due)}.")
        subject = f"{organization}: notification of a personal data incident"
    else:
        lines.append("Dear resident, client or partner,")
        lines.append("")
        lines.append(
            f"We are writing to tell you about {what} at {organization}, which we "
            f"detected on {_day(facts.detected_at)}. It may concern data we hold "
            "about you."
        )
        lines.append("")
        lines.append(f"The kinds of data that may be concerned: {held}.")
        lines.append(
            f"We believe about {_count(facts.people_affected, 'person is', 'people are')} affected."
        )
        subject = f"{organization}: an incident that may concern your data"
    lines.append("")
    lines.append("What has been done so far:")
    lines.extend(_done(facts))
    lines.append("")
    if audience == "people":
        lines.append("If you have questions, or want to know what we hold about you, write to:")
    else:
        lines.append("Who to contact:")
    lines.extend(_who(plan))
    language = plan.organization.language
    if language.split("-")[0] != WRITTEN:
        lines.insert(0, f"[English draft: translate into '{language}' before sending]")
    return NoticeDraft(audience, language, WRITTEN, subject, "\n".join(lines))
