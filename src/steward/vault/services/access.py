"""The one access service: every read of personal data goes through here.

It decides (the plan's grants, the role's scope, MFA and expiry), decrypts, masks and
audits, in that order, and the audit entry commits in the same transaction as the
read: if the entry cannot be written, nothing is returned. Denials are audited too.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from typing import NoReturn
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet

from steward.audit import Outcome
from steward.errors import StewardError
from steward.policy import decide
from steward.policy.model import (
    Action,
    Dataset,
    FieldSpec,
    LegalBasis,
    Scope,
)
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record
from steward.vault.rules.case_query import CaseQuery
from steward.vault.rules.reveal import decide_reveal
from steward.vault.rules.scope import RecordFacts, in_scope
from steward.vault.runtime import Vault
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.case_list import (
    MAX_MATCHES,
    CasePage,
    list_note,
    matching,
    narrowed,
)
from steward.vault.services.consents import consent_states
from steward.vault.services.dataset_views import DatasetAccess, describe_access
from steward.vault.services.field_reads import field_plaintext
from steward.vault.services.field_updates import write_field
from steward.vault.services.own_reading import OwnRecord, read_own_records
from steward.vault.services.record_views import (
    RecordView,
    ValueUnreadable,
    load_ciphertexts,
    render_view,
)

MAX_PAGE = 200
MAX_OFFSET = 2**31 - 1
"""The largest page offset: far beyond any vault, and safe for every database's integers."""


class AccessDenied(StewardError):
    """The actor may not do this; the reason never contains personal data."""


class InvalidValue(StewardError):
    """The value cannot be stored in that field under the plan; says why, never the value."""


class NotFound(StewardError):
    """No such record or field (said the same way whether it exists or is out of scope)."""


def record_failure(
    vault: Vault,
    actor: Actor,
    action: AuditAction,
    target: str,
    fields: Iterable[str],
    outcome: Outcome = Outcome.FAILED,
) -> None:
    """Audit an attempt that showed nothing (best effort: the answer never depends on
    it, so an audit log that cannot be written is not an error here)."""
    with suppress(AuditUnavailable), transaction.atomic():
        audit(vault, actor=actor.ref, action=action, obj=target, fields=fields, outcome=outcome)


def refuse_audited(
    vault: Vault,
    actor: Actor,
    action: AuditAction,
    target: str,
    fields: Iterable[str],
    reason: str,
) -> NoReturn:
    """Audit a refused attempt (best effort: refusal never depends on it) and refuse.

    Raises:
        AccessDenied: always, with ``reason``.
    """
    record_failure(vault, actor, action, target, fields, Outcome.DENIED)
    raise AccessDenied(reason)


class AccessService:
    """Decides, decrypts, masks and audits every read and write of records."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    # -- reading ----------------------------------------------------------------------

    def readable_datasets(self, actor: Actor) -> list[Dataset]:
        """Datasets with at least one field the actor may read."""
        return [d for d in self.vault.plan.datasets if self._readable(actor, d)]

    def dataset_access(self, actor: Actor) -> list[DatasetAccess]:
        """Each dataset the actor reads something of, with the fields they read and what
        else they may do with each (reveal, write, export). Reads no record."""
        return describe_access(actor.role, self.readable_datasets(actor), actor.today())

    def list_records(
        self,
        actor: Actor,
        dataset_id: str,
        *,
        limit: int = 50,
        offset: int = 0,
        unassigned: bool = False,
        query: CaseQuery | None = None,
    ) -> list[RecordView]:
        """A page of the dataset's records in scope, each field masked per the plan.

        With ``unassigned``, only the records assigned to no one: the queue of the
        teams in the actor's scope. ``query`` narrows and orders the list (status,
        team, dates); without it, newest first.

        Raises:
            AccessDenied: the role reads nothing of this dataset, or must use MFA.
            AuditUnavailable: the read could not be audited; nothing is returned.
        """
        dataset = self._dataset(dataset_id)
        fields = self._gate(actor, dataset, Action.READ, f"dataset/{dataset.id}")
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, min(offset, MAX_OFFSET))
        wanted = self._wanted(actor, dataset, unassigned, query)
        with transaction.atomic():
            rows = list(wanted.select_related("plan")[offset : offset + limit])
            values = load_ciphertexts(rows, fields)
            revealable = self._revealable(actor, fields)
            with self.vault.keyring.one_state_read():
                views = [
                    render_view(self.vault.keyring, revealable, dataset, fields, row, values)
                    for row in rows
                ]
            audit(
                self.vault,
                actor=actor.ref,
                action=AuditAction.RECORD_LIST,
                obj=f"dataset/{dataset.id}",
                fields=[f.name for f in fields],
                purpose=list_note(unassigned, query),
            )
        return views

    def count_records(
        self,
        actor: Actor,
        dataset_id: str,
        *,
        unassigned: bool = False,
        query: CaseQuery | None = None,
    ) -> int:
        """How many records :meth:`list_records` lists in all, over every page (a count
        holds no personal data; the pages themselves are audited).

        Raises:
            NotFound: no such dataset.
            AccessDenied: the role reads nothing of this dataset, or must use MFA.
        """
        dataset = self._dataset(dataset_id)
        self._gate(actor, dataset, Action.READ, f"dataset/{dataset.id}")
        return self._wanted(actor, dataset, unassigned, query).count()

    def get_record(self, actor: Actor, record_id: UUID | str) -> RecordView:
        """One record in scope, masked per the plan.

        Raises:
            NotFound: no such record, or out of the actor's scope (indistinguishable).
            AccessDenied: the role reads nothing of this dataset, or must use MFA.
            AuditUnavailable: the read could not be audited; nothing is returned.
        """
        row = self._record(actor, record_id)
        dataset = self._dataset(row.dataset)
        fields = self._gate(actor, dataset, Action.READ, f"record/{row.id}")
        with transaction.atomic():
            revealable = self._revealable(actor, fields)
            view = render_view(
                self.vault.keyring,
                revealable,
                dataset,
                fields,
                row,
                load_ciphertexts([row], fields),
            )
            audit(
                self.vault,
                actor=actor.ref,
                action=AuditAction.RECORD_READ,
                obj=f"record/{row.id}",
                fields=[f.name for f in fields],
            )
        return view

    def reveal(
        self, actor: Actor, record_id: UUID | str, field: str, purpose: str, reason: str
    ) -> str:
        """The clear value of one masked field, for a stated purpose and reason.

        The decision is :func:`steward.vault.rules.reveal.decide_reveal`: a reveal grant,
        a purpose the role holds and the field serves, the person's consent for a
        consent-based purpose, and a reason that says something. Refusals are audited.

        Raises:
            AccessDenied: any of those fails (the message says which, never the reason).
            NotFound: no such record or field in scope.
            ValueUnreadable: the value is erased or cannot be decrypted (audited as failed).
            AuditUnavailable: the reveal could not be audited; nothing is returned.
        """
        row = self._record(actor, record_id)
        dataset = self._dataset(row.dataset)
        spec = self._field(dataset, field)
        target = f"record/{row.id}"
        self._gate(actor, dataset, Action.REVEAL, target, only=spec)
        verdict = decide_reveal(
            self.vault.plan,
            actor.role,
            spec,
            purpose,
            reason,
            consent_states(row) if self._rests_on_consent(purpose) else {},
            today=actor.today(),
        )
        if not verdict.allowed:
            self._deny(actor, AuditAction.FIELD_REVEAL, target, [field], verdict.message)
        try:
            value = field_plaintext(self.vault.keyring, row, dataset, spec)
        except ValueUnreadable:
            self._record_failure(actor, AuditAction.FIELD_REVEAL, target, [field])
            raise
        with transaction.atomic():
            audit(
                self.vault,
                actor=actor.ref,
                action=AuditAction.FIELD_REVEAL,
                obj=target,
                fields=[field],
                purpose=f"{purpose}: {verdict.reason}",
            )
        return value

    def find_records(
        self,
        actor: Actor,
        dataset_id: str,
        field: str,
        value: str,
        *,
        limit: int = 50,
        offset: int = 0,
        query: CaseQuery | None = None,
    ) -> CasePage:
        """A page of the records in scope whose searchable ``field`` equals ``value``
        (after normalization), narrowed and ordered by ``query``, and how many match.

        The look-up uses the field's blind index, so nothing is decrypted to search;
        the few index collisions a truncated index allows are filtered out after
        decrypting the searched field of the candidates (at most
        :data:`~steward.vault.services.case_list.MAX_MATCHES` of them). The audit entry
        names the field, never the value.

        Raises:
            AccessDenied: the role may not read the field, or it is not searchable.
            NotFound: no such dataset or field.
            AuditUnavailable: the search could not be audited; nothing is returned.
        """
        from steward.vault.services.collect import blind_index_for

        dataset = self._dataset(dataset_id)
        spec = self._field(dataset, field)
        target = f"dataset/{dataset.id}"
        if not spec.searchable:
            self._deny(
                actor, AuditAction.RECORD_SEARCH, target, [field], f"'{field}' is not searchable"
            )
        self._gate(actor, dataset, Action.READ, target, only=spec)
        fields = self._gate(actor, dataset, Action.READ, target)
        index = blind_index_for(self.vault, dataset.id, field, value)
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, min(offset, MAX_OFFSET))
        by_index = self._wanted(actor, dataset, False, query).filter(
            values__field=field, values__blind_index=index
        )
        with transaction.atomic():
            candidates = list(by_index.select_related("plan")[: MAX_MATCHES + 1])
            truncated = len(candidates) > MAX_MATCHES
            candidates = candidates[:MAX_MATCHES]
            with self.vault.keyring.one_state_read():
                matches = matching(self.vault, candidates, dataset, spec, value)
                shown = matches[offset : offset + limit]
                values = load_ciphertexts(shown, fields)
                revealable = self._revealable(actor, fields)
                views = [
                    render_view(self.vault.keyring, revealable, dataset, fields, row, values)
                    for row in shown
                ]
            audit(
                self.vault,
                actor=actor.ref,
                action=AuditAction.RECORD_SEARCH,
                obj=target,
                fields=[field],
                purpose=query.describe() if query else "",
            )
        return CasePage(views, len(matches), truncated)

    def read_own(self, actor: Actor) -> list[OwnRecord]:
        """The person's own records (not purged whole), oldest first, each with every
        field their role reads, in clear, and the names of the fields held but not read.

        Raises:
            AccessDenied: the actor is not a person (scope ``own`` with a subject).
            AuditUnavailable: the read could not be audited; nothing is returned.
        """
        target = f"subject/{actor.subject_id}"
        if actor.role.scope is not Scope.OWN or actor.subject_id is None:
            self._deny(actor, AuditAction.OWN_READ, target, [], "only a person reads their own")
        with transaction.atomic():
            records, fields = read_own_records(self.vault, actor.role, actor.subject_id)
            audit(
                self.vault, actor=actor.ref, action=AuditAction.OWN_READ, obj=target, fields=fields
            )
        return records

    # -- writing ----------------------------------------------------------------------

    def update(self, actor: Actor, record_id: UUID | str, field: str, value: str) -> None:
        """Replace one field's value (re-encrypted, re-indexed), if the role may write it,
        and mark the case's last contact (now).

        Raises:
            AccessDenied: no write grant covers the field, or it is never recorded.
            InvalidValue: the value is not of the field's form (a choice, an email, ...).
            NotFound: no such record or field in scope.
            ValueUnreadable: the person was erased; nothing new is recorded about them
                (audited as failed).
            AuditUnavailable: the write could not be audited; nothing changes.
        """
        write_field(self, actor, record_id, field, value)

    # -- decisions ----------------------------------------------------------------------

    def _gate(
        self,
        actor: Actor,
        dataset: Dataset,
        action: Action,
        target: str,
        only: FieldSpec | None = None,
    ) -> list[FieldSpec]:
        """The fields ``action`` reaches, or an audited denial."""
        verb = {
            Action.READ: AuditAction.RECORD_READ,
            Action.REVEAL: AuditAction.FIELD_REVEAL,
            Action.WRITE: AuditAction.FIELD_WRITE,
            Action.EXPORT: AuditAction.DATASET_EXPORT,
        }[action]
        names = [only.name] if only else []
        if actor.expired():
            self._deny(actor, verb, target, names, "this account's temporary access has ended")
        if actor.role.mfa and not actor.mfa_verified:
            self._deny(actor, verb, target, names, "this role must sign in with a second factor")
        specs = [only] if only else dataset.collected_fields
        allowed = [s for s in specs if decide(actor.role, action, s, today=actor.today()).allowed]
        if not allowed:
            why = decide(actor.role, action, specs[0], today=actor.today()).reason if specs else ""
            self._deny(actor, verb, target, names, f"the role '{actor.role.id}' may not: {why}")
        return allowed

    def _deny(
        self, actor: Actor, action: AuditAction, target: str, fields: Iterable[str], reason: str
    ) -> NoReturn:
        refuse_audited(self.vault, actor, action, target, fields, reason)

    def _record_failure(
        self,
        actor: Actor,
        action: AuditAction,
        target: str,
        fields: Iterable[str],
        outcome: Outcome = Outcome.FAILED,
    ) -> None:
        record_failure(self.vault, actor, action, target, fields, outcome)

    def _readable(self, actor: Actor, dataset: Dataset) -> bool:
        return any(
            decide(actor.role, Action.READ, s, today=actor.today()).allowed
            for s in dataset.collected_fields
        )

    def _wanted(
        self, actor: Actor, dataset: Dataset, unassigned: bool, query: CaseQuery | None
    ) -> QuerySet[Record]:
        """The dataset's records in scope, narrowed and ordered by ``query``."""
        rows = Record.objects.filter(dataset=dataset.id)
        if unassigned:
            rows = rows.filter(assigned_to__isnull=True)
        return narrowed(self._scoped(actor, rows), query)

    def _scoped(self, actor: Actor, rows: QuerySet[Record]) -> QuerySet[Record]:
        scope = actor.role.scope
        if scope is Scope.ALL:
            return rows
        if scope is Scope.TEAM:
            return rows.filter(team=actor.team) if actor.team else rows.none()
        if scope is Scope.ASSIGNED:
            return rows.filter(assigned_to_id=actor.user_id) if actor.user_id else rows.none()
        return rows.filter(subject_id=actor.subject_id) if actor.subject_id else rows.none()

    # -- data -------------------------------------------------------------------------

    def _dataset(self, dataset_id: str) -> Dataset:
        try:
            return self.vault.plan.dataset(dataset_id)
        except KeyError:
            raise NotFound(f"there is no dataset '{dataset_id}'") from None

    @staticmethod
    def _field(dataset: Dataset, name: str) -> FieldSpec:
        try:
            return dataset.field(name)
        except KeyError:
            raise NotFound(f"'{dataset.id}' has no field '{name}'") from None

    def _record(self, actor: Actor, record_id: UUID | str) -> Record:
        try:
            key = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
            row = Record.objects.select_related("plan").get(pk=key)
        except (ValueError, Record.DoesNotExist):
            raise NotFound("no such record") from None
        facts = RecordFacts(row.assigned_to_id, row.team, row.subject_id)
        if not in_scope(actor.reach, facts):
            raise NotFound("no such record")
        return row

    def _rests_on_consent(self, purpose: str) -> bool:
        """Whether ``purpose`` is one of the plan's consent-based purposes (only then
        does a reveal need the person's consent answers, so only then are they read)."""
        return any(
            p.id == purpose and p.legal_basis is LegalBasis.CONSENT
            for p in self.vault.plan.purposes
        )

    @staticmethod
    def _revealable(actor: Actor, fields: list[FieldSpec]) -> frozenset[str]:
        """Names of the fields the actor may reveal: decided once per request, not per row."""
        today = actor.today()
        return frozenset(
            f.name for f in fields if decide(actor.role, Action.REVEAL, f, today=today).allowed
        )
