"""Assemble the whole view-model of a plan: what every template can read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from steward.policy.documents import wording as w
from steward.policy.documents.assessment import CategoryRisk, category_risks, never_recorded
from steward.policy.documents.context import (
    DatasetView,
    PurposeView,
    RecipientView,
    RoleView,
    category_label,
    contact_line,
    dataset_view,
    purpose_view,
    recipient_view,
    role_view,
)
from steward.policy.documents.impact import ImpactView, impact_view
from steward.policy.documents.notice import NoticeView, notice_view
from steward.policy.documents.sections import (
    ClassificationView,
    DisclosureView,
    OperationsView,
    RightsView,
    classification_view,
    disclosure_view,
    operations_view,
    questionnaire_rows,
    rights_view,
)
from steward.policy.loader import LoadedPlan
from steward.policy.model import FieldSpec, Masking, Plan, Purpose, RecipientKind, country_of
from steward.policy.safeguards import SAFEGUARDS, Status, promise, status


@dataclass(frozen=True)
class ProcessingRecord:
    """One purpose's entry in the record of processing activities."""

    purpose: PurposeView
    subjects: str
    categories: str
    recipients: str
    transfers: str
    security: str


@dataclass(frozen=True)
class SafeguardsView:
    """The registry's safeguards for this plan: in place, and planned (not in place)."""

    in_place: list[str]
    planned: list[str]


def safeguards_view(plan: Plan) -> SafeguardsView:
    """What Steward enforces for ``plan`` and what the plan asks for that it does not yet."""
    states = {entry.name: status(plan, entry.id) for entry in SAFEGUARDS.values()}
    return SafeguardsView(
        in_place=[name for name, state in states.items() if state is Status.IN_PLACE],
        planned=[name for name, state in states.items() if state is Status.PLANNED],
    )


@dataclass(frozen=True)
class PlanContext:
    """The view-model every document template receives as ``doc``."""

    plan: Plan
    source: str
    version: str
    digest: str
    organization_kind: str
    privacy_officer: str | None
    classification: ClassificationView
    questionnaire: list[tuple[str, str]]
    subjects: list[tuple[str, str]]
    datasets: list[DatasetView]
    purposes: list[PurposeView]
    roles: list[RoleView]
    recipients: list[RecipientView]
    disclosure: DisclosureView | None
    rights: RightsView
    operations: OperationsView
    risks: list[CategoryRisk]
    never_recorded: list[tuple[str, str]]
    notices: list[NoticeView]
    records: list[ProcessingRecord]
    safeguards: SafeguardsView
    impact: ImpactView
    acknowledgement_rows: int = 12


def build_context(loaded: LoadedPlan) -> PlanContext:
    """The view-model of ``loaded``; a pure function of the plan."""
    plan = loaded.plan
    return PlanContext(
        plan=plan,
        source=Path(loaded.source).name,
        version=plan.version,
        digest=loaded.digest,
        organization_kind=w.ORGANIZATION_KIND[plan.organization.kind],
        privacy_officer=contact_line(plan.organization.privacy_officer),
        classification=classification_view(plan),
        questionnaire=questionnaire_rows(plan),
        subjects=[(s.label, "includes children" if s.minors else "adults") for s in plan.subjects],
        datasets=[dataset_view(plan, d) for d in plan.datasets],
        purposes=[purpose_view(p) for p in plan.purposes],
        roles=[role_view(plan, r) for r in plan.roles],
        recipients=[recipient_view(plan, r) for r in plan.recipients],
        disclosure=disclosure_view(plan),
        rights=rights_view(plan),
        operations=operations_view(plan),
        risks=category_risks(plan),
        never_recorded=never_recorded(plan),
        notices=[notice_view(plan, d) for d in plan.datasets],
        records=[processing_record(plan, p) for p in plan.purposes],
        safeguards=safeguards_view(plan),
        impact=impact_view(plan),
    )


def processing_record(plan: Plan, purpose: Purpose) -> ProcessingRecord:
    """The record-of-processing entry for ``purpose``."""
    specs = [
        (dataset, spec)
        for _, dataset, _, spec in plan.fields()
        if spec.collected and purpose.id in spec.purposes
    ]
    subject_labels = {s.id: s.label for s in plan.subjects}
    subjects: list[str] = []
    categories: list[str] = []
    for dataset, spec in specs:
        for sid in dataset.subjects:
            label = subject_labels.get(sid, sid)
            if label not in subjects:
                subjects.append(label)
        label = category_label(plan, spec.category)
        if plan.category(spec.category).personal and label not in categories:
            categories.append(label)
    held = {spec.category for _, spec in specs}
    parties = [
        r
        for r in plan.recipients
        if purpose.id in r.purposes
        or (r.kind is RecipientKind.PROCESSOR and held & set(r.categories))
    ]
    recipients = [f"{r.name} ({recipient_view(plan, r).form})" for r in parties]
    home = {country_of(j) for j in plan.organization.jurisdictions}
    abroad = [
        f"{r.name} ({r.location})"
        for r in parties
        if r.location and home and country_of(r.location) not in home
    ]
    if abroad:
        transfers = "to " + w.listing(abroad)
    elif plan.questionnaire.cross_border_transfers:
        transfers = "the questionnaire reports cross-border transfers"
    else:
        transfers = "none outside " + (w.listing(sorted(home)) if home else "the home country")
    return ProcessingRecord(
        purpose=purpose_view(purpose),
        subjects=w.listing(subjects),
        categories="; ".join(categories) or "none",
        recipients="; ".join(recipients) or "none",
        transfers=transfers,
        security="; ".join(_security(plan, purpose, [spec for _, spec in specs])),
    )


def _security(plan: Plan, purpose: Purpose, specs: list[FieldSpec]) -> list[str]:
    """Security measures Steward keeps for the purpose's data; planned ones are marked."""
    measures: list[str] = []
    if specs and all(s.encrypted for s in specs):
        measures.append(promise("field_encryption", "fields encrypted at rest", inline=True))
    elif any(s.encrypted for s in specs):
        measures.append(
            promise("field_encryption", "identifying fields encrypted at rest", inline=True)
        )
    if any(s.masking is not Masking.NONE for s in specs):
        measures.append(
            promise(
                "reveal_with_reason", "masking until revealed with an audited reason", inline=True
            )
        )
    readers = [r for r in plan.roles if r.staff and purpose.id in r.read.purposes]
    if readers and all(r.mfa for r in readers):
        measures.append(
            promise("mfa", "multi-factor sign-in for every staff role that reads it", inline=True)
        )
    if not any(r.shared_account for r in plan.roles):
        measures.append(
            promise(
                "personal_accounts",
                "need-to-know roles held by named, individual accounts",
                inline=True,
            )
        )
    measures.append(promise("audit_log", "an append-only audit log of every read", inline=True))
    backups = plan.operations.backups
    if backups is not None and backups.enabled and backups.encrypted:
        measures.append(promise("backups", "encrypted backups", inline=True))
    return measures
