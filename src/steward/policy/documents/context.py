"""The view-model the document templates read: plan facts as ready-to-print values.

Everything here is plain data (frozen dataclasses of strings, booleans and lists),
so the templates only loop and print. Text from the plan is left as it is; the
renderer escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from steward.policy.access import decide
from steward.policy.documents import wording as w
from steward.policy.duration import Duration
from steward.policy.model import (
    Action,
    Contact,
    Dataset,
    DatasetKind,
    FieldSpec,
    LegalBasis,
    Plan,
    Purpose,
    Recipient,
    RecipientKind,
    Role,
)
from steward.policy.safeguards import promise


@dataclass(frozen=True)
class FieldView:
    """One field of a dataset as the documents describe it."""

    name: str
    label: str
    dataset: str
    category: str
    purposes: list[str]
    required: bool
    identifier: str
    masking: str
    encrypted: bool
    searchable: bool
    help: str | None


@dataclass(frozen=True)
class NeverView:
    """A question whose answer is never recorded, and why."""

    label: str
    category: str
    reason: str


@dataclass(frozen=True)
class DatasetView:
    """A dataset: its stored fields and the questions never recorded."""

    id: str
    label: str
    kind: str
    description: str | None
    subjects: list[str]
    sealed: bool
    fields: list[FieldView]
    never: list[NeverView]
    receipt: bool = False
    """People fill it in themselves and get a receipt with their access code."""


@dataclass(frozen=True)
class PurposeView:
    """A purpose, its legal basis and how long its data lives."""

    id: str
    label: str
    description: str | None
    basis: str
    basis_for_you: str
    reference: str | None
    consent: bool
    explicit_consent: bool
    consent_text: str | None
    retention: str
    internal_use: str | None


@dataclass(frozen=True)
class AccessRow:
    """What one role may do with one field."""

    field: str
    read: str
    reveal: str
    write: str
    export: str


@dataclass(frozen=True)
class RoleView:
    """A role, its conditions and what it may do with each stored field."""

    label: str
    description: str | None
    staff: bool
    scope: str
    mfa: bool
    temporary: bool
    expires: str | None
    approves_disclosures: bool
    reads_audit: bool
    shared_account: bool
    access: list[AccessRow]


@dataclass(frozen=True)
class RecipientView:
    """An outside party, its agreement and what it receives."""

    id: str
    name: str
    kind: str
    location: str
    agreement: str
    binds_to_plan: bool
    categories: list[str]
    purposes: list[str]
    form: str
    donor: bool
    analyst: bool
    aggregates_only: bool
    deidentified_only: bool


def contact_line(contact: Contact | None) -> str | None:
    """``"Name, Title (email, phone)"`` or None when there is no contact."""
    if contact is None:
        return None
    name = f"{contact.name}, {contact.title}" if contact.title else contact.name
    reach = [part for part in (contact.email, contact.phone) if part]
    return f"{name} ({', '.join(reach)})" if reach else name


def duration_words(duration: Duration | None, missing: str = "not set") -> str:
    """A duration in words, or ``missing``."""
    return duration.describe() if duration is not None else missing


def every_words(duration: Duration | None) -> str:
    """``"every year"``, ``"every 3 months"``; ``"never"`` when there is no duration."""
    if duration is None:
        return "never"
    if duration.amount == 1:
        return "every " + duration.describe().removeprefix("1 ")
    return "every " + duration.describe()


def category_label(plan: Plan, category_id: str) -> str:
    """The category's plain name (its id if the taxonomy lacks it)."""
    return plan.taxonomy[category_id].label if category_id in plan.taxonomy else category_id


def purpose_labels(plan: Plan, purpose_ids: list[str]) -> list[str]:
    """Labels of the listed purposes, in the order given."""
    known = {p.id: p.label for p in plan.purposes}
    return [known.get(pid, pid) for pid in purpose_ids]


def purpose_view(purpose: Purpose) -> PurposeView:
    """The printable view of a purpose."""
    basis = purpose.legal_basis
    return PurposeView(
        id=purpose.id,
        label=purpose.label,
        description=purpose.description,
        basis=w.LEGAL_BASIS[basis] if basis else "not stated",
        basis_for_you=w.LEGAL_BASIS_FOR_YOU[basis] if basis else "",
        reference=purpose.legal_reference,
        consent=basis is LegalBasis.CONSENT,
        explicit_consent=purpose.explicit_consent,
        consent_text=purpose.consent_text,
        retention=purpose.retention.describe() if purpose.retention else "no limit set",
        internal_use=purpose.internal_use,
    )


def field_view(plan: Plan, dataset: Dataset, spec: FieldSpec) -> FieldView:
    """The printable view of a stored field."""
    return FieldView(
        name=spec.name,
        label=spec.label,
        dataset=dataset.label,
        category=category_label(plan, spec.category),
        purposes=purpose_labels(plan, spec.purposes),
        required=spec.required,
        identifier=w.IDENTIFIER_ROLE[spec.identifier],
        masking=w.MASKING[spec.masking],
        encrypted=spec.encrypted,
        searchable=spec.searchable,
        help=spec.help,
    )


def dataset_view(plan: Plan, dataset: Dataset) -> DatasetView:
    """The printable view of a dataset."""
    subjects = {s.id: s.label for s in plan.subjects}
    never = [
        NeverView(
            label=spec.label,
            category=category_label(plan, spec.category),
            reason=spec.never_reason or "No purpose of ours needs it.",
        )
        for spec in dataset.fields
        if spec.never
    ]
    return DatasetView(
        id=dataset.id,
        label=dataset.label,
        kind=w.DATASET_KIND[dataset.kind],
        description=dataset.description,
        subjects=[subjects.get(s, s) for s in dataset.subjects],
        sealed=dataset.sealed,
        fields=[field_view(plan, dataset, spec) for spec in dataset.collected_fields],
        never=never,
        receipt=dataset.kind is DatasetKind.INTAKE_FORM,
    )


def role_view(plan: Plan, role: Role) -> RoleView:
    """The printable view of a role, deciding each action on each stored field.

    Permissions are shown as the plan grants them; a temporary role's expiry is
    stated beside them rather than applied.
    """
    as_of = role.expires if role.temporary and role.expires else date.today()
    several = len(plan.datasets) > 1
    rows: list[AccessRow] = []
    for _, dataset, _, spec in plan.fields():
        if spec.never:
            continue

        def verdict(action: Action, spec: FieldSpec = spec) -> str:
            return w.yes_no(decide(role, action, spec, today=as_of).allowed)

        label = f"{spec.label} ({dataset.label})" if several else spec.label
        reveal = verdict(Action.REVEAL)
        if reveal == "yes" and spec.masking.value == "none":
            reveal = "not masked"
        rows.append(
            AccessRow(
                label, verdict(Action.READ), reveal, verdict(Action.WRITE), verdict(Action.EXPORT)
            )
        )
    return RoleView(
        label=role.label,
        description=role.description,
        staff=role.staff,
        scope=w.SCOPE[role.scope],
        mfa=role.mfa,
        temporary=role.temporary,
        expires=role.expires.isoformat() if role.expires else None,
        approves_disclosures=role.approves_disclosures,
        reads_audit=role.reads_audit,
        shared_account=role.shared_account,
        access=rows,
    )


def recipient_view(plan: Plan, recipient: Recipient) -> RecipientView:
    """The printable view of an outside party."""
    contract = recipient.contract
    agreement = w.CONTRACT_KIND[contract.kind]
    if contract.reference:
        agreement += f" ({contract.reference})"
    smallest = (
        f" (no group smaller than {recipient.min_group_size} people)"
        if recipient.min_group_size
        else ""
    )
    if recipient.aggregates_only:
        form = promise(
            "aggregates_only", f"counts only, with small groups suppressed{smallest}", inline=True
        )
    elif recipient.deidentified_only:
        form = promise(
            "deidentified_extracts", f"de-identified extracts only{smallest}", inline=True
        )
    else:
        form = "identifiable data"
    return RecipientView(
        id=recipient.id,
        name=recipient.name,
        kind=w.RECIPIENT_KIND[recipient.kind],
        location=recipient.location or "not stated",
        agreement=agreement,
        binds_to_plan=contract.binds_to_plan,
        categories=[category_label(plan, c) for c in recipient.categories],
        purposes=purpose_labels(plan, recipient.purposes),
        form=form,
        donor=recipient.kind is RecipientKind.DONOR,
        analyst=recipient.kind is RecipientKind.ANALYST,
        aggregates_only=recipient.aggregates_only,
        deidentified_only=recipient.deidentified_only,
    )


def recipients_of(plan: Plan, categories: set[str], purposes: set[str]) -> list[Recipient]:
    """Outside parties that receive any of ``categories`` or serve any of ``purposes``."""
    return [
        r for r in plan.recipients if categories & set(r.categories) or purposes & set(r.purposes)
    ]
