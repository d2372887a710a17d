"""The view of one dataset's privacy notice: what we ask, why, for how long, and with whom."""

from __future__ import annotations

from dataclasses import dataclass

from steward.policy.consent import needed_consents
from steward.policy.documents.context import (
    DatasetView,
    FieldView,
    PurposeView,
    RecipientView,
    dataset_view,
    purpose_view,
    recipient_view,
    recipients_of,
)
from steward.policy.model import Dataset, LegalBasis, Plan


@dataclass(frozen=True)
class NoticeView:
    """Everything a privacy notice for one dataset says, in the order it says it."""

    dataset: DatasetView
    required: list[FieldView]
    voluntary: list[FieldView]
    purposes: list[PurposeView]
    opt_ins: list[tuple[PurposeView, list[str]]]
    recipients: list[RecipientView]
    needed_ids: frozenset[str] = frozenset()

    @property
    def needed(self) -> list[tuple[PurposeView, list[str]]]:
        """Opt-ins the form cannot be sent without (see :mod:`steward.policy.consent`)."""
        return [(p, fields) for p, fields in self.opt_ins if p.id in self.needed_ids]

    @property
    def optional(self) -> list[tuple[PurposeView, list[str]]]:
        """Opt-ins a person may leave empty and still be helped."""
        return [(p, fields) for p, fields in self.opt_ins if p.id not in self.needed_ids]

    @property
    def file_stem(self) -> str:
        """The notice's file name without extension."""
        return f"privacy-notice-{self.dataset.id}"


def notice_view(plan: Plan, dataset: Dataset) -> NoticeView:
    """The privacy notice of ``dataset``: fields split into required and voluntary,
    the purposes they serve, an opt-in per consent-based purpose (naming the fields
    it covers; those the form cannot be sent without are told apart), and the outside
    parties that receive any of its data."""
    view = dataset_view(plan, dataset)
    stored = dataset.collected_fields
    purpose_ids = [p.id for p in plan.purposes if any(p.id in s.purposes for s in stored)]
    purposes = [purpose_view(plan.purpose(pid)) for pid in purpose_ids]
    opt_ins = [
        (p, [s.label for s in stored if p.id in s.purposes])
        for p in purposes
        if plan.purpose(p.id).legal_basis is LegalBasis.CONSENT
    ]
    categories = {s.category for s in stored}
    recipients = [
        recipient_view(plan, r) for r in recipients_of(plan, categories, set(purpose_ids))
    ]
    return NoticeView(
        dataset=view,
        required=[f for f in view.fields if f.required],
        voluntary=[f for f in view.fields if not f.required],
        purposes=purposes,
        opt_ins=opt_ins,
        recipients=recipients,
        needed_ids=frozenset(needed_consents(plan, dataset)),
    )
