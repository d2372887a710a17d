"""The record of processing activities (GDPR Art. 30): its view-model.

:func:`record_view` gathers every item of Art. 30(1) from the plan (the controller,
its representative and data-protection officer; purposes; categories of people and
of data; recipients, those in other countries marked; transfers and their safeguards;
time limits for erasure; security measures), with the source of each dataset and the
Art. 9(2) condition of each purpose that uses special categories. :func:`processor_view`
gathers Art. 30(2) when the plan says the organization processes data for others.

Security measures are only the safeguards Steward enforces for the plan (status *in
place* in :mod:`steward.policy.safeguards`); what the plan asks for and Steward does
not enforce yet is named apart, as planned, never as a measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from steward.policy.documents import wording as w
from steward.policy.documents.context import (
    PurposeView,
    category_label,
    contact_line,
    purpose_labels,
    purpose_view,
    recipient_view,
)
from steward.policy.model import (
    CollectedFrom,
    Contact,
    Dataset,
    FieldSpec,
    Masking,
    Plan,
    Purpose,
    Recipient,
    RecipientKind,
    ServedController,
    country_of,
)
from steward.policy.safeguards import SAFEGUARDS, Status, status

SECURITY_SAFEGUARDS = (
    "field_encryption",
    "sealed_intake",
    "blind_index",
    "masking",
    "reveal_with_reason",
    "write_needs_sight",
    "need_to_know",
    "personal_accounts",
    "mfa",
    "lockout",
    "session_limits",
    "role_expiry",
    "service_tokens",
    "audit_log",
    "intake_minimization",
    "never_recorded",
    "encrypted_delivery",
    "deidentified_extracts",
    "aggregates_only",
    "backups",
    "web_log_limits",
    "no_tracking",
    "incident_register",
    "breach_deadlines",
)
"""The safeguards that are security measures (Art. 32), in the order the record lists them."""


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
class RecipientRow:
    """An outside party as the record lists it."""

    name: str
    kind: str
    location: str
    abroad: bool
    receives: str
    purposes: str


@dataclass(frozen=True)
class TransferRow:
    """Data going to a party in another country, and the safeguard it goes under."""

    party: str
    country: str
    categories: str
    safeguard: str


@dataclass(frozen=True)
class SpecialRow:
    """A purpose that uses special categories, and the condition that allows it."""

    purpose: str
    categories: str
    condition: str


@dataclass(frozen=True)
class ControllerView:
    """A controller the organization processes data for (Art. 30(2))."""

    name: str
    address: str
    contact: str
    representative: str
    data_protection_officer: str
    processing: list[str]


@dataclass(frozen=True)
class RecordView:
    """Everything the record of processing prints, item by item."""

    controller: list[tuple[str, str]]
    purposes: list[PurposeView]
    subjects: list[tuple[str, str]]
    categories: list[tuple[str, str, str]]
    recipients: list[RecipientRow]
    transfers: list[TransferRow]
    no_transfers: str
    erasure: list[tuple[str, str]]
    erasure_automatic: str | None
    security: list[str]
    planned: list[str]
    sources: list[tuple[str, str]]
    special: list[SpecialRow]
    activities: list[ProcessingRecord]


@dataclass(frozen=True)
class ProcessorView:
    """Art. 30(2): the processor, the controllers it acts for and what it does for them."""

    processor: list[tuple[str, str]]
    controllers: list[ControllerView]


def _contact(contact: Contact | None, missing: str) -> str:
    return contact_line(contact) or missing


def _home(plan: Plan) -> set[str]:
    return {country_of(j) for j in plan.organization.jurisdictions}


def _abroad(plan: Plan, recipient: Recipient) -> bool:
    home = _home(plan)
    return bool(recipient.location and home and country_of(recipient.location) not in home)


def controller_rows(plan: Plan) -> list[tuple[str, str]]:
    """Art. 30(1)(a): the controller, its representative and data-protection officer."""
    org = plan.organization
    return [
        ("Controller", org.name),
        ("Address", org.address or "not stated"),
        ("Website", org.website or "not stated"),
        ("Jurisdictions", ", ".join(org.jurisdictions) or "not stated"),
        ("Contact for data protection", _contact(org.privacy_officer, "not named")),
        ("Representative", _contact(org.representative, "none designated")),
        ("Data-protection officer", _contact(org.data_protection_officer, "none designated")),
    ]


def security_measures(plan: Plan) -> tuple[list[str], list[str]]:
    """(in place, planned): the security safeguards Steward enforces for ``plan``, and
    those the plan asks for that Steward does not enforce yet."""
    in_place: list[str] = []
    planned: list[str] = []
    for safeguard_id in SECURITY_SAFEGUARDS:
        state = status(plan, safeguard_id)
        if state is Status.IN_PLACE:
            in_place.append(SAFEGUARDS[safeguard_id].name)
        elif state is Status.PLANNED:
            planned.append(SAFEGUARDS[safeguard_id].name)
    return in_place, planned


def _source(dataset: Dataset) -> str:
    source = dataset.source
    if source is None:
        return "not stated in the plan"
    if source.from_ is CollectedFrom.THE_PERSON:
        return "collected from the person"
    where = "a third party" if source.from_ is CollectedFrom.THIRD_PARTY else "a public source"
    return f"obtained from {where}: {source.party}"


def _special(plan: Plan) -> list[SpecialRow]:
    rows: list[SpecialRow] = []
    for purpose in plan.purposes:
        held = sorted(
            {
                category_label(plan, spec.category)
                for _, _, _, spec in plan.fields()
                if spec.collected
                and purpose.id in spec.purposes
                and plan.category(spec.category).special
            }
        )
        if held:
            condition = purpose.special_condition
            rows.append(
                SpecialRow(
                    purpose=purpose.label,
                    categories=", ".join(held),
                    condition=condition.describe() if condition else "not stated in the plan",
                )
            )
    return rows


def _transfers(plan: Plan) -> list[TransferRow]:
    rows: list[TransferRow] = []
    for recipient in plan.recipients:
        if not _abroad(plan, recipient):
            continue
        safeguard = recipient.transfer_safeguard
        rows.append(
            TransferRow(
                party=recipient.name,
                country=recipient.location or "",
                categories=", ".join(category_label(plan, c) for c in recipient.categories)
                or "none listed",
                safeguard=safeguard.describe() if safeguard else "none named in the plan",
            )
        )
    return rows


def _no_transfers(plan: Plan) -> str:
    home = sorted(_home(plan))
    if plan.questionnaire.cross_border_transfers:
        return "The questionnaire reports cross-border transfers, but no recipient abroad is named."
    place = w.listing(home) if home else "the organization's own country"
    return f"No data is transferred outside {place}."


def _categories(plan: Plan) -> list[tuple[str, str, str]]:
    seen: dict[str, set[str]] = {}
    for _, _, _, spec in plan.fields():
        if spec.collected and plan.category(spec.category).personal:
            seen.setdefault(spec.category, set()).update(spec.purposes)
    return [
        (
            category_label(plan, cid),
            "special category" if plan.category(cid).special else "",
            "; ".join(purpose_labels(plan, sorted(purposes))) or "none",
        )
        for cid, purposes in seen.items()
    ]


def record_view(plan: Plan) -> RecordView:
    """The record of processing of ``plan``; a pure function of the plan."""
    in_place, planned = security_measures(plan)
    labels = {s.id: s.label for s in plan.subjects}
    subjects = [
        (
            subject.label,
            ", ".join(d.label for d in plan.datasets if subject.id in d.subjects) or "none",
        )
        for subject in plan.subjects
    ]
    subjects += [
        (labels.get(sid, sid), d.label)
        for d in plan.datasets
        for sid in d.subjects
        if sid not in labels
    ]
    recipients = [
        RecipientRow(
            name=r.name,
            kind=w.RECIPIENT_KIND[r.kind],
            location=r.location or "not stated",
            abroad=_abroad(plan, r),
            receives=recipient_view(plan, r).form,
            purposes="; ".join(purpose_labels(plan, r.purposes)) or "not stated",
        )
        for r in plan.recipients
    ]
    automatic = (
        "Steward deletes or reduces the data automatically when its time limit ends."
        if status(plan, "retention_sweep") is Status.IN_PLACE
        else None
    )
    return RecordView(
        controller=controller_rows(plan),
        purposes=[purpose_view(p) for p in plan.purposes],
        subjects=subjects,
        categories=_categories(plan),
        recipients=recipients,
        transfers=_transfers(plan),
        no_transfers=_no_transfers(plan),
        erasure=[
            (p.label, p.retention.describe() if p.retention else "no time limit set")
            for p in plan.purposes
        ],
        erasure_automatic=automatic,
        security=in_place,
        planned=planned,
        sources=[(d.label, _source(d)) for d in plan.datasets],
        special=_special(plan),
        activities=[processing_record(plan, p) for p in plan.purposes],
    )


def processor_view(plan: Plan) -> ProcessorView | None:
    """Art. 30(2) for ``plan``, or None when the organization acts only as a controller."""
    org = plan.organization
    if not org.role.processes_for_others:
        return None
    processor = [
        ("Processor", org.name),
        ("Address", org.address or "not stated"),
        ("Contact for data protection", _contact(org.privacy_officer, "not named")),
        ("Representative", _contact(org.representative, "none designated")),
        ("Data-protection officer", _contact(org.data_protection_officer, "none designated")),
    ]
    return ProcessorView(processor=processor, controllers=[_served(c) for c in org.acts_for])


def _served(controller: ServedController) -> ControllerView:
    return ControllerView(
        name=controller.name,
        address=controller.address or "not stated",
        contact=_contact(controller.contact, "not named"),
        representative=_contact(controller.representative, "none designated"),
        data_protection_officer=_contact(controller.data_protection_officer, "none designated"),
        processing=list(controller.processing),
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
    abroad = [f"{r.name} ({r.location})" for r in parties if _abroad(plan, r)]
    if abroad:
        transfers = "to " + w.listing(abroad)
    elif plan.questionnaire.cross_border_transfers:
        transfers = "the questionnaire reports cross-border transfers"
    else:
        home = sorted(_home(plan))
        transfers = "none outside " + (w.listing(home) if home else "the home country")
    return ProcessingRecord(
        purpose=purpose_view(purpose),
        subjects=w.listing(subjects),
        categories="; ".join(categories) or "none",
        recipients="; ".join(recipients) or "none",
        transfers=transfers,
        security="; ".join(_security(plan, purpose, [spec for _, spec in specs])) or "none",
    )


def _in_place(plan: Plan, safeguard_id: str) -> bool:
    return status(plan, safeguard_id) is Status.IN_PLACE


def _security(plan: Plan, purpose: Purpose, specs: list[FieldSpec]) -> list[str]:
    """Security measures Steward enforces for the purpose's data, and only those."""
    measures: list[str] = []
    if _in_place(plan, "field_encryption"):
        if specs and all(s.encrypted for s in specs):
            measures.append("fields encrypted at rest")
        elif any(s.encrypted for s in specs):
            measures.append("identifying fields encrypted at rest")
    if _in_place(plan, "reveal_with_reason") and any(s.masking is not Masking.NONE for s in specs):
        measures.append("masking until revealed with an audited reason")
    readers = [r for r in plan.roles if r.staff and purpose.id in r.read.purposes]
    if _in_place(plan, "mfa") and readers and all(r.mfa for r in readers):
        measures.append("multi-factor sign-in for every staff role that reads it")
    if _in_place(plan, "personal_accounts") and not any(r.shared_account for r in plan.roles):
        measures.append("need-to-know roles held by named, individual accounts")
    if _in_place(plan, "audit_log"):
        measures.append("an append-only audit log of every read")
    if _in_place(plan, "backups"):
        measures.append("encrypted backups")
    return measures
