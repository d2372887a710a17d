"""Cases: assigning a record to a person of its team, or handing it to another team.

The decision is :func:`~steward.vault.rules.assignment.decide_assignment`, a pure rule
of the plan; this service fetches the facts it needs, carries the decision out and
audits it (``record.assign``) in the same transaction. Refusals are audited too.
A record out of the actor's scope is answered exactly like one that does not exist.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import NoReturn
from uuid import UUID

from django.db import transaction

from steward.audit import Outcome
from steward.policy.model import Scope
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record, StaffMember
from steward.vault.rules.assignment import (
    Assigner,
    Candidate,
    Case,
    Change,
    decide_assignment,
    may_assign,
)
from steward.vault.rules.scope import RecordFacts, in_scope
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, NotFound
from steward.vault.services.accounts import access_ended
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit

ACTION = AuditAction.RECORD_ASSIGN


@dataclass(frozen=True)
class Person:
    """A staff member a case can be assigned to (no secrets)."""

    user_id: int
    username: str
    name: str
    role: str
    team: str


@dataclass(frozen=True)
class Assignment:
    """Where a case stands after an assignment: its team and the person, if any."""

    record: UUID
    team: str
    assigned_to: int | None
    assignee: str | None


@dataclass(frozen=True)
class AssignmentOptions:
    """A case as it stands, and where the actor may send it.

    Attributes:
        teams: ``(id, label)`` of each team the case may go to, its own first.
        people: the people it may be assigned to, in those teams.
    """

    record: UUID
    dataset: str
    team: str
    assigned_to: int | None
    teams: tuple[tuple[str, str], ...]
    people: tuple[Person, ...]


class CaseService:
    """Assigns and hands on cases, as the plan's routing section allows."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def assigns(self, actor: Actor, dataset_id: str, team: str | None = None) -> bool:
        """Whether the actor may assign the open cases of ``dataset_id`` in ``team``
        (default: their own team). Decides only; reads no case."""
        case = Case(dataset_id, actor.team if team is None else team, None)
        return may_assign(self.vault.plan, self._assigner(actor), case, actor.today()).allowed

    def options(self, actor: Actor, record_id: UUID | str) -> AssignmentOptions:
        """The case's team and assignee, and the teams and people the actor may choose.

        Raises:
            NotFound: no such record, or out of the actor's scope.
            AccessDenied: the actor may not assign this case.
        """
        row = self._record(actor, record_id)
        case = _case(row)
        decision = may_assign(self.vault.plan, self._assigner(actor), case, actor.today())
        if not decision:
            raise AccessDenied(decision.reason)
        plan = self.vault.plan
        labels = {t.id: t.label for t in plan.teams}
        own = [(case.team, labels.get(case.team, case.team))] if case.team else []
        teams = own + [(t.id, t.label) for t in plan.teams if t.id != case.team]
        reachable = [case.team] if actor.role.scope is Scope.TEAM else [t for t, _ in teams]
        people = tuple(
            person
            for person, candidate in self._people(reachable)
            if decide_assignment(
                plan,
                self._assigner(actor),
                case,
                Change(person.team, candidate),
                actor.today(),
            ).allowed
        )
        return AssignmentOptions(
            row.id, row.dataset, row.team, row.assigned_to_id, tuple(teams), people
        )

    def assign(
        self,
        actor: Actor,
        record_id: UUID | str,
        *,
        team: str | None = None,
        assignee: str | None = None,
    ) -> Assignment:
        """Put the case in ``team`` (default: where it is), assigned to the staff member
        named ``assignee``, or to nobody (the team's queue) when ``assignee`` is None.

        Raises:
            NotFound: no such record, or out of the actor's scope.
            AccessDenied: the plan does not allow this assignment (audited).
            AuditUnavailable: the assignment could not be audited; nothing changed.
        """
        row = self._record(actor, record_id)
        target = f"record/{row.id}"
        allowed = may_assign(self.vault.plan, self._assigner(actor), _case(row), actor.today())
        if not allowed:
            self._deny(actor, target, allowed.reason)
        person = self._candidate(assignee) if assignee else None
        if assignee and person is None:
            self._deny(actor, target, "there is no staff account with that user name")
        wanted = Change(team if team is not None else row.team, person)
        with transaction.atomic():
            locked = Record.objects.select_for_update().get(pk=row.pk)
            decision = decide_assignment(
                self.vault.plan, self._assigner(actor), _case(locked), wanted, actor.today()
            )
            if decision:
                locked.team = wanted.team
                locked.assigned_to_id = person.user_id if person else None
                locked.save(update_fields=["team", "assigned_to", "updated"])
                audit(
                    self.vault,
                    actor=actor.ref,
                    action=ACTION,
                    obj=target,
                    purpose=self._note(wanted),
                )
        if not decision:
            self._deny(actor, target, decision.reason)
        return Assignment(row.id, wanted.team, locked.assigned_to_id, assignee if person else None)

    # -- facts ------------------------------------------------------------------------

    def _assigner(self, actor: Actor) -> Assigner:
        return Assigner(
            role=actor.role,
            team=actor.team,
            expired=actor.expired(),
            mfa_verified=actor.mfa_verified,
        )

    def _record(self, actor: Actor, record_id: UUID | str) -> Record:
        try:
            key = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
            row = Record.objects.get(pk=key)
        except (ValueError, Record.DoesNotExist):
            raise NotFound("no such record") from None
        if not in_scope(actor.reach, RecordFacts(row.assigned_to_id, row.team, row.subject_id)):
            raise NotFound("no such record")
        return row

    def _candidate(self, username: str) -> Candidate | None:
        member = StaffMember.objects.select_related("user").filter(user__username=username).first()
        return _candidate_of(self.vault, member) if member else None

    def _people(self, teams: list[str]) -> list[tuple[Person, Candidate]]:
        members = StaffMember.objects.select_related("user").filter(
            team__in=teams, user__is_active=True
        )
        found = []
        for member in members.order_by("team", "user__username"):
            user = member.user
            name = f"{user.first_name} {user.last_name}".strip() or user.username
            person = Person(user.id, user.username, name, member.role, member.team)
            found.append((person, _candidate_of(self.vault, member)))
        return found

    def _note(self, change: Change) -> str:
        """The audit purpose: the team, and the assignee as the log's own actor reference."""
        if change.assignee is None:
            return f"team {change.team}; unassigned (team queue)"
        hasher = self.vault.audit.hasher
        ref = f"staff/{change.assignee.user_id}"
        who = hasher.actor(ref) if hasher is not None else "a staff member"
        return f"team {change.team}; assignee {who}"

    def _deny(self, actor: Actor, target: str, reason: str) -> NoReturn:
        """Audit a refused assignment (best effort: the refusal stands regardless)."""
        with suppress(AuditUnavailable), transaction.atomic():
            audit(self.vault, actor=actor.ref, action=ACTION, obj=target, outcome=Outcome.DENIED)
        raise AccessDenied(reason)


def _case(row: Record) -> Case:
    return Case(row.dataset, row.team, row.assigned_to_id, row.status == Record.Status.CLOSED)


def _candidate_of(vault: Vault, member: StaffMember) -> Candidate:
    try:
        role = vault.plan.role(member.role)
    except KeyError:
        role = None
    active = member.user.is_active and not access_ended(member)
    return Candidate(member.user_id, role, member.team, active)
