"""A person's own data, as their own page and the API show it: see it, correct it, and
ask for what staff keep (taking a copy is :mod:`steward.vault.services.own_copy`).

Every read goes through :meth:`AccessService.read_own
<steward.vault.services.access.AccessService.read_own>` (scope ``own``: only the
person's records, the fields their self-service role reads, in clear; masking protects
people from staff, not from themselves). What the person may do with each field is the
pure table :mod:`steward.vault.rules.own_rights`. Every use of a right is registered
(:mod:`~steward.vault.services.rights_register`) and audited in the same transaction;
refusals are audited too. No value reaches the audit log or an error message, and a
record of another person is answered exactly like a record that does not exist.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn
from uuid import UUID

from django.db import transaction

from steward import clock
from steward.audit import Outcome
from steward.errors import StewardError
from steward.policy.model import Dataset, FieldSpec
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record, RightsRequest
from steward.vault.rules.intake import value_problem
from steward.vault.rules.own_rights import Correction, correction_for, field_rights, may_copy
from steward.vault.rules.own_rights import may_see as plan_lets_see
from steward.vault.rules.retention import RecordFate, decide_retention
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, AccessService, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.own_history import (
    AccessEntry,
    ConsentEntry,
    RequestEntry,
    accesses_of,
    consent_history,
    legal_basis_words,
    requests_of,
)
from steward.vault.services.own_reading import OwnRecord
from steward.vault.services.retention_sweep import facts_of
from steward.vault.services.rights_register import register

HIDDEN_NOTE = (
    "Staff keep these fields for their work, so this page does not show them. "
    "You may ask for them: staff answer within the time the organization promises."
)


class OwnDataRefused(AccessDenied):
    """The plan does not offer this right to people (says which; never a value)."""


class CorrectionRefused(AccessDenied):
    """This field cannot be corrected by the person (says why; never the value)."""


class UnknownField(NotFound):
    """The record's form has no such field (the name is not repeated back)."""


@dataclass(frozen=True)
class ShownField:
    """One field the person sees, with why it is held and for how long.

    Attributes:
        purposes: the labels of the purposes it serves.
        legal_bases: each purpose's legal basis, in plain words.
        retention: how long each purpose keeps it, in plain words.
        due: when the value is due to go, if known (``None`` while it has no end yet,
            e.g. an open case or consent not withdrawn).
        correction: how a correction is handled; ``reason`` says it in a sentence.
    """

    name: str
    label: str
    value: str
    stored: bool
    unreadable: str
    purposes: tuple[str, ...]
    legal_bases: tuple[str, ...]
    retention: tuple[str, ...]
    due: datetime | None
    correction: Correction
    reason: str
    input: str = "text"
    """How the form asks for it (``text``, ``email``, ``phone``, ``choice``, ...)."""
    choices: tuple[str, ...] = ()

    @property
    def why(self) -> tuple[str, ...]:
        """Each purpose with its legal basis, in plain words."""
        return tuple(
            f"{purpose} (on the basis of {basis})"
            for purpose, basis in zip(self.purposes, self.legal_bases, strict=True)
        )


@dataclass(frozen=True)
class RecordOverview:
    """One of the person's records: the form, its reference, when and where it stands."""

    reference: str
    dataset: str
    dataset_label: str
    received: datetime
    status: str
    fields: tuple[ShownField, ...]
    hidden: tuple[str, ...]
    """Labels of fields held but staff-only (never their values)."""


@dataclass(frozen=True)
class OwnOverview:
    """Everything the person's own page shows.

    ``accesses`` is ``None`` when the audit log cannot be read now.
    """

    records: tuple[RecordOverview, ...]
    consents: tuple[ConsentEntry, ...]
    requests: tuple[RequestEntry, ...]
    accesses: tuple[AccessEntry, ...] | None
    may_copy: bool
    may_correct: bool
    hidden_note: str = HIDDEN_NOTE

    @property
    def has_hidden(self) -> bool:
        """Whether any record holds staff-only fields."""
        return any(r.hidden for r in self.records)


@dataclass(frozen=True)
class CorrectionOutcome:
    """What became of a correction: made at once (``direct``), or a request for staff."""

    direct: bool
    request: int
    record: str
    field: str
    due: datetime | None


def subject_of(actor: Actor) -> UUID:
    """The person ``actor`` is.

    Raises:
        AccessDenied: the actor is not a person using their own rights.
    """
    if actor.subject_id is None:
        raise AccessDenied("only a person may use their own rights")
    return actor.subject_id


def refuse(
    vault: Vault,
    actor: Actor,
    action: AuditAction,
    obj: str,
    reason: str,
    *,
    fields: tuple[str, ...] = (),
    error: type[StewardError] = OwnDataRefused,
) -> NoReturn:
    """Audit a refusal (best effort) and raise ``error(reason)``."""
    with suppress(AuditUnavailable), transaction.atomic():
        audit(vault, actor=actor.ref, action=action, obj=obj, fields=fields, outcome=Outcome.DENIED)
    raise error(reason)


def read_records(vault: Vault, actor: Actor) -> list[OwnRecord]:
    """The person's records through the access service (audited ``own.read``).

    Raises:
        OwnDataRefused: the plan does not let people see their data.
    """
    subject = subject_of(actor)
    if not plan_lets_see(vault.plan):
        refuse(
            vault,
            actor,
            AuditAction.OWN_READ,
            f"subject/{subject}",
            "this organization does not offer people a view of their data",
        )
    return AccessService(vault).read_own(actor)


def overview(vault: Vault, actor: Actor) -> OwnOverview:
    """Everything the person's page shows: each record with its shown fields (purposes,
    legal basis, retention and due date), the staff-only fields by label, the consent
    history, the rights requests and who accessed the records.

    Raises:
        OwnDataRefused: the plan does not let people see their data (audited).
        AuditUnavailable: the read could not be audited; nothing is returned.
    """
    subject = subject_of(actor)
    own = read_records(vault, actor)
    now = clock.now()
    fates = _fates(vault, [r.id for r in own], now)
    plan = vault.plan
    return OwnOverview(
        records=tuple(_record_overview(vault, actor, r, fates.get(r.id)) for r in own),
        consents=consent_history(plan, subject),
        requests=requests_of(plan, subject),
        accesses=accesses_of(vault, subject, [r.id for r in own]),
        may_copy=may_copy(plan),
        may_correct=plan.rights.correction,
    )


def correct(
    vault: Vault, actor: Actor, record_id: UUID | str, field: str, value: str
) -> CorrectionOutcome:
    """Correct one field of the person's own record, or ask staff to.

    Direct where :mod:`~steward.vault.rules.own_rights` allows it: validated like
    intake, stored through :meth:`AccessService.update` as the person (re-encrypted,
    audited ``field.write``), registered as a done correction. Otherwise, where the
    plan takes corrections, an open correction request holding the proposed value
    encrypted under the person's own key. Audited ``own.correct`` with the field name.

    Raises:
        NotFound: no such record of this person (another person's record alike).
        UnknownField: the record's form has no such field.
        CorrectionRefused: the field cannot be corrected by the person (audited).
        InvalidValue: the value is not of the field's form (never repeats it).
        AuditUnavailable: the correction could not be audited; nothing changes.
    """
    subject = subject_of(actor)
    row = _own_record(subject, record_id)
    dataset = _dataset(vault, row)
    target = f"record/{row.id}"
    right = correction_for(vault.plan, actor.role, dataset, field, today=actor.today())
    spec = _declared(dataset, field)
    if spec is None:
        refuse(
            vault,
            actor,
            AuditAction.OWN_CORRECT,
            target,
            "this form has no such field",
            error=UnknownField,
        )
    if right.correction is Correction.REFUSED:
        refuse(
            vault,
            actor,
            AuditAction.OWN_CORRECT,
            target,
            right.reason,
            fields=(spec.name,),
            error=CorrectionRefused,
        )
    problem = value_problem(spec, value)
    if problem:
        with suppress(AuditUnavailable), transaction.atomic():
            audit(
                vault,
                actor=actor.ref,
                action=AuditAction.OWN_CORRECT,
                obj=target,
                fields=[spec.name],
                outcome=Outcome.FAILED,
            )
        raise InvalidValue(f"{spec.label}: {problem}")
    now = clock.now()
    direct = right.correction is Correction.DIRECT
    with transaction.atomic():
        if direct:
            AccessService(vault).update(actor, row.id, spec.name, value)
        request = register(
            vault.plan,
            subject,
            RightsRequest.Kind.CORRECTION,
            now=now,
            record=row,
            field=spec.name,
            done=direct,
            decision="corrected by you" if direct else "",
        )
        if not direct:
            request.proposed = vault.keyring.encrypt(
                str(subject),
                value.strip().encode("utf-8"),
                dataset="rights-request",
                record=str(request.id),
                field=spec.name,
            )
            request.save(update_fields=["proposed"])
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.OWN_CORRECT,
            obj=target,
            fields=[spec.name],
            purpose="corrected" if direct else "request for staff",
        )
    return CorrectionOutcome(direct, request.id, str(row.id), spec.name, request.due)


def ask_for_hidden(vault: Vault, actor: Actor) -> RequestEntry:
    """Ask staff for the fields the person's page does not show: one open access
    request, per record holding such fields (the first one is returned), audited.

    Raises:
        OwnDataRefused: the plan does not let people see their data, or nothing is
            held that the page does not show (audited).
        AuditUnavailable: the request could not be audited; nothing is registered.
    """
    subject = subject_of(actor)
    target = f"subject/{subject}"
    own = read_records(vault, actor)
    with_hidden = [r for r in own if r.hidden]
    if not with_hidden:
        refuse(
            vault,
            actor,
            AuditAction.OWN_READ,
            target,
            "your page already shows everything held about you",
        )
    now = clock.now()
    rows = {r.id: r for r in Record.objects.filter(id__in=[r.id for r in with_hidden])}
    with transaction.atomic():
        made = [
            register(vault.plan, subject, RightsRequest.Kind.ACCESS, now=now, record=rows[r.id])
            for r in with_hidden
        ]
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.OWN_READ,
            obj=target,
            fields=sorted({name for r in with_hidden for name in r.hidden}),
            purpose="asked for the fields not shown",
        )
    return requests_of(vault.plan, subject)[len(made) - 1]


def list_requests(vault: Vault, actor: Actor) -> tuple[RequestEntry, ...]:
    """The person's rights requests, newest first (audited ``own.read``).

    Raises:
        AuditUnavailable: the read could not be audited; nothing is returned.
    """
    subject = subject_of(actor)
    with transaction.atomic():
        found = requests_of(vault.plan, subject)
        audit(vault, actor=actor.ref, action=AuditAction.OWN_READ, obj=f"subject/{subject}",
              purpose="requests")  # fmt: skip
    return found


# -- helpers ---------------------------------------------------------------------------


def _own_record(subject: UUID, record_id: UUID | str) -> Record:
    try:
        key = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
        return Record.objects.select_related("plan").get(
            pk=key, subject_id=subject, purged__isnull=True
        )
    except (ValueError, Record.DoesNotExist):
        raise NotFound("no such record") from None


def _dataset(vault: Vault, row: Record) -> Dataset:
    try:
        return vault.plan.dataset(row.dataset)
    except KeyError:
        raise NotFound("no such record") from None


def _declared(dataset: Dataset, field: str) -> FieldSpec | None:
    try:
        return dataset.field(field)
    except KeyError:
        return None


def _fates(vault: Vault, ids: list[UUID], now: datetime) -> dict[UUID, RecordFate]:
    rows = list(Record.objects.filter(id__in=ids))
    out: dict[UUID, RecordFate] = {}
    for row, facts in facts_of(rows):
        with suppress(KeyError):
            out[row.id] = decide_retention(vault.plan, facts, now)
    return out


def _record_overview(
    vault: Vault, actor: Actor, record: OwnRecord, fate: RecordFate | None
) -> RecordOverview:
    plan = vault.plan
    purposes = {p.id: p for p in plan.purposes}
    dataset = record.dataset
    rights = {r.field: r for r in field_rights(plan, actor.role, dataset, today=actor.today())}
    due = {f.field: f.due for f in fate.fields} if fate else {}
    shown = []
    for value in record.values:
        spec = dataset.field(value.name)
        served = [purposes[p] for p in spec.purposes if p in purposes]
        right = rights[value.name]
        shown.append(
            ShownField(
                name=value.name,
                label=value.label,
                value=value.value,
                stored=value.stored,
                unreadable=value.unreadable,
                purposes=tuple(p.label for p in served),
                legal_bases=tuple(
                    legal_basis_words(p.legal_basis.value if p.legal_basis else None)
                    for p in served
                ),
                retention=tuple(
                    f"{p.label}: {p.retention.describe()}"
                    if p.retention
                    else f"{p.label}: no end date set"
                    for p in served
                ),
                due=due.get(value.name),
                correction=right.correction,
                reason=right.reason,
                input=spec.input.value,
                choices=tuple(spec.choices or ()),
            )
        )
    return RecordOverview(
        reference=str(record.id),
        dataset=dataset.id,
        dataset_label=dataset.label,
        received=record.created,
        status=record.status,
        fields=tuple(shown),
        hidden=tuple(dataset.field(name).label for name in record.hidden),
    )
