"""Necessity and proportionality: why each purpose and field is needed, and how
minimization, retention, accuracy, people's rights, processors and transfers are secured.

Every sentence that says something is *secured* comes from :func:`secured`, which asks
the safeguard registry where the safeguard stands for this plan: stated as it is when
Steward enforces it for the plan, marked planned when the plan asks for it and Steward
does not enforce it yet, left out when the plan does not use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from steward.policy.documents import wording as w
from steward.policy.documents.context import (
    PurposeView,
    category_label,
    purpose_labels,
    purpose_view,
    recipient_view,
)
from steward.policy.documents.sections import rights_view
from steward.policy.model import Plan, RecipientKind, country_of
from steward.policy.safeguards import PLANNED, Status, status


def secured(plan: Plan, safeguard_id: str, sentence: str) -> str | None:
    """``sentence`` as far as Steward enforces ``safeguard_id`` for ``plan``: as it is when
    in place, opened with :data:`~steward.policy.safeguards.PLANNED` when planned, and
    ``None`` when the plan does not use the safeguard.

    Raises:
        KeyError: no safeguard has that id (a bug in the caller).
    """
    state = status(plan, safeguard_id)
    if state is Status.NOT_USED:
        return None
    return sentence if state is Status.IN_PLACE else f"{PLANNED} {sentence}"


def _kept(*sentences: str | None) -> list[str]:
    return [s for s in sentences if s]


@dataclass(frozen=True)
class PurposeNeed:
    """A purpose, its legal basis and the stored fields it needs."""

    purpose: PurposeView
    fields: list[str]


@dataclass(frozen=True)
class FieldNeed:
    """One stored field and why it is needed: the purposes it serves."""

    label: str
    dataset: str
    category: str
    purposes: list[str]
    required: bool


@dataclass(frozen=True)
class NecessityView:
    """The necessity-and-proportionality step, each part in sentences."""

    purposes: list[PurposeNeed]
    fields: list[FieldNeed]
    minimization: list[str]
    retention: list[str]
    accuracy: list[str]
    rights: list[str]
    processors: list[str]
    transfers: list[str]


def necessity_view(plan: Plan) -> NecessityView:
    """The necessity and proportionality of ``plan``'s processing; never raises."""
    fields = [
        FieldNeed(
            label=spec.label,
            dataset=dataset.label,
            category=category_label(plan, spec.category),
            purposes=purpose_labels(plan, spec.purposes),
            required=spec.required,
        )
        for _, dataset, _, spec in plan.fields()
        if spec.collected
    ]
    purposes = [
        PurposeNeed(
            purpose_view(p),
            [s.label for _, _, _, s in plan.fields() if s.collected and p.id in s.purposes],
        )
        for p in plan.purposes
    ]
    return NecessityView(
        purposes=purposes,
        fields=fields,
        minimization=_minimization(plan, fields),
        retention=_retention(plan),
        accuracy=_accuracy(plan),
        rights=_rights(plan),
        processors=_processors(plan),
        transfers=_transfers(plan),
    )


def _minimization(plan: Plan, fields: list[FieldNeed]) -> list[str]:
    never = [spec.label for _, _, _, spec in plan.fields() if spec.never]
    unused = [f.label for f in fields if not f.purposes]
    voluntary = sum(1 for f in fields if not f.required)
    return _kept(
        f"Every stored field serves at least one purpose; {voluntary} of {len(fields)} are "
        "voluntary."
        if fields and not unused
        else None,
        f"Fields that serve no purpose: {w.listing(unused)}. Remove them or give them one."
        if unused
        else None,
        secured(
            plan,
            "intake_minimization",
            "Intake forms refuse any answer to a question the plan does not declare.",
        ),
        secured(
            plan,
            "never_recorded",
            f"Never recorded, refused on every path: {w.listing(never)}.",
        ),
        secured(
            plan,
            "need_to_know",
            "Each role reaches only the fields and records its grants and scope allow.",
        ),
        secured(
            plan,
            "reveal_with_reason",
            "Masked values are revealed only for a purpose the role holds, with a stated "
            "reason, and each reveal is audited.",
        ),
        secured(
            plan,
            "deidentified_extracts",
            "Analysts receive only de-identified extracts with a measured re-identification risk.",
        ),
        secured(
            plan,
            "aggregates_only",
            "Donors and stakeholders receive counts only, small groups suppressed.",
        ),
    )


def _retention(plan: Plan) -> list[str]:
    unlimited = [p.label for p in plan.purposes if p.retention is None]
    closure = rights_view(plan)
    return _kept(
        f"Purposes with no retention limit: {w.listing(unlimited)}." if unlimited else None,
        secured(
            plan,
            "retention_sweep",
            "Data is deleted or reduced automatically when its retention period ends.",
        )
        if len(unlimited) < len(plan.purposes)
        else None,
        secured(plan, closure.on_closure_safeguard, closure.on_closure)
        if closure.on_closure_safeguard
        else None,
    )


def _accuracy(plan: Plan) -> list[str]:
    rights = plan.rights
    return _kept(
        secured(
            plan,
            "rights_self_service",
            "People see and correct their own data with their access code.",
        )
        if rights.correction
        else "The plan offers no correction by the person; accuracy rests on staff.",
        secured(
            plan,
            "write_needs_sight",
            "Staff change a value only when their role can see the value it replaces.",
        ),
        secured(plan, "audit_log", "Every change is written to the hash-chained audit log."),
    )


def _rights(plan: Plan) -> list[str]:
    view = rights_view(plan)
    within = (
        f"The plan commits to answering requests within {view.respond_within}; Steward "
        "records each request but does not track this deadline."
        if view.respond_within
        else "The plan sets no deadline for answering requests."
    )
    return _kept(
        f"People can ask to: {'; '.join(view.offered)}."
        if view.offered
        else "People can ask for none of their rights through Steward.",
        within,
        secured(plan, "erasure", "Steward erases a person's data on request."),
        secured(
            plan,
            "consent_withdrawal",
            "Withdrawing consent takes effect at once, for each purpose separately.",
        ),
        secured(
            plan,
            "consent_per_purpose",
            "Each consent-based purpose has its own opt-in, never ticked in advance, recorded.",
        ),
        secured(plan, "minors_rule", view.minors) if view.minors else None,
    )


def _processors(plan: Plan) -> list[str]:
    lines: list[str] = []
    for r in plan.recipients:
        if r.kind is not RecipientKind.PROCESSOR:
            continue
        view = recipient_view(plan, r)
        bound = ", which binds it to this plan" if r.contract.binds_to_plan else ""
        held = w.listing(view.categories, "no category stated")
        lines.append(f"{r.name} ({view.location}) handles {held} under a {view.agreement}{bound}.")
    if not lines:
        lines.append("No processor handles the data for the organization.")
    hosting = plan.questionnaire.hosting
    where = f", in {hosting.location}" if hosting.location else ""
    lines.append(
        f"The data is hosted on {w.HOSTED_BY[hosting.by]}"
        f"{': ' + hosting.provider if hosting.provider else ''}{where}."
    )
    return lines


def _transfers(plan: Plan) -> list[str]:
    home = {country_of(j) for j in plan.organization.jurisdictions}
    abroad = [
        f"{r.name} ({r.location}, {w.CONTRACT_KIND[r.contract.kind]})"
        for r in plan.recipients
        if r.location and home and country_of(r.location) not in home
    ]
    lines = [
        f"Transfers abroad: {w.listing(abroad)}."
        if abroad
        else "No outside party is located outside "
        + (w.listing(sorted(home)) if home else "the home country")
        + "."
    ]
    if plan.questionnaire.cross_border_transfers and not abroad:
        lines.append("The questionnaire reports cross-border transfers that no recipient shows.")
    lines += _kept(
        secured(
            plan,
            "disclosure_grounds",
            "Steward refuses a disclosure without one of the plan's allowed legal grounds.",
        ),
        secured(
            plan,
            "disclosure_approval",
            "Every disclosure is approved by someone other than the person who asked.",
        ),
        secured(
            plan,
            "encrypted_delivery",
            "Disclosed data is delivered encrypted, through a download that expires.",
        ),
        secured(plan, "disclosure_register", "A register of every disclosure is kept."),
    )
    return lines
