"""Risks described as harms to people, and the risk left after each measure.

Two sources of harms:

* the plan's ``harms``: what the organization foresees, rated by it, with the
  safeguards it counts on;
* the data itself: every personal category held gives a harm Steward words from the
  category (a survivor found by the person they fled, a status reaching an authority),
  rated by :func:`steward.policy.documents.risk.assess`.

A measure lowers a risk only when Steward enforces it for the plan (status *in place*);
a planned safeguard, or one the plan does not use, lowers nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from steward.policy.documents.assessment import CategoryRisk, category_risks
from steward.policy.documents.risk import Level, combine
from steward.policy.model import Plan
from steward.policy.model.assessment import Harm
from steward.policy.safeguards import PLANNED_AFTER, SAFEGUARDS, Status, status

_HARM_OF_CATEGORY: dict[str, str] = {
    "contact": "People are contacted, pressured or harassed by someone who should not reach them.",
    "identity_document": "Someone's identity is stolen or used to impersonate them.",
    "government_id": "Someone's identity is stolen and used for fraud in their name.",
    "financial": "People lose money to fraud, or their financial situation becomes known.",
    "location": "A person is found at home or where they go by someone who means them harm.",
    "demographic": "People are singled out, or re-identified in published figures.",
    "service_history": "People's use of a service becomes known and they are stigmatized.",
    "device": "People's visits are traced back to them.",
    "health": "A person's health becomes known and they face discrimination or stigma.",
    "immigration_status": (
        "A person's immigration status reaches an authority that could act on it: "
        "detention, deportation or loss of services."
    ),
    "criminal_history": (
        "A person's criminal history becomes known and they lose work, housing or services."
    ),
    "religion": "A person's beliefs become known and they face discrimination or violence.",
    "ethnicity": "A person's ethnic origin becomes known and they face discrimination.",
    "political_opinion": "A person's political views become known and they face reprisals.",
    "sexual_life": "A person is outed and faces discrimination, rejection or violence.",
    "biometric": "A person's body is used to identify or track them without their knowledge.",
    "genetic": "A person and their relatives are exposed through inherited characteristics.",
    "children": "A child is identified, contacted or exploited.",
    "victim_status": (
        "A survivor is found by the person they fled, or their experience becomes known "
        "around them."
    ),
    "security_incident": (
        "An organization under attack is exposed again, and the people it protects with it."
    ),
    "free_text": (
        "Open answers hold more than was asked for (other people, status, health), and it "
        "is exposed."
    ),
}


@dataclass(frozen=True)
class Step:
    """One measure against a harm: where it stands for the plan and the risk after it."""

    safeguard: str
    name: str
    state: Status
    counted: bool
    likelihood: Level
    risk: Level

    @property
    def status_words(self) -> str:
        """Where the measure stands, and whether it lowered the risk, in words."""
        if self.state is Status.IN_PLACE and not self.counted:
            return "in place; listed again, counted once"
        return STATE_WORDS[self.state]


@dataclass(frozen=True)
class HarmRating:
    """A harm's rating before any measure, after each, and at the end."""

    likelihood: Level
    severity: Level
    inherent: Level
    steps: tuple[Step, ...]
    residual_likelihood: Level
    residual: Level


@dataclass(frozen=True)
class ForeseenHarm:
    """A harm from the plan's ``harms``, with whom it affects and its rating."""

    number: int
    description: str
    affects: list[str]
    rating: HarmRating


@dataclass(frozen=True)
class DataHarm:
    """A harm Steward derives from a category of data held, with the category's rating."""

    description: str
    risk: CategoryRisk


def rate_harm(
    likelihood: Level, severity: Level, measures: Sequence[tuple[str, str, Status]]
) -> HarmRating:
    """Rate a harm before and after its measures; a pure function, never raises.

    ``measures`` are ``(safeguard id, name, status for the plan)``. Each measure *in
    place* lowers the likelihood by one level, never below low; a measure planned or not
    used by the plan, or one listed again, lowers nothing. Severity never changes: a
    measure makes the harm less likely, not less grave.
    """
    current = likelihood
    counted: set[str] = set()
    steps: list[Step] = []
    for safeguard, name, state in measures:
        counts = state is Status.IN_PLACE and safeguard not in counted
        if counts:
            counted.add(safeguard)
            current = Level(max(Level.LOW, current - 1))
        steps.append(Step(safeguard, name, state, counts, current, combine(current, severity)))
    return HarmRating(
        likelihood=likelihood,
        severity=severity,
        inherent=combine(likelihood, severity),
        steps=tuple(steps),
        residual_likelihood=current,
        residual=combine(current, severity),
    )


def foreseen_harms(plan: Plan) -> list[ForeseenHarm]:
    """The plan's ``harms``, each rated with its measures' status for ``plan``."""
    subjects = {s.id: s.label for s in plan.subjects}
    return [
        ForeseenHarm(
            number=index,
            description=harm.description,
            affects=[subjects.get(s, s) for s in harm.affects],
            rating=_rate_foreseen(plan, harm),
        )
        for index, harm in enumerate(plan.harms, start=1)
    ]


def data_harms(plan: Plan) -> list[DataHarm]:
    """A harm for every personal category held, highest residual risk first."""
    harms: list[DataHarm] = []
    for risk in category_risks(plan):
        category = plan.category(risk.id)
        if not category.personal:
            continue
        words = _HARM_OF_CATEGORY.get(
            risk.id, f"{category.label} about a person is exposed or misused, and they are harmed."
        )
        harms.append(DataHarm(words, risk))
    return harms


def _rate_foreseen(plan: Plan, harm: Harm) -> HarmRating:
    measures = [(sid, _measure_name(sid), status(plan, sid)) for sid in harm.measures]
    return rate_harm(_LEVEL[harm.likelihood.value], _LEVEL[harm.severity.value], measures)


def _measure_name(safeguard_id: str) -> str:
    """The safeguard's name, marked as planned while Steward does not enforce it."""
    entry = SAFEGUARDS[safeguard_id]
    return entry.name if entry.enforced else f"{entry.name} {PLANNED_AFTER}"


_LEVEL: dict[str, Level] = {level.label: level for level in Level}

STATE_WORDS: dict[Status, str] = {
    Status.IN_PLACE: "in place, enforced by Steward",
    Status.PLANNED: "planned, not yet in place: lowers nothing",
    Status.NOT_USED: "not used by this plan: lowers nothing",
}
"""How a measure's status reads in the assessment."""
