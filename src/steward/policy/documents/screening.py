"""Why an impact assessment is needed: the screening criteria a plan meets.

The criteria follow the lists regulators use to decide whether processing is likely
to be high-risk (GDPR Art. 35(3), the European data-protection board's nine criteria,
the UK ICO's screening list). Each is decided from the plan's own facts, never
assumed, and says which facts made it so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from steward.policy.documents import wording as w
from steward.policy.documents.context import category_label
from steward.policy.documents.risk import LARGE_SCALE
from steward.policy.model import LogField, Origin, Plan, RecipientKind, country_of

REQUIRED_AT = 2
"""Meeting this many criteria or more makes an assessment required, as European
guidance reads the criteria; one alone makes it advisable."""

_HIGHLY_PERSONAL = ("location", "financial", "government_id", "identity_document")
_NEW_TECHNOLOGY = ("biometric", "genetic")
_TRACKING_LOG_FIELDS = frozenset({LogField.IP_ADDRESS, LogField.USER_AGENT, LogField.REFERRER})


@dataclass(frozen=True)
class Criterion:
    """One screening criterion, whether the plan meets it, and the facts behind it."""

    id: str
    label: str
    met: bool
    facts: str


@dataclass(frozen=True)
class Screening:
    """Every criterion, and what meeting them means."""

    criteria: list[Criterion]

    @property
    def met(self) -> list[Criterion]:
        """The criteria the plan meets, in order."""
        return [c for c in self.criteria if c.met]

    @property
    def conclusion(self) -> str:
        """Whether the criteria met make an assessment required, in one sentence."""
        count = len(self.met)
        if count >= REQUIRED_AT:
            return (
                f"The plan meets {count} criteria. Processing that meets two or more is "
                "treated as likely to be high-risk, so this assessment is required before "
                "processing starts and whenever the plan changes."
            )
        if count == 1:
            return (
                "The plan meets one criterion. An assessment is advisable, and this one is "
                "kept as good practice."
            )
        return (
            "The plan meets none of the criteria. An assessment is not required; this one "
            "is kept as good practice."
        )


def screen(plan: Plan) -> Screening:
    """Decide every screening criterion for ``plan``; a pure function, never raises."""
    return Screening([check(plan) for check in _CRITERIA])


def _held(plan: Plan, test: Callable[[str], bool]) -> list[str]:
    """Labels of the categories some stored field holds that pass ``test``, in plan order."""
    labels: list[str] = []
    for _, _, _, spec in plan.fields():
        if spec.collected and spec.category in plan.taxonomy and test(spec.category):
            label = category_label(plan, spec.category)
            if label not in labels:
                labels.append(label)
    return labels


def _criterion(id_: str, label: str, facts: list[str], otherwise: str) -> Criterion:
    return Criterion(id_, label, bool(facts), "; ".join(facts) if facts else otherwise)


def _special(plan: Plan) -> Criterion:
    held = _held(plan, lambda c: plan.category(c).special)
    facts = [f"holds {w.listing(held)}"] if held else []
    if plan.questionnaire.special_categories and not held:
        facts.append("the questionnaire says special categories are held")
    return _criterion(
        "special_categories",
        "Special categories of data (health, beliefs, ethnicity, sex life, biometric, ...)",
        facts,
        "no stored field holds a special category",
    )


def _criminal(plan: Plan) -> Criterion:
    held = _held(plan, lambda c: c == "criminal_history")
    return _criterion(
        "criminal_offences",
        "Data about criminal convictions or offences",
        [f"holds {w.listing(held)}"] if held else [],
        "no stored field holds criminal history",
    )


def _vulnerable(plan: Plan) -> Criterion:
    facts: list[str] = []
    held = _held(plan, lambda c: plan.category(c).status)
    if held:
        facts.append(f"holds {w.listing(held)}, which reveals a vulnerable position")
    asked = [
        spec.label
        for _, _, _, spec in plan.fields()
        if spec.never and spec.category in plan.taxonomy and plan.category(spec.category).status
    ]
    if asked:
        facts.append(
            f"asks about {w.listing(asked)} (never recorded), so the people served may be "
            "in a vulnerable position"
        )
    minors = [s.label for s in plan.subjects if s.minors]
    if minors:
        facts.append(f"{w.listing(minors)} include children")
    return _criterion(
        "vulnerable_people",
        "People in a vulnerable position (children, migrants, survivors, ...)",
        facts,
        "no data reveals a vulnerable status and no group includes children",
    )


def _children(plan: Plan) -> Criterion:
    facts = [f"{s.label} include children" for s in plan.subjects if s.minors]
    held = _held(plan, lambda c: plan.category(c).children)
    if held:
        facts.append(f"holds {w.listing(held)}")
    if plan.questionnaire.children and not facts:
        facts.append("the questionnaire says the data involves children")
    return _criterion(
        "children",
        "Data about children",
        facts,
        "no group includes children"
        + (
            f"; data about children under {plan.minors.age_threshold} is "
            f"{w.MINORS_POLICY[plan.minors.policy]}"
            if plan.minors
            else ""
        ),
    )


def _large_scale(plan: Plan) -> Criterion:
    people = plan.questionnaire.people
    large = people is not None and people >= LARGE_SCALE
    return Criterion(
        "large_scale",
        f"Large scale ({LARGE_SCALE:,} people or more)",
        large,
        f"about {people:,} people" if people is not None else "the number of people is not stated",
    )


def _highly_personal(plan: Plan) -> Criterion:
    held = _held(plan, lambda c: c in _HIGHLY_PERSONAL)
    return _criterion(
        "highly_personal",
        "Data of a highly personal nature (where people live or go, money, identity numbers)",
        [f"holds {w.listing(held)}"] if held else [],
        "no stored field holds location, financial or identity data",
    )


def _monitoring(plan: Plan) -> Criterion:
    logs = plan.operations.web_logs
    facts: list[str] = []
    tracked = [w.LOG_FIELD[f] for f in logs.keep if f in _TRACKING_LOG_FIELDS]
    if tracked:
        facts.append(f"web logs keep {w.listing(tracked)}")
    if logs.third_party_analytics:
        facts.append("pages use third-party analytics")
    return _criterion(
        "monitoring",
        "Systematic monitoring or tracking of people",
        facts,
        "web logs keep only "
        + w.listing([w.LOG_FIELD[f] for f in logs.keep], "nothing")
        + "; no third-party analytics",
    )


def _matching(plan: Plan) -> Criterion:
    facts: list[str] = []
    origin = plan.questionnaire.source.origin
    if origin is not Origin.DATA_SUBJECTS:
        facts.append(f"the people did not give the data themselves (source: {w.ORIGIN[origin]})")
    seen: dict[str, str] = {}
    for dataset in plan.datasets:
        if not dataset.collected_fields:
            continue
        for subject in dataset.subjects:
            if subject in seen and seen[subject] != dataset.label:
                facts.append(f"{seen[subject]} and {dataset.label} are about the same people")
            seen.setdefault(subject, dataset.label)
    return _criterion(
        "matching",
        "Matching or combining datasets, or data not obtained from the people",
        facts,
        "each dataset is about different people, given by the people themselves",
    )


def _new_technology(plan: Plan) -> Criterion:
    held = _held(plan, lambda c: c in _NEW_TECHNOLOGY)
    return _criterion(
        "new_technology",
        "Innovative technology (biometric or genetic processing)",
        [f"holds {w.listing(held)}"] if held else [],
        "no biometric or genetic data",
    )


def _authorities(plan: Plan) -> Criterion:
    facts: list[str] = []
    rules = plan.disclosure
    if rules is not None:
        orders = [w.LEGAL_GROUND[g] for g in rules.allowed_grounds if g.is_legal_order]
        if orders:
            facts.append(f"disclosure is allowed on {w.listing(orders, '', 'or')}")
    authorities = [r.name for r in plan.recipients if r.kind is RecipientKind.AUTHORITY]
    if authorities:
        facts.append(f"{w.listing(authorities)} receive data")
    return _criterion(
        "authorities",
        "Disclosure to authorities that could act against people",
        facts,
        "no legal order or authority can obtain the data under the plan",
    )


def _transfers(plan: Plan) -> Criterion:
    home = {country_of(j) for j in plan.organization.jurisdictions}
    abroad = [
        f"{r.name} ({r.location})"
        for r in plan.recipients
        if r.location and home and country_of(r.location) not in home
    ]
    facts = [f"to {w.listing(abroad)}"] if abroad else []
    if plan.questionnaire.cross_border_transfers and not abroad:
        facts.append("the questionnaire reports cross-border transfers")
    return _criterion(
        "transfers",
        "Transfers to other countries",
        facts,
        "no outside party is located abroad",
    )


_CRITERIA: tuple[Callable[[Plan], Criterion], ...] = (
    _special,
    _criminal,
    _vulnerable,
    _children,
    _large_scale,
    _highly_personal,
    _monitoring,
    _matching,
    _new_technology,
    _authorities,
    _transfers,
)
