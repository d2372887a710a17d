"""The impact assessment's view: the recognised steps, each from the plan.

The steps follow the UK ICO's template and GDPR Art. 35(7); :data:`SECTIONS` names
them as the document's headings, in order. An assessment whose plan records no
consultation or no sign-off is a draft, marked as one on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from steward.policy.documents import wording as w
from steward.policy.documents.context import category_label, contact_line
from steward.policy.documents.harms import DataHarm, ForeseenHarm, data_harms, foreseen_harms
from steward.policy.documents.proportionality import NecessityView, necessity_view, secured
from steward.policy.documents.screening import Screening, screen
from steward.policy.model import Plan, RecipientKind
from steward.policy.model.assessment import Consulted

SECTIONS: Final = (
    "Why an assessment is needed",
    "Description of the processing",
    "Consultation",
    "Necessity and proportionality",
    "Risks to people",
    "Measures and residual risk",
    "Sign-off",
)
"""The impact assessment's second-level headings, in order."""

CONSULTED_WORDS: Final[dict[Consulted, str]] = {
    Consulted.AFFECTED_PEOPLE: "people affected",
    Consulted.REPRESENTATIVES: "their representatives",
    Consulted.PROCESSOR: "processor",
    Consulted.SECURITY: "security staff",
    Consulted.STAFF: "staff",
    Consulted.LEGAL: "legal advice",
    Consulted.OTHER: "other",
}


@dataclass(frozen=True)
class DescriptionView:
    """Nature, scope and context of the processing, in sentences."""

    nature: list[str]
    scope: list[str]
    context: list[str]


@dataclass(frozen=True)
class ConsultationRow:
    """One consultation as printed."""

    who: str
    kind: str
    when: str
    said: str
    outcome: str


@dataclass(frozen=True)
class SignOffView:
    """The sign-off as (question, answer) rows, and what keeps the next review."""

    rows: list[tuple[str, str]]
    reminder: str | None


@dataclass(frozen=True)
class ImpactView:
    """Everything the impact assessment template reads beyond the common view."""

    screening: Screening
    description: DescriptionView
    consultation: list[ConsultationRow]
    not_consulted: list[str]
    necessity: NecessityView
    foreseen: list[ForeseenHarm]
    derived: list[DataHarm]
    sign_off: SignOffView | None
    draft_reasons: list[str]

    @property
    def draft(self) -> bool:
        """Whether the assessment is a draft (no consultation or no sign-off recorded)."""
        return bool(self.draft_reasons)


def impact_view(plan: Plan) -> ImpactView:
    """The impact assessment of ``plan``; a pure function of the plan, never raises."""
    reasons = _kept(
        "consultation (the `consultation` key)" if not plan.consultation else None,
        "sign-off (the `sign_off` key)" if plan.sign_off is None else None,
    )
    return ImpactView(
        screening=screen(plan),
        description=_description(plan),
        consultation=[
            ConsultationRow(
                c.who, CONSULTED_WORDS[c.kind], c.when.isoformat(), c.said, c.outcome or ""
            )
            for c in plan.consultation
        ],
        not_consulted=_not_consulted(plan),
        necessity=necessity_view(plan),
        foreseen=foreseen_harms(plan),
        derived=data_harms(plan),
        sign_off=_sign_off(plan),
        draft_reasons=reasons,
    )


def draft_banner(view: ImpactView) -> str:
    """The Markdown note that opens a draft assessment; empty when it is not a draft."""
    if not view.draft:
        return ""
    return (
        "> **Draft impact assessment, not approved.** The plan records no "
        + " and no ".join(view.draft_reasons)
        + ". Until it does, this assessment must not be relied on or filed as final.\n\n"
    )


def page_mark(view: ImpactView) -> str | None:
    """The line a draft assessment's HTML shows at the top of every page; ``None`` when
    it is not a draft."""
    if not view.draft:
        return None
    missing = " and no ".join(r.split(" (")[0] for r in view.draft_reasons)
    return f"Draft impact assessment, not approved: the plan records no {missing}."


def _kept(*items: str | None) -> list[str]:
    return [i for i in items if i]


def _description(plan: Plan) -> DescriptionView:
    subjects = {s.id: s.label for s in plan.subjects}
    nature: list[str] = []
    for dataset in plan.datasets:
        about = w.listing([subjects.get(s, s) for s in dataset.subjects], "people not stated")
        stored = len(dataset.collected_fields)
        sealed = (
            "; "
            + (
                secured(
                    plan,
                    "sealed_intake",
                    "sealed: answers are encrypted on arrival to a key the server lacks",
                )
                or ""
            )
            if dataset.sealed
            else ""
        )
        nature.append(
            f"{dataset.label}: {w.DATASET_KIND[dataset.kind]}, about {about}; "
            f"{stored} field{'s' if stored != 1 else ''} stored{sealed}."
        )
    hosting = plan.questionnaire.hosting
    nature.append(
        f"Hosted on {w.HOSTED_BY[hosting.by]}"
        + (f" ({hosting.provider})" if hosting.provider else "")
        + (f" in {hosting.location}" if hosting.location else "")
        + "."
    )
    staff = [r.label for r in plan.roles if r.staff and not r.recipient]
    nature.append(f"Staff roles with access: {w.listing(staff)}.")
    parties = [f"{r.name}: {w.RECIPIENT_KIND[r.kind]}" for r in plan.recipients]
    nature.append(f"Outside parties: {'; '.join(parties) or 'none'}.")
    held = []
    for category_id in sorted(plan.collected_categories()):
        if category_id in plan.taxonomy and plan.category(category_id).personal:
            category = plan.category(category_id)
            marks = [
                mark
                for on, mark in (
                    (category.special, "special category"),
                    (category.status, "vulnerable status"),
                    (category.children, "about children"),
                )
                if on
            ]
            label = category_label(plan, category_id)
            held.append(f"{label} ({', '.join([category.tier.label, *marks])})")
    people = plan.questionnaire.people
    places = plan.organization.jurisdictions
    scope = [
        f"Personal data held: {w.listing(held)}.",
        f"About {people:,} people." if people is not None else "How many people: not stated.",
        f"Where: {w.listing(list(places), 'not stated')}.",
        "How long: "
        + (
            "; ".join(
                f"{p.label}, {p.retention.describe() if p.retention else 'no limit set'}"
                for p in plan.purposes
            )
            or "no purpose is declared"
        )
        + ".",
    ]
    source = plan.questionnaire.source
    context = [
        f"The organization is a {w.ORGANIZATION_KIND[plan.organization.kind]}.",
        "Whom it is about: "
        + (
            "; ".join(
                f"{s.label} ({'includes children' if s.minors else 'adults'})"
                for s in plan.subjects
            )
            or "not stated"
        )
        + ".",
        f"The data comes from {w.ORIGIN[source.origin]}; collected lawfully: "
        f"{w.LAWFULNESS[source.lawfully_collected]}.",
    ]
    vulnerable = next(c for c in screen(plan).criteria if c.id == "vulnerable_people")
    if vulnerable.met:
        context.append(f"Vulnerable people: the plan {vulnerable.facts}.")
    return DescriptionView(nature=nature, scope=scope, context=context)


def _not_consulted(plan: Plan) -> list[str]:
    heard = {c.kind for c in plan.consultation}
    missing: list[str] = []
    if not heard & {Consulted.AFFECTED_PEOPLE, Consulted.REPRESENTATIVES}:
        missing.append("the people affected or their representatives")
    processors = any(r.kind is RecipientKind.PROCESSOR for r in plan.recipients)
    if processors and Consulted.PROCESSOR not in heard:
        missing.append("the processors")
    if Consulted.SECURITY not in heard:
        missing.append("security staff")
    return missing


def _sign_off(plan: Plan) -> SignOffView | None:
    s = plan.sign_off
    if s is None:
        return None
    officer = contact_line(plan.organization.privacy_officer) or "not named in the plan"
    rows = [
        ("Measures and residual risk approved by", s.approved_by),
        ("Approved on", s.approved_on.isoformat()),
        ("Data-protection officer", officer),
        ("The officer's advice", s.dpo_advice),
        ("Advice followed", w.yes_no(s.advice_followed)),
    ]
    if s.reason_if_overruled:
        rows.append(("Why the advice was overruled", s.reason_if_overruled))
    rows.append(("Next review", s.next_review.isoformat()))
    reminder = secured(
        plan, "oversight_review", "Steward sends review reminders before the next review."
    )
    return SignOffView(rows=rows, reminder=reminder)
