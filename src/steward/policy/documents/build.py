"""Assemble the whole view-model of a plan: what every template can read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from steward.policy.documents import wording as w
from steward.policy.documents.assessment import CategoryRisk, category_risks, never_recorded
from steward.policy.documents.context import (
    DatasetView,
    PurposeView,
    RecipientView,
    RoleView,
    contact_line,
    dataset_view,
    purpose_view,
    recipient_view,
    role_view,
)
from steward.policy.documents.impact import ImpactView, impact_view
from steward.policy.documents.notice import NoticeView, notice_view
from steward.policy.documents.provenance import Provenance, provenance_of
from steward.policy.documents.record import (
    ProcessorView,
    RecordView,
    processor_view,
    record_view,
)
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
from steward.policy.model import Plan
from steward.policy.safeguards import SAFEGUARDS, Status, status


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
    record: RecordView
    processor: ProcessorView | None
    provenance: Provenance
    safeguards: SafeguardsView
    impact: ImpactView
    acknowledgement_rows: int = 12


def build_context(loaded: LoadedPlan, generated: datetime | None = None) -> PlanContext:
    """The view-model of ``loaded``: a pure function of the plan and ``generated``, the
    time the documents are written (default: now, from :mod:`steward.clock`)."""
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
        record=record_view(plan),
        processor=processor_view(plan),
        provenance=provenance_of(loaded, generated),
        safeguards=safeguards_view(plan),
        impact=impact_view(plan),
    )
